"""Typed vault errors. The faces turn each type into a plain message for people."""

from __future__ import annotations


class VaultError(Exception):
    """Anything the vault refuses to do."""


class WrongPassphrase(VaultError):
    """The passphrase (or recovery key) does not open this vault."""


class VaultCorrupted(VaultError):
    """Ciphertext, a key slot or the database failed an integrity check."""


class VaultLocked(VaultError):
    """The vault has been locked; unlock it again to read or write."""


class VaultNotFound(VaultError):
    """There is no vault in the folder."""


class VaultExists(VaultError):
    """A vault already exists where a new one was to be created."""


class VaultInUse(VaultError):
    """Another program (or window) has this vault open."""


class DiskFull(VaultError):
    """The disk holding the vault is full: the write was rolled back, nothing of it stored."""


class VaultReadOnly(VaultError):
    """The vault's folder cannot be written (read-only media, or a folder this account may not
    change). `reason` says what that stops:

    - "read_only": a write, or an open for writing, was refused; reading works;
    - "needs_upgrade": the vault was made by an older version and must be opened once where it
      can be written before it can be read;
    - "unfinished": it was copied while open (its `-wal` file holds writes that only opening it
      where it can be written puts in place).
    """

    def __init__(self, folder: object, reason: str = "read_only") -> None:
        self.folder = folder
        self.reason = reason
        super().__init__(f"the vault in {folder} cannot be written ({reason})")


class RecordNotFound(VaultError):
    """No live record has this id (or, to restore, no deleted one)."""

    def __init__(self, record_id: str, *, deleted: bool = False) -> None:
        self.record_id = record_id
        self.deleted = deleted
        super().__init__(f"no {'deleted' if deleted else 'live'} record {record_id}")
