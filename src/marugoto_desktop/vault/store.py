"""The vault: an encrypted record store on SQLite that is also a sync replica.

Every write stores the record and its per-field changes (the outbox) in one transaction, with
hybrid-logical-clock stamps, so sync can push them later. Reads decrypt into memory; search works
on that in-memory copy and is forgotten on lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from marugoto_sync.changes import DELETED, PARENT, Change
from marugoto_sync.hlc import HybridClock

from ..domain.ids import new_id
from ..domain.records import Record, is_empty
from ..domain.schema import SCHEMAS, Kind
from ..domain.text import fold
from ..domain.validation import (
    FieldError,
    RecordInvalid,
    References,
    lost_consent_errors,
    record_errors,
)
from . import keyslots
from .crypto import BODY_FLOOR, DataKey, outbox_place, place
from .errors import (
    RecordNotFound,
    VaultCorrupted,
    VaultError,
    VaultExists,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
)
from .fields import FieldRow, read_field_rows
from .keyslots import KdfParams, Slot
from .memory import Memory, SearchIndex, View
from .migrations import migrate, migrate_sealed

DB_FILE = "vault.sqlite3"
LOCK_FILE = "vault.lock"
FORMAT_VERSION = 2
RECORD_VERSION = 1

V = TypeVar("V", bound=View)
T = TypeVar("T")

# One record's part in a delete or restore: the record, its field clocks, the conflict settled.
_Act = tuple[Record, dict[str, list[Any]], str | None]


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly one
    # logical write (record + outbox + clock).
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


class _Overlay:
    """References seen through a batch being written: the batch first, then the vault."""

    def __init__(self, vault: Vault, batch: Sequence[Record]) -> None:
        self._vault = vault
        self._batch = {r.id: r for r in batch}

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        record = self._batch.get(record_id)
        if record is not None:
            return None if record.deleted else (record.type, record.area)
        return self._vault.lookup(record_id)

    def parent_of(self, record_id: str) -> str | None:
        record = self._batch.get(record_id)
        if record is not None:
            return None if record.deleted else record.parent_id
        return self._vault.parent_of(record_id)

    def consents_of(self, household_id: str) -> Iterable[Record]:
        stored = [c for c in self._vault.consents_of(household_id) if c.id not in self._batch]
        fresh = [
            r
            for r in self._batch.values()
            if r.type == "consent" and r.parent_id == household_id and not r.deleted
        ]
        return stored + fresh


class Vault:
    """An unlocked vault. Create with `Vault.create`, open with `Vault.open`; `close` locks."""

    def __init__(self, folder: Path, conn: sqlite3.Connection, key: DataKey) -> None:
        self.folder = folder
        self._conn: sqlite3.Connection | None = conn
        self._key: DataKey | None = key
        self._lock = threading.RLock()
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.vault_id: str = meta["vault_id"]
        self.site: str = meta["site"]
        self._clock = HybridClock(int(meta["clock"]))
        self._lock_fd: int | None = None
        # Decrypted copies, kept current by every write, forgotten on lock.
        self._memory = Memory()

    # -- opening and closing ---------------------------------------------------------------

    @staticmethod
    def exists(folder: Path | str) -> bool:
        return (Path(folder) / DB_FILE).is_file()

    @classmethod
    def create(
        cls,
        folder: Path | str,
        passphrase: str,
        *,
        office_public: X25519PublicKey | None = None,
        kdf: KdfParams | None = None,
    ) -> Vault:
        """A new, empty vault in `folder` (created if missing), unlocked."""
        folder = Path(folder)
        if cls.exists(folder):
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
        lock_fd = _lock_folder(folder)
        try:
            conn = _connect(folder / DB_FILE)
        except BaseException:
            _unlock_folder(lock_fd)
            raise
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
                _store_slot(conn, slot)
            conn.execute("COMMIT")
            migrate_sealed(conn, key)  # nothing to rewrite yet: marks them done
        except BaseException:
            conn.close()
            _unlock_folder(lock_fd)
            raise
        vault = cls(folder, conn, key)
        vault._lock_fd = lock_fd
        return vault

    @classmethod
    def _open_with(cls, folder: Path | str, unwrap: Any) -> Vault:
        folder = Path(folder)
        if not cls.exists(folder):
            raise VaultNotFound(f"no vault in {folder}")
        lock_fd = _lock_folder(folder)
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect(folder / DB_FILE)
            migrate(conn)
            vault_id = _meta(conn, "vault_id")
            key = DataKey(unwrap(conn, vault_id))
            if migrate_sealed(conn, key):
                # Rewritten blobs replace the old ones in the database file now, not at lock.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            vault = cls(folder, conn, key)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            _unlock_folder(lock_fd)
            raise VaultCorrupted(f"the vault database is damaged: {exc}") from None
        except BaseException:
            if conn is not None:
                conn.close()
            _unlock_folder(lock_fd)
            raise
        vault._lock_fd = lock_fd
        return vault

    @classmethod
    def open(cls, folder: Path | str, passphrase: str) -> Vault:
        """Unlock with the passphrase; WrongPassphrase if it does not fit."""

        def unwrap(conn: sqlite3.Connection, vault_id: str) -> bytes:
            slot = _load_slot(conn, "passphrase")
            return keyslots.open_passphrase_slot(vault_id, slot, passphrase)

        return cls._open_with(folder, unwrap)

    @classmethod
    def open_with_recovery_key(cls, folder: Path | str, office_private: X25519PrivateKey) -> Vault:
        """Unlock with the office's recovery key (for a forgotten passphrase)."""

        def unwrap(conn: sqlite3.Connection, vault_id: str) -> bytes:
            slot = _load_slot(conn, "recovery")
            return keyslots.open_recovery_slot(vault_id, slot, office_private)

        return cls._open_with(folder, unwrap)

    def change_passphrase(self, new_passphrase: str, kdf: KdfParams | None = None) -> None:
        """Rewrap the data key under a new passphrase. Data blobs are not touched."""
        slot = keyslots.passphrase_slot(
            self.vault_id, self._data_key.raw, new_passphrase, kdf or keyslots.calibrate()
        )
        with self._transaction() as conn:
            _store_slot(conn, slot)

    def has_recovery_slot(self) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM key_slots WHERE slot_id = 'recovery'")
            return row.fetchone() is not None

    def set_recovery_key(self, office_public: X25519PublicKey) -> None:
        slot = keyslots.recovery_slot(self.vault_id, self._data_key.raw, office_public)
        with self._transaction() as conn:
            _store_slot(conn, slot)

    def close(self) -> None:
        """Lock: checkpoint the WAL into the database, forget the key and every decrypted value."""
        with self._lock:
            if self._conn is None:
                return
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            self._conn.close()
            self._conn = None
            if self._lock_fd is not None:
                _unlock_folder(self._lock_fd)
                self._lock_fd = None
            if busy:
                # Only this process may hold the vault (the folder lock), so this is unexpected;
                # the data is safe in the WAL and the next open checkpoints it.
                raise VaultError("the vault could not be checkpointed on lock")
            self._key = None
            self._memory.forget()

    lock = close

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise VaultLocked("the vault is locked")
        return self._conn

    @property
    def _data_key(self) -> DataKey:
        if self._key is None:
            raise VaultLocked("the vault is locked")
        return self._key

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._db
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                # In-memory copies may hold values the database never got: drop them all.
                self._memory.forget()
                raise

    def _decode(self, row: tuple[Any, ...]) -> tuple[Record, dict[str, list[Any]]]:
        record_id, rtype, area, parent_id, deleted, body = row
        data = self._data_key.open_json(body, place("records", record_id, "body"))
        # The clear columns are what SQL filters on; the sealed copy is what they must say.
        if data.get("e") != [rtype, area, parent_id, bool(deleted)]:
            raise VaultCorrupted(f"the clear columns of record {record_id} have been altered")
        record = Record(record_id, rtype, area, parent_id, data["f"], bool(deleted))
        return record, data["c"]

    _COLUMNS = "id, type, area, parent_id, deleted, body"

    def _decrypted(self, rows: list[tuple[Any, ...]]) -> list[Record]:
        """Records of the given rows, decrypting each at most once after unlock.

        The decrypted copies live in memory only and are forgotten on lock.
        """
        cache = self._memory.records
        found = []
        for row in rows:
            record = cache.get(row[0])
            if record is None:
                record = self._decode(row)[0]
                cache[record.id] = record
            found.append(record)
        return found

    # -- reading ---------------------------------------------------------------------------

    def get(self, record_id: str, *, include_deleted: bool = False) -> Record | None:
        with self._lock:
            record = self._memory.records.get(record_id)
            if record is None:
                rows = self._db.execute(
                    f"SELECT {self._COLUMNS} FROM records WHERE id = ?", (record_id,)
                ).fetchall()
                record = self._decrypted(rows)[0] if rows else None
        if record is None or (record.deleted and not include_deleted):
            return None
        return record

    def records(
        self,
        record_type: str | None = None,
        *,
        area: str | None = None,
        parent_id: str | None = None,
        include_deleted: bool = False,
    ) -> list[Record]:
        """Records by type, area and parent (indexed in SQL), in id order."""
        plain = record_type is not None and area is None and parent_id is None
        if plain and not include_deleted:
            assert record_type is not None
            with self._lock:
                cached = self._memory.live(record_type)
                if cached is not None:
                    return list(cached)
        sql = f"SELECT {self._COLUMNS} FROM records WHERE 1=1"
        args: list[Any] = []
        for column, value in (("type", record_type), ("area", area), ("parent_id", parent_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        if not include_deleted:
            sql += " AND deleted = 0"
        with self._lock:
            found = self._decrypted(self._db.execute(sql + " ORDER BY id", args).fetchall())
            if plain and not include_deleted:
                assert record_type is not None
                self._memory.set_live(record_type, found)
            return list(found)

    def child_counts(self, record_type: str) -> dict[str, int]:
        """How many live records of a type each parent has (members per household, say)."""
        with self._lock:
            counts = self._memory.derived("children", record_type)
            if counts is None:
                rows = self._db.execute(
                    "SELECT parent_id, count(*) FROM records WHERE type = ? AND deleted = 0 "
                    "AND parent_id IS NOT NULL GROUP BY parent_id",
                    (record_type,),
                ).fetchall()
                counts = {parent: int(n) for parent, n in rows}
                self._memory.set_derived("children", record_type, counts)
            return dict(counts)

    def count(self, record_type: str | None = None, *, include_deleted: bool = False) -> int:
        sql = "SELECT count(*) FROM records WHERE 1=1"
        args: list[Any] = []
        if record_type is not None:
            sql += " AND type = ?"
            args.append(record_type)
        if not include_deleted:
            sql += " AND deleted = 0"
        with self._lock:
            return int(self._db.execute(sql, args).fetchone()[0])

    def field_rows(self, record_type: str, names: Sequence[str]) -> list[FieldRow]:
        """(id, area, parent_id, *values of `names`) of every live record of a type.

        For reading a few fields of many records (the figures): only those are decoded.
        """
        with self._lock:
            return read_field_rows(self._db, self._data_key, record_type, names)

    def search(self, text: str, record_type: str = "household") -> list[Record]:
        """Live records whose name, kana, address, phone or district contain `text`, alike
        in full or half width, hiragana or katakana, with or without spaces and hyphens.

        Households also match on their members' names, kana and phones. Matching runs over
        a folded text per record, built once after unlock and kept current by every write,
        in memory only.
        """
        with self._lock:
            found = self.search_ids(text, record_type)
            candidates = self.records(record_type)
            return candidates if found is None else [r for r in candidates if r.id in found]

    def search_ids(self, text: str, record_type: str = "household") -> set[str] | None:
        """The ids `search` would return; None when `text` is blank (every record)."""
        needle = fold(text).replace("\x00", "")
        if not needle:
            return None
        with self._lock:
            return self._search_index_of(record_type).find(needle)

    def prepare_search(self, record_type: str = "household") -> None:
        """Build the in-memory search text now (decrypting members), not on the first key."""
        self._search_index_of(record_type)

    def _search_index_of(self, record_type: str) -> SearchIndex:
        def make() -> SearchIndex:
            members = self.records("person") if record_type == "household" else []
            return SearchIndex(record_type, self.records(record_type), members)

        return self.read_view(f"search:{record_type}", make, lambda index: index)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Several reads (or writes) as one: no other thread's write comes between them."""
        with self._lock:
            yield

    def read_view(self, name: str, make: Callable[[], V], read: Callable[[V], T]) -> T:
        """`read` applied to the view `name` of the records, under the vault's lock.

        The view is made by `make` on first use after unlock, then kept current by every
        write (memory.View); a read model that needs all records of a type pays for their
        decryption once, not after every save.
        """
        with self._lock:
            view = self._memory.view(name)
            if view is None:
                view = make()
                self._memory.set_view(name, view)
            return read(cast(V, view))

    def parents(self, record_type: str) -> dict[str, str]:
        """The parent of every live record of a type that has one (clear columns only)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, parent_id FROM records WHERE type = ? AND deleted = 0 "
                "AND parent_id IS NOT NULL",
                (record_type,),
            ).fetchall()
        return {str(record_id): str(parent) for record_id, parent in rows}

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        """(type, area) of a live record; part of the References protocol of validation."""
        with self._lock:
            row = self._db.execute(
                "SELECT type, area FROM records WHERE id = ? AND deleted = 0", (record_id,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def parent_of(self, record_id: str) -> str | None:
        """The parent (household) of a live record; part of the References protocol."""
        with self._lock:
            row = self._db.execute(
                "SELECT parent_id FROM records WHERE id = ? AND deleted = 0", (record_id,)
            ).fetchone()
        return row[0] if row else None

    def consents_of(self, household_id: str) -> list[Record]:
        return self.records("consent", parent_id=household_id)

    # -- writing ---------------------------------------------------------------------------

    def new_record(
        self,
        record_type: str,
        area: str | None,
        parent_id: str | None = None,
        **fields: Any,
    ) -> Record:
        """Validate and store a new record with a fresh id."""
        clean = {k: v for k, v in fields.items() if not is_empty(v)}
        return self.put(Record(new_id(), record_type, area, parent_id, clean))

    def put(self, record: Record, refs: References | None = None) -> Record:
        """Create or update one record (validated); returns it as stored."""
        return self.put_many([record], refs)[0]

    def put_many(self, records: Sequence[Record], refs: References | None = None) -> list[Record]:
        """Create or update records in one transaction: all are stored, or none.

        Each record is validated first (against `refs`, by default this vault plus the batch),
        and so is every stored 重層的支援会議 a changed consent covered; an update records only
        the fields that changed, as edits. Validation and write hold the vault's lock as one:
        what was checked is what is written against (docs/architecture.md).
        """
        with self._lock:
            if refs is None:
                refs = _Overlay(self, records)
            errors: list[FieldError] = []
            for record in records:
                errors.extend(record_errors(record, refs))
            errors.extend(self._lost_consents(records, refs))
            if errors:
                raise RecordInvalid(errors)
            stored: list[Record] = []
            with self._transaction() as conn:
                for record in records:
                    stored.append(self._write(conn, record))
                self._save_clock(conn)
            return stored

    def edit(
        self,
        record_id: str,
        changes: Mapping[str, Any] | Callable[[Record], Mapping[str, Any]],
    ) -> tuple[Record, Record]:
        """Change some fields of a live record (None, "" or [] clears one); returns the record
        before and as stored.

        `changes` may be a function of the record as it is (add one to a count, say). Read and
        written under the vault's lock: an edit never writes back a stale value of a field
        that another thread changed meanwhile.
        """
        with self._lock:
            current = self.get(record_id)
            if current is None:
                raise RecordNotFound(record_id)
            wanted = changes(current) if callable(changes) else changes
            return current, self.put(current.with_fields(**wanted))

    def set_parent(self, record_id: str, parent_id: str) -> Record:
        """Put a live record that has no parent under one (a concern noted at a gathering,
        linked to its household later). Once set, a parent never changes."""
        with self._lock:
            current = self.get(record_id)
            if current is None:
                raise RecordNotFound(record_id)
            if current.parent_id == parent_id:
                return current
            if current.parent_id is not None:
                raise RecordInvalid(
                    [
                        FieldError(
                            record_id,
                            current.type,
                            "parent_id",
                            f"cannot change from {current.parent_id!r}",
                            "unchangeable",
                            {"was": current.parent_id},
                        )
                    ]
                )
            moved = Record(record_id, current.type, current.area, parent_id, current.fields)
            errors = record_errors(moved, self)
            if errors:
                raise RecordInvalid(errors)
            with self._transaction() as conn:
                _, clocks = self._decode(self._row(conn, record_id))
                self._store(conn, moved, clocks, {PARENT: parent_id})
                self._save_clock(conn)
            return moved

    def delete(self, record_id: str) -> list[str]:
        """Soft-delete a record and the records that belong to it; returns the ids deleted.

        Refused (RecordInvalid) while other live records refer to it, or a 重層的支援会議
        relies on it (a consent).
        """
        with self._lock:
            if self.get(record_id) is None:
                raise RecordNotFound(record_id)
            ids = [record_id]
            ids += [
                row[0]
                for row in self._db.execute(
                    "SELECT id FROM records WHERE parent_id = ? AND deleted = 0", (record_id,)
                )
            ]
            self._refuse_if_referenced(record_id, set(ids))
            self._refuse_if_relied_on(ids)
            with self._transaction() as conn:
                deleted = self._set_deleted(conn, record_id, True)
                self._save_clock(conn)
        return deleted

    def restore(self, record_id: str) -> list[str]:
        """Bring back a deleted record with the records deleted with it; returns the ids
        restored (the record's first).

        Refused (RecordInvalid) when what would come back does not validate: a member whose
        household is still deleted, a referral whose agency has gone since.
        """
        with self._lock:
            found = self.get(record_id, include_deleted=True)
            if found is None or not found.deleted:
                raise RecordNotFound(record_id, deleted=True)
            acts = self._deletion_acts(self._db, record_id, False)
            back = [Record(r.id, r.type, r.area, r.parent_id, r.fields) for r, _, _ in acts]
            overlay = _Overlay(self, back)
            errors = [error for r in back for error in record_errors(r, overlay)]
            if errors:
                raise RecordInvalid(errors)
            with self._transaction() as conn:
                restored = self._set_deleted(conn, record_id, False)
                self._save_clock(conn)
        return restored

    def _row(self, conn: sqlite3.Connection, record_id: str) -> tuple[Any, ...]:
        found = conn.execute(
            f"SELECT {self._COLUMNS} FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if found is None:
            raise KeyError(f"no record {record_id}")
        return tuple(found)

    def _set_deleted(
        self,
        conn: sqlite3.Connection,
        record_id: str,
        deleted: bool,
        resolves: str | None = None,
    ) -> list[str]:
        """Delete a record with its live children, or restore it with the children deleted
        with it; returns the ids written (the record's first).

        One act, one stamp: the children's deletes carry the parent's stamp, which is how a
        restore (here or on any replica) knows which children went with the parent and which
        were deleted on their own before. When a deleted record's delete is written again (to
        settle a conflict), the children that went with it take the new stamp too, so that
        they stay with it.

        The server takes the changes in order. A delete writes the children first: when the
        parent's delete arrives, every child the deleter knew is deleted already, and one
        still live was added by someone who had not seen the delete. A restore writes the
        parent first: its children come back under a live parent. Either way, a child left
        live under a deleted parent is a parent_deleted conflict, and this order raises none
        of its own. `resolves` marks the parent's change as settling a conflict.
        """
        acts = self._deletion_acts(conn, record_id, deleted, resolves)
        stamp = self._clock.tick()
        for record, clocks, settles in acts:
            changed = Record(
                record.id, record.type, record.area, record.parent_id, record.fields, deleted
            )
            self._store(conn, changed, clocks, {DELETED: deleted}, resolves=settles, stamp=stamp)
        written = [record.id for record, _, _ in acts]
        return sorted(written, key=lambda rid: rid != record_id)

    def _deletion_acts(
        self,
        conn: sqlite3.Connection,
        record_id: str,
        deleted: bool,
        resolves: str | None = None,
    ) -> list[_Act]:
        """The records `_set_deleted` writes, in the order it writes them."""
        parent, parent_clocks = self._decode(self._row(conn, record_id))
        write_parent = parent.deleted != deleted or resolves is not None
        went_with = parent_clocks.get(DELETED) if parent.deleted else None
        children = []
        for child_row in conn.execute(
            f"SELECT {self._COLUMNS} FROM records WHERE parent_id = ? ORDER BY id", (record_id,)
        ).fetchall():
            child, clocks = self._decode(child_row)
            with_parent = (
                child.deleted and went_with is not None and clocks.get(DELETED) == went_with
            )
            if (deleted and not child.deleted) or (with_parent and write_parent):
                children.append((child, clocks))
        acts: list[_Act] = [(child, clocks, None) for child, clocks in children]
        if write_parent:
            act = (parent, parent_clocks, resolves)
            acts = [*acts, act] if deleted else [act, *acts]
        return acts

    def _refuse_if_referenced(self, record_id: str, going: set[str]) -> None:
        """A record other live records point at (an agency a referral names, say) stays.

        Deleting it would leave records that no longer validate, and an export that no
        longer imports.
        """
        found = self.lookup(record_id)
        if found is None:
            return
        target_type = found[0]
        for schema in SCHEMAS.values():
            refs = [
                spec.name
                for spec in schema.fields
                if spec.kind in (Kind.REF, Kind.REFS) and spec.ref_type == target_type
            ]
            if not refs:
                continue
            for other in self.records(schema.type):
                if other.id in going:
                    continue
                for name in refs:
                    value = other.fields.get(name)
                    if value == record_id or (isinstance(value, list) and record_id in value):
                        raise RecordInvalid(
                            [
                                FieldError(
                                    record_id,
                                    target_type,
                                    "id",
                                    f"is still referred to by {schema.type} {other.id} ({name})",
                                    "referenced",
                                    {"by_type": schema.type, "by_id": other.id, "by_field": name},
                                )
                            ]
                        )

    def _lost_consents(self, batch: Sequence[Record], after: References) -> list[FieldError]:
        """Edited consents that stored multilayer meetings relied on and would lose.

        Only edits can take consent away (a new consent only adds some), so a batch of new
        records, or one that rewrites consents unchanged (a re-import), never reads a meeting.
        """
        changes: list[tuple[Record, Record | None]] = []
        for record in batch:
            if record.type != "consent":
                continue
            old = self.get(record.id)
            if old is not None and dict(old.fields) != dict(record.fields):
                changes.append((old, record))
        if not changes:
            return []
        return lost_consent_errors(changes, self._meetings_after(batch), after)

    def _refuse_if_relied_on(self, going: Sequence[str]) -> None:
        """A consent a live 重層的支援会議 relies on stays, like a record others point at."""
        consents = [r for r in map(self.get, going) if r is not None and r.type == "consent"]
        if not consents:
            return
        gone = [Record(c.id, c.type, c.area, c.parent_id, c.fields, True) for c in consents]
        errors = lost_consent_errors(
            [(c, None) for c in consents], self.records("meeting"), _Overlay(self, gone)
        )
        if errors:
            raise RecordInvalid(errors)

    def _meetings_after(self, batch: Sequence[Record]) -> list[Record]:
        """Live meetings as they will be once `batch` is written."""
        written = {r.id: r for r in batch if r.type == "meeting"}
        stored = [m for m in self.records("meeting") if m.id not in written]
        return stored + list(written.values())

    def _write(self, conn: sqlite3.Connection, record: Record) -> Record:
        row = conn.execute(
            f"SELECT {self._COLUMNS} FROM records WHERE id = ?", (record.id,)
        ).fetchone()
        fields = {k: v for k, v in record.fields.items() if not is_empty(v)}
        changed: dict[str, Any] = {}
        if row is None:
            clocks: dict[str, list[Any]] = {}
            old_fields: dict[str, Any] = {}
            if record.parent_id is not None:
                changed[PARENT] = record.parent_id
        else:
            old, clocks = self._decode(row)
            for name, now, then in (
                ("type", record.type, old.type),
                ("area", record.area, old.area),
                ("parent_id", record.parent_id, old.parent_id),
            ):
                if now != then:
                    raise RecordInvalid(
                        [
                            FieldError(
                                record.id,
                                record.type,
                                name,
                                f"cannot change from {then!r}",
                                "unchangeable",
                                {"was": then},
                            )
                        ]
                    )
            old_fields = dict(old.fields)
            if old.deleted:
                changed[DELETED] = False
        for name in SCHEMAS[record.type].field_names:
            if fields.get(name) != old_fields.get(name):
                changed[name] = fields.get(name)
        result = Record(record.id, record.type, record.area, record.parent_id, fields, False)
        if changed:
            self._store(conn, result, clocks, changed)
        return result

    def _store(
        self,
        conn: sqlite3.Connection,
        record: Record,
        clocks: dict[str, list[Any]],
        changed: dict[str, Any],
        resolves: str | None = None,
        stamp: int | None = None,
    ) -> None:
        """Write the record row and one outbox row per changed field, stamped now (or with
        `stamp`, a tick of this vault's clock shared by the records of one act)."""
        key = self._data_key
        if stamp is None:
            stamp = self._clock.tick()
        record_clock = max((c[0] for c in clocks.values()), default=0)
        outbox = []
        for name, value in changed.items():
            # A delete's base is the whole record's clock: a delete that did not see some
            # later edit is then recognised as concurrent with it.
            base = record_clock if name == DELETED else clocks.get(name, [0, ""])[0]
            clocks[name] = [stamp, self.site]
            change_id = new_id()
            content: dict[str, Any] = {"field": name, "value": value}
            if resolves is not None:
                content["resolves"] = resolves
            payload = key.seal_json(
                content,
                outbox_place(
                    change_id, record.type, record.id, record.area, stamp, base, self.site
                ),
            )
            outbox.append(
                (change_id, record.type, record.id, record.area, stamp, base, self.site, payload)
            )
        self._write_row(conn, record, clocks)
        conn.executemany(
            "INSERT INTO outbox (change_id, type, record_id, area, hlc, base_hlc, site, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            outbox,
        )
        if self._memory.outbox is not None:
            self._memory.outbox += len(outbox)

    _UPSERT_ROW = (
        "INSERT INTO records (id, type, area, parent_id, deleted, v, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "parent_id = excluded.parent_id, deleted = excluded.deleted, "
        "v = excluded.v, body = excluded.body"
    )

    def _write_row(
        self, conn: sqlite3.Connection, record: Record, clocks: dict[str, list[Any]]
    ) -> None:
        """Encrypt and upsert one record row (and keep the in-memory copy current)."""
        conn.execute(self._UPSERT_ROW, self._sealed_row(record, clocks))

    def _write_rows(self, conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Upsert rows made by `_sealed_row`, in one statement."""
        conn.executemany(self._UPSERT_ROW, rows)

    def _sealed_row(self, record: Record, clocks: dict[str, list[Any]]) -> tuple[Any, ...]:
        """The encrypted row of a record, about to be written: the in-memory copy is current.

        The body is padded to at least BODY_FLOOR bytes: its length must not tell which
        fields the record holds.
        """
        envelope = [record.type, record.area, record.parent_id, record.deleted]
        body = self._data_key.seal_json(
            {"f": dict(record.fields), "c": clocks, "e": envelope},
            place("records", record.id, "body"),
            BODY_FLOOR,
        )
        self._memory.remember(record)
        return (
            record.id,
            record.type,
            record.area,
            record.parent_id,
            int(record.deleted),
            RECORD_VERSION,
            body,
        )

    def _save_clock(self, conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'clock'", (str(self._clock.last),))

    # -- the outbox ------------------------------------------------------------------------

    def pending_changes(self, limit: int = 1000, exclude_areas: Sequence[str] = ()) -> list[Change]:
        """The oldest changes not yet acknowledged by the server, decrypted.

        Changes of `exclude_areas` (areas this user may no longer write) stay in the outbox.
        """
        sql = "SELECT change_id, type, record_id, area, hlc, base_hlc, site, payload FROM outbox"
        args: list[Any] = []
        if exclude_areas:
            marks = ", ".join("?" for _ in exclude_areas)
            sql += f" WHERE area IS NULL OR area NOT IN ({marks})"
            args.extend(exclude_areas)
        sql += " ORDER BY seq LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
            key = self._data_key
        changes = []
        for change_id, rtype, record_id, area, hlc, base, site, payload in rows:
            data = key.open_json(
                payload, outbox_place(change_id, rtype, record_id, area, hlc, base, site)
            )
            changes.append(
                Change(
                    change_id,
                    rtype,
                    record_id,
                    area,
                    data["field"],
                    data["value"],
                    hlc,
                    base,
                    site,
                    data.get("resolves"),
                    data.get("replay") is True,
                )
            )
        return changes

    def acknowledge(self, change_ids: Sequence[str]) -> None:
        """The server has these changes: they leave the outbox."""
        with self._transaction() as conn:
            conn.executemany(
                "DELETE FROM outbox WHERE change_id = ?", [(cid,) for cid in change_ids]
            )
            self._memory.outbox = None

    def outbox_size(self) -> int:
        """Changes not yet acknowledged by the server (counted once, then kept by writes)."""
        with self._lock:
            if self._memory.outbox is None:
                row = self._db.execute("SELECT count(*) FROM outbox").fetchone()
                self._memory.outbox = int(row[0])
            return self._memory.outbox

    def integrity_check(self) -> None:
        """Decrypt every blob; VaultCorrupted names the first one that fails."""
        with self._lock:
            for row in self._db.execute(f"SELECT {self._COLUMNS} FROM records"):
                self._decode(row)
        self.pending_changes(limit=-1)


def _lock_folder(folder: Path) -> int:
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


def _unlock_folder(fd: int) -> None:
    os.close(fd)  # closing the descriptor releases the lock on every platform


def _meta(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise VaultCorrupted(f"the vault has no {key}")
    return str(row[0])


def _store_slot(conn: sqlite3.Connection, slot: Slot) -> None:
    conn.execute(
        "INSERT INTO key_slots (slot_id, kind, params, wrapped) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (slot_id) DO UPDATE SET kind = excluded.kind, params = excluded.params, "
        "wrapped = excluded.wrapped",
        (slot.slot_id, slot.kind, json.dumps(slot.params, sort_keys=True), slot.wrapped),
    )


def _load_slot(conn: sqlite3.Connection, slot_id: str) -> Slot:
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
