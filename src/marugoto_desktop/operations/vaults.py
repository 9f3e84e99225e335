"""Creating, opening and re-keying vaults, and the office recovery key."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from ..vault import KdfParams, Vault
from ..vault.keyslots import (
    generate_office_key,
    load_office_private,
    load_office_public,
)

MIN_PASSPHRASE_LENGTH = 8
PRIVATE_KEY_FILE = "office-recovery-key.pem"
PUBLIC_KEY_FILE = "office-recovery-public.pem"


class WeakPassphrase(ValueError):
    pass


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            f"the passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long"
        )


class RecoveryKeyPresent(ValueError):
    """The vault has an office recovery key already (replace=True replaces it)."""


def read_public_key(path: Path) -> X25519PublicKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} does not exist: give the office recovery public key "
            f"({PUBLIC_KEY_FILE}, made by recovery-key --out DIR)"
        ) from None
    try:
        return load_office_public(data)
    except ValueError as exc:
        raise ValueError(
            f"{path} is not an office recovery public key ({exc}): give {PUBLIC_KEY_FILE}, "
            "never the private key"
        ) from None


def add_recovery_key(vault: Vault, public_key: Path, *, replace: bool = False) -> None:
    """Give a vault created without the office's key a recovery slot (for a forgotten
    passphrase); one it has already is replaced only when asked."""
    office = read_public_key(public_key)
    if vault.has_recovery_slot() and not replace:
        raise RecoveryKeyPresent(vault.folder)
    vault.set_recovery_key(office)


def init_vault(
    folder: Path,
    passphrase: str,
    *,
    recovery_public_key: Path | None = None,
    kdf: KdfParams | None = None,
) -> Vault:
    """Create a vault; with the office's public key it gets a recovery slot."""
    check_new_passphrase(passphrase)
    office = read_public_key(recovery_public_key) if recovery_public_key else None
    return Vault.create(folder, passphrase, office_public=office, kdf=kdf)


def change_passphrase(folder: Path, old: str, new: str) -> None:
    check_new_passphrase(new)
    with Vault.open(folder, old) as vault:
        vault.change_passphrase(new)


def read_private_key(path: Path) -> X25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} does not exist: give the office recovery key ({PRIVATE_KEY_FILE}, kept "
            "offline at the office)"
        ) from None
    try:
        return load_office_private(data)
    except ValueError as exc:
        raise ValueError(
            f"{path} is not an office recovery key ({exc}): give {PRIVATE_KEY_FILE}, the "
            "private key"
        ) from None


def recover(folder: Path, private_key: Path, new_passphrase: str) -> None:
    """Open a vault with the office's recovery key and give it a new passphrase."""
    check_new_passphrase(new_passphrase)
    office = read_private_key(private_key)
    with Vault.open_with_recovery_key(folder, office) as vault:
        vault.change_passphrase(new_passphrase)


@dataclass(frozen=True)
class OfficeKeyFiles:
    private: Path
    public: Path


def create_office_key(out_dir: Path) -> OfficeKeyFiles:
    """Write a new office recovery key pair; refuses to overwrite an existing one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out_dir / PRIVATE_KEY_FILE, out_dir / PUBLIC_KEY_FILE
    for path in (private_path, public_path):
        if path.exists():
            raise FileExistsError(f"{path} already exists; not overwriting a recovery key")
    private_pem, public_pem = generate_office_key()
    # The private key is created owner-only from the first byte.
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem)
    public_path.write_bytes(public_pem)
    return OfficeKeyFiles(private_path, public_path)


def open_vault(folder: Path, passphrase: str, *, read_only: bool = False) -> Vault:
    """Unlock a vault (slow on purpose: the key derivation takes about half a second). A
    command that only reads passes `read_only`, so that a vault on read-only media (a copy on
    a USB stick) opens too; a command that writes is refused there (VaultReadOnly)."""
    return Vault.open(folder, passphrase, read_only=read_only)


def vault_exists(folder: Path) -> bool:
    return Vault.exists(folder)
