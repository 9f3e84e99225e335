"""Opening a vault folder: the folder lock, the SQLite connection and the key slots.

A vault is one SQLite file in a folder that one process holds at a time (`vault.lock`). The
data key is stored only wrapped, in key slots (keyslots.py); opening unwraps it with the
passphrase or the office's recovery key, then runs the migrations that need it.

A vault whose folder cannot be written (a copy on a USB stick mounted read-only) is opened
for reading only, when asked: no lock file (nobody can write there), no migrations, and
SQLite told the file is immutable, since it could not create the `-shm` file a WAL database
otherwise needs.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from . import keyslots
from .audit import note_failed_unlock
from .crypto import DataKey
from .errors import (
    VaultCorrupted,
    VaultExists,
    VaultInUse,
    VaultNotFound,
    VaultReadOnly,
    WrongPassphrase,
)
from .keyslots import KdfParams, Slot
from .migrations import migrate, migrate_sealed, pending

DB_FILE = "vault.sqlite3"
LOCK_FILE = "vault.lock"
FORMAT_VERSION = 2
MMAP_BYTES = 1 << 34  # SQLite caps it to what its build allows

# Unwraps the data key, given the connection and the vault's id.
Unwrap = Callable[[sqlite3.Connection, str], bytes]


@dataclass(frozen=True)
class Opened:
    """An unlocked vault database: the connection, the data key, the folder lock held (None
    when read-only), and the vault's identity as stored (its id, this replica's site, the
    clock's last stamp)."""

    conn: sqlite3.Connection
    key: DataKey
    lock_fd: int | None
    vault_id: str
    site: str
    clock: int
    read_only: bool = False


def exists(folder: Path) -> bool:
    return (folder / DB_FILE).is_file()


def connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: the vault issues BEGIN/COMMIT itself, so a transaction is exactly
    # one logical write (record + outbox + clock).
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    # Read the database file through a memory map (up to SQLite's own limit, 2 GiB in its
    # default build): reading every household's row after unlock takes a quarter of the time
    # it takes through read calls. It maps the file as it is on disk, ciphertext, and SQLite
    # still writes through ordinary writes.
    conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    return conn


def create(
    folder: Path, passphrase: str, office_public: X25519PublicKey | None, kdf: KdfParams | None
) -> Opened:
    """A new, empty vault database in `folder` (created if missing), unlocked."""
    if exists(folder):
        raise VaultExists(f"a vault already exists in {folder}")
    if not passphrase:
        raise ValueError("the passphrase must not be empty")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    kdf = kdf or keyslots.calibrate()
    key = DataKey.generate()
    vault_id = str(uuid.uuid4())
    slots = [keyslots.passphrase_slot(vault_id, key.raw, passphrase, kdf)]
    if office_public is not None:
        slots.append(keyslots.recovery_slot(vault_id, key.raw, office_public))
    with _held(folder) as lock_fd:
        conn = connect(folder / DB_FILE)
        try:
            migrate(conn)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format_version", str(FORMAT_VERSION)),
                    ("vault_id", vault_id),
                    ("site", uuid.uuid4().hex),
                    ("clock", "0"),
                ],
            )
            for slot in slots:
                store_slot(conn, slot)
            conn.execute("COMMIT")
            migrate_sealed(conn, key)  # nothing to rewrite yet: marks them done
            opened = Opened(conn, key, lock_fd, *_identity(conn))
        except BaseException:
            conn.close()
            raise
    return opened


def open_folder(folder: Path, unwrap: Unwrap, *, read_only: bool = False) -> Opened:
    """Lock the folder, migrate, and unwrap the data key with `unwrap`.

    A folder that cannot be written is refused (VaultReadOnly), unless `read_only`: it is then
    opened for reading only. A folder that can be written is opened as always, locked.
    """
    if not exists(folder):
        raise VaultNotFound(f"no vault in {folder}")
    if not _writable(folder):
        if not read_only:
            raise VaultReadOnly(folder)
        return _open_read_only(folder, unwrap)
    with _held(folder) as lock_fd:
        conn: sqlite3.Connection | None = None
        try:
            conn = connect(folder / DB_FILE)
            migrate(conn)
            try:
                key = DataKey(unwrap(conn, _vault_id(conn)))
            except WrongPassphrase:
                _note_failure(conn)
                raise
            if migrate_sealed(conn, key):
                # Rewritten blobs replace the old ones in the database file now, not at lock.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            opened = Opened(conn, key, lock_fd, *_identity(conn))
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise VaultCorrupted(f"the vault database is damaged: {exc}") from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise
    return opened


def _note_failure(conn: sqlite3.Connection) -> None:
    """A failed unlock, noted for the audit trail (audit.py's drop box). Noting it must never
    hide why the unlock failed: a disk that cannot take the note is let be."""
    with suppress(sqlite3.Error):
        note_failed_unlock(conn)


def _writable(folder: Path) -> bool:
    """Whether this process may write the vault: its lock file can be opened for writing
    (created if missing) and so can the database file. Root passes any permission check; a
    read-only mount stops root too (EROFS)."""
    try:
        os.close(os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return False
        raise
    return os.access(folder / DB_FILE, os.W_OK)


def _open_read_only(folder: Path, unwrap: Unwrap) -> Opened:
    """Open a vault that cannot be written, for reading: no lock, no migration, nothing
    written anywhere."""
    path = folder / DB_FILE
    wal = Path(f"{path}-wal")
    shm = Path(f"{path}-shm")
    if wal.exists() and wal.stat().st_size > 0:
        if not shm.exists():
            # SQLite could read the WAL only with its index (-shm), which it cannot create
            # here; immutable would silently read the database without those writes.
            raise VaultReadOnly(folder, "unfinished")
        uri = f"{path.resolve().as_uri()}?mode=ro"
    else:
        # A vault closed cleanly is all in its database file. immutable: no -shm needed, no
        # locking (nobody can change a file on read-only media).
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        if pending(conn):
            raise VaultReadOnly(folder, "needs_upgrade")
        key = DataKey(unwrap(conn, _vault_id(conn)))
        return Opened(conn, key, None, *_identity(conn), read_only=True)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise VaultCorrupted(f"the vault database is damaged: {exc}") from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise


@contextmanager
def _held(folder: Path) -> Iterator[int]:
    """The folder lock, released again if what follows fails."""
    fd = lock_folder(folder)
    try:
        yield fd
    except BaseException:
        unlock_folder(fd)
        raise


def close(conn: sqlite3.Connection, lock_fd: int | None, *, read_only: bool = False) -> bool:
    """Checkpoint the WAL into the database, close, release the folder; False if the
    checkpoint could not finish because another connection was busy. Read-only: just close.
    A checkpoint that cannot finish on a full disk leaves the data safe in the WAL, where the
    next open finds it: the vault is closed and its folder released all the same."""
    try:
        busy = 0 if read_only else conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if not is_disk_full(exc):
            raise
        busy = 0
    finally:
        conn.close()
        if lock_fd is not None:
            unlock_folder(lock_fd)
    return not busy


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL: the disk (or the file size a system allows) is full."""
    return (
        isinstance(exc, sqlite3.OperationalError)
        and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    )


def remove_files(folder: Path) -> None:
    """The vault's files gone (after its key slots were destroyed)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        (folder / (DB_FILE + suffix)).unlink(missing_ok=True)
    (folder / LOCK_FILE).unlink(missing_ok=True)


def lock_folder(folder: Path) -> int:
    """Hold the vault for this process: two writers would each keep their own clock and cache."""
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise VaultInUse(f"the vault in {folder} is open in another program") from None
    return fd


def unlock_folder(fd: int) -> None:
    os.close(fd)  # closing the descriptor releases the lock on every platform


def _identity(conn: sqlite3.Connection) -> tuple[str, str, int]:
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    try:
        return meta["vault_id"], meta["site"], int(meta["clock"])
    except (KeyError, ValueError):
        raise VaultCorrupted("the vault's identity is unreadable") from None


def _vault_id(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
    if row is None:
        raise VaultCorrupted("the vault has no vault_id")
    return str(row[0])


# -- key slots -----------------------------------------------------------------------------


def store_slot(conn: sqlite3.Connection, slot: Slot) -> None:
    conn.execute(
        "INSERT INTO key_slots (slot_id, kind, params, wrapped) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (slot_id) DO UPDATE SET kind = excluded.kind, params = excluded.params, "
        "wrapped = excluded.wrapped",
        (slot.slot_id, slot.kind, json.dumps(slot.params, sort_keys=True), slot.wrapped),
    )


def load_slot(conn: sqlite3.Connection, slot_id: str) -> Slot:
    row = conn.execute(
        "SELECT slot_id, kind, params, wrapped FROM key_slots WHERE slot_id = ?", (slot_id,)
    ).fetchone()
    if row is None:
        raise VaultCorrupted(f"the vault has no {slot_id} key slot")
    try:
        params = json.loads(row[2])
    except ValueError:
        raise VaultCorrupted(f"the {slot_id} key slot is unreadable") from None
    return Slot(row[0], row[1], params, bytes(row[3]))


def has_slot(conn: sqlite3.Connection, slot_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM key_slots WHERE slot_id = ?", (slot_id,))
    return row.fetchone() is not None


def destroy_slots(conn: sqlite3.Connection) -> None:
    """Overwrite every key slot, then delete them: without one the data key is gone."""
    conn.execute("UPDATE key_slots SET wrapped = zeroblob(length(wrapped))")
    conn.execute("DELETE FROM key_slots")
