"""Backups of a vault: one file, sealed under a key derived from the vault's data key.

Layout (format 1; docs/security-model.md, "Backups"):

    magic (16 bytes)  b"MARUGOTO-BACKUP\\x00"
    header length     4 bytes, big-endian, at most 64 KiB
    header            canonical JSON: format, vault id, vault format version, a random salt,
                      the chunk size, the database's length, and the vault's key slots as
                      stored (params, wrapped key)
    chunks            the database file, in chunks of `chunk` bytes, each sealed with
                      AES-256-GCM: nonce = chunk number (8 bytes) | 1 if last else 0 (4 bytes),
                      associated data = SHA-256 of magic, length and header

The key is HKDF-SHA256(data key, salt, "marugoto-vault backup v1/<vault id>"), so only someone
who can open the vault (its passphrase, or the office's recovery key) can check or restore a
backup. Every chunk authenticates the header, so an edited header (slots, salt, sizes) fails
at the first chunk; the file's length must be the one the header implies (a cut file is told
as such before any key work, bytes added are refused), and the last chunk is marked besides.
The database inside is the vault's own file (its records already
sealed), taken with SQLite's online backup: consistent while the app is writing.

Restoring checks the whole file before it writes anything, then writes the database into a
new folder and checks it again (every blob decrypts); the restored vault is a new replica
(new site), so its clock can never issue a stamp its earlier self issued after the backup.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import keyslots, opening
from .crypto import KEY_BYTES, TAG_BYTES
from .errors import VaultCorrupted, VaultError, VaultExists, VaultNotFound, WrongPassphrase
from .keyslots import Slot
from .opening import DB_FILE
from .store import Vault

MAGIC = b"MARUGOTO-BACKUP\x00"
FORMAT = 1
MAX_HEADER_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20
SALT_BYTES = 32
_INFO = b"marugoto-vault backup v1/"
_LENGTH = struct.Struct(">I")


class BackupRefused(VaultError):
    """A backup file that restore (or a check) will not take: `reason` is a code —
    not_a_backup, damaged, truncated, newer_format, wrong_passphrase, or exists (the target)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds, as checked: the vault's id and the database's size."""

    vault_id: str
    database_bytes: int


# Unwraps the data key from the backup's key slots (by passphrase or recovery key).
Unwrap = Callable[[str, dict[str, Slot]], bytes]


def by_passphrase(passphrase: str) -> Unwrap:
    def unwrap(vault_id: str, slots: dict[str, Slot]) -> bytes:
        if "passphrase" not in slots:
            raise BackupRefused("damaged", "the backup file is damaged: it has no key slot")
        try:
            return keyslots.open_passphrase_slot(vault_id, slots["passphrase"], passphrase)
        except WrongPassphrase:
            raise BackupRefused(
                "wrong_passphrase",
                "the passphrase does not open this backup (a wrong passphrase, or the backup "
                "of another vault)",
            ) from None
        except VaultCorrupted:
            raise BackupRefused("damaged", "the backup file is damaged (its key slot)") from None

    return unwrap


def by_recovery_key(office_private: X25519PrivateKey) -> Unwrap:
    def unwrap(vault_id: str, slots: dict[str, Slot]) -> bytes:
        if "recovery" not in slots:
            raise BackupRefused(
                "wrong_passphrase", "this backup has no office recovery key: use its passphrase"
            )
        try:
            return keyslots.open_recovery_slot(vault_id, slots["recovery"], office_private)
        except (WrongPassphrase, VaultCorrupted):
            raise BackupRefused(
                "wrong_passphrase", "this recovery key does not open this backup"
            ) from None

    return unwrap


def by_open_vault(vault: Vault) -> Unwrap:
    """The data key of a vault unlocked in this program (the app's own backup: the person
    proved the passphrase at unlock). Only for a backup of that same vault."""

    def unwrap(vault_id: str, slots: dict[str, Slot]) -> bytes:
        del slots
        if vault_id != vault.vault_id:
            raise VaultCorrupted("the vault's folder holds another vault than the one open")
        with vault.reading():  # VaultLocked once it is locked
            return vault._data_key.raw

    return unwrap


def _backup_key(data_key: bytes, salt: bytes, vault_id: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=_INFO + vault_id.encode()
    ).derive(data_key)
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QI", index, 1 if last else 0)


def _slot_to_json(slot: Slot) -> dict[str, Any]:
    return {
        "slot_id": slot.slot_id,
        "kind": slot.kind,
        "params": slot.params,
        "wrapped": base64.b64encode(slot.wrapped).decode("ascii"),
    }


def _slot_from_json(value: Any) -> Slot:
    return Slot(
        str(value["slot_id"]),
        str(value["kind"]),
        dict(value["params"]),
        base64.b64decode(str(value["wrapped"]), validate=True),
    )


# -- taking a backup ---------------------------------------------------------------------------


def create_backup(
    folder: Path, out: Path, unwrap: Unwrap, *, overwrite: bool = False
) -> BackupInfo:
    """Write a backup of the vault in `folder` to `out`, while the app may hold the vault.

    The database is copied with SQLite's online backup into a private temporary folder next to
    `out` (one step: a consistent snapshot even while another process writes), sealed chunk by
    chunk into `out`'s temporary name, then renamed into place: a failed backup leaves no file.
    """
    db = folder / DB_FILE
    if not db.is_file():
        raise VaultNotFound(f"no vault in {folder}")
    if out.exists() and not overwrite:
        raise VaultExists(f"{out} exists: choose another file name, or --force to replace it")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".marugoto-backup-") as scratch:
        copy = Path(scratch) / DB_FILE
        _snapshot(db, copy)
        vault_id, vault_format, slots = _identity_of(copy)
        try:
            data_key = unwrap(vault_id, slots)
        except BackupRefused as exc:
            if exc.reason == "wrong_passphrase":
                raise WrongPassphrase("wrong passphrase") from None
            raise VaultCorrupted(str(exc).replace("backup file", "vault")) from None
        salt = os.urandom(SALT_BYTES)
        size = copy.stat().st_size
        header = json.dumps(
            {
                "format": FORMAT,
                "vault_id": vault_id,
                "vault_format": vault_format,
                "salt": base64.b64encode(salt).decode("ascii"),
                "chunk": CHUNK_BYTES,
                "bytes": size,
                "slots": [_slot_to_json(slots[name]) for name in sorted(slots)],
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode("utf-8")
        prefix = MAGIC + _LENGTH.pack(len(header)) + header
        aad = hashlib.sha256(prefix).digest()
        seal = _backup_key(data_key, salt, vault_id)
        partial = Path(scratch) / "backup.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink, copy.open("rb") as source:
            sink.write(prefix)
            for index, chunk, last in _chunks(source, size):
                sink.write(seal.encrypt(_nonce(index, last), chunk, aad))
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, out)
    return BackupInfo(vault_id, size)


def _snapshot(db: Path, copy: Path) -> None:
    """A consistent copy of the vault's database, as one self-contained file."""
    # mode=rw: never create a database where there is none (a wrong folder). Only read here;
    # as the last connection (app closed) it removes the -wal and -shm it opened, which a
    # read-only one would leave behind. SQLite's backup of all pages (-1) in one step reads
    # them in one read transaction: a consistent snapshot while the app writes.
    source = sqlite3.connect(f"{db.resolve().as_uri()}?mode=rw", uri=True)
    try:
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
            # The copy keeps the source's WAL mode; as one file it must not need a -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise VaultCorrupted(f"the vault database is damaged: {exc}") from None
    finally:
        source.close()


def _identity_of(db: Path) -> tuple[str, str, dict[str, Slot]]:
    conn = sqlite3.connect(db)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        slots = {
            row[0]: opening.load_slot(conn, row[0])
            for row in conn.execute("SELECT slot_id FROM key_slots")
        }
    except sqlite3.DatabaseError as exc:
        raise VaultCorrupted(f"the vault database is damaged: {exc}") from None
    finally:
        conn.close()
    if "vault_id" not in meta:
        raise VaultCorrupted("the vault has no vault_id")
    return str(meta["vault_id"]), str(meta.get("format_version", "")), slots


def _chunks(source: IO[bytes], size: int) -> Iterator[tuple[int, bytes, bool]]:
    count = _chunk_count(size, CHUNK_BYTES)
    for index in range(count):
        yield index, source.read(CHUNK_BYTES), index == count - 1


# -- reading one back --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Opened:
    vault_id: str
    slots: dict[str, Slot]
    data_key: bytes
    seal: AESGCM
    aad: bytes
    chunk: int
    size: int  # the database's bytes


_NOT_A_BACKUP = "this is not a marugoto vault backup"
_DAMAGED = "the backup file is damaged"


def _truncated(have: int, want: int) -> BackupRefused:
    return BackupRefused(
        "truncated", f"the backup file is incomplete: {have:,} of its {want:,} bytes"
    )


def _read_header(source: IO[bytes], unwrap: Unwrap) -> _Opened:
    """The header read and the data key unwrapped; the file's length checked against it
    (before any key work: a cut file is told at once)."""
    have = os.fstat(source.fileno()).st_size
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        if 0 < len(magic) < len(MAGIC) and MAGIC.startswith(magic):
            raise BackupRefused("truncated", "the backup file is incomplete (cut in its header)")
        raise BackupRefused("not_a_backup", _NOT_A_BACKUP)
    raw_length = source.read(_LENGTH.size)
    if len(raw_length) < _LENGTH.size:
        raise BackupRefused("truncated", "the backup file is incomplete (cut in its header)")
    (length,) = _LENGTH.unpack(raw_length)
    if length > MAX_HEADER_BYTES:
        raise BackupRefused("damaged", f"{_DAMAGED} (its header)")
    header_bytes = source.read(length)
    if len(header_bytes) < length:
        raise BackupRefused("truncated", "the backup file is incomplete (cut in its header)")
    try:
        header = json.loads(header_bytes)
        if header["format"] != FORMAT:
            if isinstance(header["format"], int) and header["format"] > FORMAT:
                raise BackupRefused(
                    "newer_format", "the backup was made by a newer version: update the app"
                )
            raise ValueError(f"format {header['format']!r}")
        vault_id = str(header["vault_id"])
        salt = base64.b64decode(str(header["salt"]), validate=True)
        chunk = int(header["chunk"])
        size = int(header["bytes"])
        if not 0 < chunk <= 64 * CHUNK_BYTES or size < 0:
            raise ValueError("sizes out of range")
        slots = {slot.slot_id: slot for slot in map(_slot_from_json, header["slots"])}
    except BackupRefused:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupRefused("damaged", f"{_DAMAGED} (its header: {exc})") from None
    prefix = len(MAGIC) + _LENGTH.size + length
    want = prefix + size + _chunk_count(size, chunk) * TAG_BYTES
    if have < want:
        raise _truncated(have, want)
    if have > want:
        raise BackupRefused("damaged", f"{_DAMAGED} ({have - want:,} bytes more than it holds)")
    data_key = unwrap(vault_id, slots)
    aad = hashlib.sha256(MAGIC + raw_length + header_bytes).digest()
    seal = _backup_key(data_key, salt, vault_id)
    return _Opened(vault_id, slots, data_key, seal, aad, chunk, size)


def _chunk_count(size: int, chunk: int) -> int:
    return max(1, -(-size // chunk))


def _plaintext(source: IO[bytes], opened: _Opened) -> Iterator[bytes]:
    """The database's bytes, chunk by chunk, each checked; BackupRefused at the first fault."""
    count = _chunk_count(opened.size, opened.chunk)
    left = opened.size
    for index in range(count):
        take = min(opened.chunk, left)
        block = source.read(take + TAG_BYTES)
        if len(block) < take + TAG_BYTES:  # the file shrank while it was read
            raise BackupRefused("truncated", "the backup file is incomplete")
        try:
            yield opened.seal.decrypt(_nonce(index, index == count - 1), block, opened.aad)
        except InvalidTag:
            raise BackupRefused("damaged", f"{_DAMAGED} (part {index + 1} of {count})") from None
        left -= take


def _check(path: Path, unwrap: Unwrap) -> _Opened:
    with _open_file(path) as source:
        opened = _read_header(source, unwrap)
        for _ in _plaintext(source, opened):
            pass
    return opened


def check_backup(path: Path, unwrap: Unwrap) -> BackupInfo:
    """Read the whole backup and check every chunk; BackupRefused says what is wrong."""
    opened = _check(path, unwrap)
    return BackupInfo(opened.vault_id, opened.size)


def _open_file(path: Path) -> IO[bytes]:
    if path.is_dir():
        raise BackupRefused("not_a_backup", f"{path} is a folder, not a backup file")
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: give the backup file")
    return path.open("rb")


def restore_backup(path: Path, folder: Path, unwrap: Unwrap) -> BackupInfo:
    """Restore the backup `path` as a new vault in `folder` (absent, or an empty folder).

    The whole file is checked before anything is written; if writing or the second check
    fails, what was written is removed again (and the folder, if it was made here).
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupRefused(
            "exists", f"{folder} is not empty: restore into a new folder (it is created)"
        )
    checked = _check(path, unwrap)

    def same_key(vault_id: str, slots: dict[str, Slot]) -> bytes:
        # The second reading: the key found by the first, unless the file changed meanwhile.
        if (vault_id, slots) == (checked.vault_id, checked.slots):
            return checked.data_key
        return unwrap(vault_id, slots)

    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(folder, 0o700)
        partial = folder / (DB_FILE + ".partial")
        with _open_file(path) as source:
            opened = _read_header(source, same_key)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as sink:
                for chunk in _plaintext(source, opened):
                    sink.write(chunk)
                sink.flush()
                os.fsync(sink.fileno())
        partial.rename(folder / DB_FILE)
        _become_new_replica(folder, opened)
    except BaseException:
        if made:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for child in folder.iterdir():
                child.unlink(missing_ok=True)
        raise
    return BackupInfo(opened.vault_id, opened.size)


def _become_new_replica(folder: Path, opened: _Opened) -> None:
    """Check the restored database and make it a replica of its own.

    Its key slots must be the backup's; every blob must decrypt (`integrity_check`). A new
    site: changes this vault made after the backup are on the server under the old site with
    stamps this restored clock may not pass before its first sync; under a new site no stamp
    of it can ever equal one of them, and the changes come back to it at its next pull."""
    db = folder / DB_FILE
    conn = opening.connect(db)
    try:
        stored = {
            row[0]: opening.load_slot(conn, row[0])
            for row in conn.execute("SELECT slot_id FROM key_slots")
        }
        if stored != opened.slots:
            raise BackupRefused("damaged", f"{_DAMAGED} (its key slots differ from its header)")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'site'", (uuid.uuid4().hex,))
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise BackupRefused("damaged", f"{_DAMAGED}: {exc}") from None
    finally:
        conn.close()

    def unwrap(_conn: sqlite3.Connection, vault_id: str) -> bytes:
        if vault_id != opened.vault_id:
            raise BackupRefused("damaged", f"{_DAMAGED} (another vault's id inside)")
        return opened.data_key

    vault = Vault(folder, opening.open_folder(folder, unwrap))
    try:
        vault.integrity_check()
    except VaultCorrupted as exc:
        raise BackupRefused("damaged", f"{_DAMAGED}: {exc}") from None
    finally:
        vault.close()
