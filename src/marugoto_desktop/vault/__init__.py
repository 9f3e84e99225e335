"""The encrypted local store: a vault on SQLite whose personal data is ciphertext (DESIGN §4)."""

from .errors import (
    DiskFull,
    RecordNotFound,
    VaultCorrupted,
    VaultError,
    VaultExists,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
    VaultReadOnly,
    WrongPassphrase,
)
from .keyslots import KdfParams
from .store import Vault

__all__ = [
    "DiskFull",
    "KdfParams",
    "RecordNotFound",
    "Vault",
    "VaultCorrupted",
    "VaultError",
    "VaultExists",
    "VaultInUse",
    "VaultLocked",
    "VaultNotFound",
    "VaultReadOnly",
    "WrongPassphrase",
]
