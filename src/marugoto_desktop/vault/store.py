"""The vault: an encrypted record store on SQLite that is also a sync replica.

`Vault` is the one owner of a vault's connection, key and decrypted copies: every read and
write holds its lock (docs/architecture.md). It validates a person's writes and makes each
one a transaction of the record, its outbox rows and the clock. Its parts, each in its own
module: opening the folder and the key slots (opening.py), the records table (rows.py), the
outbox (outbox.py), meta values, settings and conflicts (sync_state.py), the row API a
transaction offers, the replica's too (transaction.py), reference checks (guards.py), and
the decrypted copies with their search text (memory.py), forgotten on lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar, cast

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from marugoto_sync.changes import AREA, PARENT, Change
from marugoto_sync.hlc import HybridClock
from marugoto_sync.transfer_notes import TransferNote

from ..domain.ids import new_id
from ..domain.records import Record, is_empty
from ..domain.text import fold
from ..domain.validation import FieldError, RecordInvalid, References, record_errors
from ..domain.vocabularies import AREAS
from . import keyslots, opening
from .audit import CONSULTANT_SETTING, SERVER_SETTING, AuditEntry
from .crypto import DataKey
from .errors import DiskFull, RecordNotFound, VaultError, VaultLocked, VaultReadOnly
from .fields import FieldRow
from .guards import BatchReferences, lost_consents, refuse_if_referenced, refuse_if_relied_on
from .keyslots import KdfParams
from .memory import Memory, SearchIndex, View
from .opening import DB_FILE, LOCK_FILE, Opened
from .transaction import Tables, Transaction, deletion_acts

__all__ = ["DB_FILE", "LOCK_FILE", "Vault"]

V = TypeVar("V", bound=View)
T = TypeVar("T")


class Vault:
    """An unlocked vault. Create with `Vault.create`, open with `Vault.open`; `close` locks."""

    def __init__(self, folder: Path, opened: Opened) -> None:
        self.folder = folder
        self._conn: sqlite3.Connection | None = opened.conn
        self._key: DataKey | None = opened.key
        self._lock_fd: int | None = opened.lock_fd
        # Opened where it cannot be written (read-only media): every write is refused.
        self.read_only = opened.read_only
        self._lock = threading.RLock()
        self.vault_id: str = opened.vault_id
        self.site: str = opened.site
        self._clock = HybridClock(opened.clock)
        self._saved_clock = opened.clock  # the clock's last stamp as the database holds it
        # Decrypted copies, kept current by every write, forgotten on lock.
        self._memory = Memory()
        self._open_tables: Tables | None = Tables(opened.conn, opened.key, self._memory)

    # -- opening and closing ---------------------------------------------------------------

    @staticmethod
    def exists(folder: Path | str) -> bool:
        return opening.exists(Path(folder))

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
        return cls(folder, opening.create(folder, passphrase, office_public, kdf))

    @classmethod
    def open(cls, folder: Path | str, passphrase: str, *, read_only: bool = False) -> Vault:
        """Unlock with the passphrase; WrongPassphrase if it does not fit.

        A folder that cannot be written raises VaultReadOnly, unless `read_only`: the vault is
        then opened for reading only (`self.read_only`), and every write raises VaultReadOnly.
        """

        def unwrap(conn: sqlite3.Connection, vault_id: str) -> bytes:
            slot = opening.load_slot(conn, "passphrase")
            return keyslots.open_passphrase_slot(vault_id, slot, passphrase)

        folder = Path(folder)
        return cls(folder, opening.open_folder(folder, unwrap, read_only=read_only))._unlocked(
            "passphrase"
        )

    @classmethod
    def open_with_recovery_key(cls, folder: Path | str, office_private: X25519PrivateKey) -> Vault:
        """Unlock with the office's recovery key (for a forgotten passphrase)."""

        def unwrap(conn: sqlite3.Connection, vault_id: str) -> bytes:
            slot = opening.load_slot(conn, "recovery")
            return keyslots.open_recovery_slot(vault_id, slot, office_private)

        folder = Path(folder)
        return cls(folder, opening.open_folder(folder, unwrap))._unlocked("recovery_key")

    def _unlocked(self, by: str) -> Vault:
        """An unlock is the trail's first note of a session (a failed one cannot be sealed:
        there is no key; docs/security-model.md)."""
        try:
            if not self.read_only:
                with self.transaction() as tx:
                    who = self._who(tx)
                    tx.audit.take_inbox(who, self.site)
                    tx.audit.append("unlock", (), {"by": by}, who=who, device=self.site)
        except BaseException:
            self.close()
            raise
        return self

    def change_passphrase(self, new_passphrase: str, kdf: KdfParams | None = None) -> None:
        """Rewrap the data key under a new passphrase. Data blobs are not touched."""
        slot = keyslots.passphrase_slot(
            self.vault_id, self._data_key.raw, new_passphrase, kdf or keyslots.calibrate()
        )
        with self.transaction():
            opening.store_slot(self._db, slot)

    def has_recovery_slot(self) -> bool:
        with self._lock:
            return opening.has_slot(self._db, "recovery")

    def set_recovery_key(self, office_public: X25519PublicKey) -> None:
        slot = keyslots.recovery_slot(self.vault_id, self._data_key.raw, office_public)
        with self.transaction():
            opening.store_slot(self._db, slot)

    def close(self) -> None:
        """Lock: checkpoint the WAL into the database, forget the key and every decrypted value."""
        with self._lock:
            if self._conn is None:
                return
            conn, self._conn, self._open_tables = self._conn, None, None
            lock_fd, self._lock_fd = self._lock_fd, None
            checkpointed = opening.close(conn, lock_fd, read_only=self.read_only)
            self._key = None
            self._memory.forget()
            if not checkpointed:
                # Only this process may hold the vault (the folder lock), so this is unexpected;
                # the data is safe in the WAL and the next open checkpoints it.
                raise VaultError("the vault could not be checkpointed on lock")

    lock = close

    def destroy(self) -> None:
        """Destroy this vault: key slots overwritten first, then the files removed (a device
        revoked). Without its key slots the data key is gone, so even copies of old sectors
        the file system keeps cannot be decrypted."""
        with self.transaction() as tx:
            opening.destroy_slots(self._db)
            tx.settings.delete_all()
        folder = self.folder
        self.close()
        opening.remove_files(folder)

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the row API (transaction.py) ------------------------------------------------------

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

    @property
    def _tables(self) -> Tables:
        if self._conn is None or self._open_tables is None:
            raise VaultLocked("the vault is locked")
        return self._open_tables

    @contextmanager
    def reading(self) -> Iterator[Tables]:
        """The vault's tables, under its lock: reads that must agree, and the replica's."""
        with self._lock:
            yield self._tables

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One write transaction, under the vault's lock: all of it is stored, or none.

        What it writes is not validated; the public writes below validate first. The clock is
        saved with the transaction when it moved. A failure rolls back and forgets every
        decrypted copy (they may hold values the database never got).
        """
        if self.read_only:
            raise VaultReadOnly(self.folder)
        with self._lock:
            conn = self._db
            tx = Transaction(conn, self._data_key, self._memory, self._clock, self.site)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield tx
                if tx.acts:
                    who = self._who(tx)
                    for action, ids in tx.acts.items():
                        tx.audit.append(action, ids, who=who, device=self.site)
                last = self._clock.last
                if last != self._saved_clock:
                    tx.meta.set("clock", str(last))
                conn.execute("COMMIT")
                self._saved_clock = last
            except BaseException as exc:
                # SQLite rolls back by itself after some errors (a full disk): then there is
                # nothing left to roll back, and trying would hide the real error.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._memory.forget()
                if opening.is_disk_full(exc):
                    raise DiskFull(
                        f"the disk holding the vault in {self.folder} is full: nothing was "
                        "written; free some space and try again"
                    ) from exc
                raise

    def _who(self, tables: Tables) -> str | None:
        """Who works on this laptop, for the audit trail: the consultant's name set here, else
        the user it is enrolled as."""
        name = tables.settings.get(CONSULTANT_SETTING)
        if name:
            return str(name)
        server = tables.settings.get(SERVER_SETTING)
        user = server.get("user") if isinstance(server, dict) else None
        return str(user) if user else None

    # -- the audit trail (audit.py) --------------------------------------------------------

    def audit(
        self, action: str, records: Sequence[str] = (), detail: dict[str, Any] | None = None
    ) -> AuditEntry | None:
        """Note in the audit trail what a person did that wrote no record: unlocked, opened a
        household, exported, printed, imported, backed up, synced (codes and counts only).
        A vault on read-only media cannot note anything (None): docs/security-model.md."""
        if self.read_only:
            return None
        with self.transaction() as tx:
            return tx.audit.append(action, records, detail, who=self._who(tx), device=self.site)

    def audit_entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """The audit trail (after entry `after`, at most `limit` entries), oldest first,
        checked link by link (AuditBroken where it breaks)."""
        with self._lock:
            return list(islice(self._tables.audit.entries(after), limit))

    # -- reading ---------------------------------------------------------------------------

    def get(self, record_id: str, *, include_deleted: bool = False) -> Record | None:
        with self._lock:
            record = self._tables.rows.record(record_id)
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
        every_live = (
            record_type is not None and area is None and parent_id is None and not include_deleted
        )
        with self._lock:
            if every_live:
                assert record_type is not None
                cached = self._memory.live(record_type)
                if cached is not None:
                    return list(cached)
            found = self._tables.rows.records(
                record_type, area=area, parent_id=parent_id, include_deleted=include_deleted
            )
            if every_live:
                assert record_type is not None
                self._memory.set_live(record_type, found)
            return list(found)

    def child_counts(self, record_type: str) -> dict[str, int]:
        """How many live records of a type each parent has (members per household, say)."""
        with self._lock:
            counts = self._memory.derived("children", record_type)
            if counts is None:
                counts = self._tables.rows.child_counts(record_type)
                self._memory.set_derived("children", record_type, counts)
            return dict(counts)

    def count(self, record_type: str | None = None, *, include_deleted: bool = False) -> int:
        with self._lock:
            return self._tables.rows.count(record_type, include_deleted=include_deleted)

    def field_rows(self, record_type: str, names: Sequence[str]) -> list[FieldRow]:
        """(id, area, parent_id, *values of `names`) of every live record of a type.

        For reading a few fields of many records (the figures): only those are decoded.
        """
        with self._lock:
            return self._tables.rows.field_rows(record_type, names)

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
            return self._tables.rows.parents(record_type)

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        """(type, area) of a live record; part of the References protocol of validation."""
        with self._lock:
            return self._tables.rows.lookup(record_id)

    def holds(self, record_id: str) -> bool:
        """Whether the record is here, live or deleted; part of the References protocol."""
        with self._lock:
            return self._tables.rows.holds(record_id)

    def holds_every_area(self) -> bool:
        """Whether this vault syncs every area (the office's), so that a record it does not
        hold exists nowhere; part of the References protocol. One that has not synced holds
        no area in particular: what it was not given may be any area's."""
        with self._lock:
            synced = self._tables.settings.get("synced_areas")
        return isinstance(synced, list) and set(AREAS.codes) <= set(synced)

    def field_clock(self, record_id: str, field: str) -> tuple[int, str] | None:
        """The stamp (hlc, site) of the write that holds a field of a record (deleted or
        not), or None: a household's `_area` is its latest transfer (転居・引継ぎ)."""
        with self._lock:
            stored = self._tables.rows.stored(record_id)
        clock = None if stored is None else stored.clocks.get(field)
        return None if clock is None else (int(clock[0]), str(clock[1]))

    def transfer_notes(self, household_id: str) -> list[TransferNote]:
        """Where a household came from at each move this vault made or was told of by a
        pull, oldest first (vault.sync_state.TransferNotes)."""
        with self._lock:
            return self._tables.transfer_notes.of(household_id)

    def parent_of(self, record_id: str) -> str | None:
        """The parent (household) of a live record; part of the References protocol."""
        with self._lock:
            return self._tables.rows.parent_of(record_id)

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
            errors = self.check_many(records, refs)
            if errors:
                raise RecordInvalid(errors)
            with self.transaction() as tx:
                return [tx.write(record) for record in records]

    def check_many(
        self, records: Sequence[Record], refs: References | None = None
    ) -> list[FieldError]:
        """What put_many would refuse in these records, without writing anything (a dry run)."""
        with self._lock:
            if refs is None:
                refs = BatchReferences(self, records)
            errors: list[FieldError] = []
            for record in records:
                errors.extend(record_errors(record, refs))
            errors.extend(lost_consents(self, records, refs))
            return errors

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
            with self.transaction() as tx:
                stored = tx.rows.stored(record_id)
                assert stored is not None
                tx.change(moved, stored.clocks, {PARENT: parent_id})
                tx.act("edit", [record_id])
            return moved

    def transfer(self, household_id: str, to_area: str) -> list[Record]:
        """Move a live household, with everything under it, to another area (転居・引継ぎ);
        returns the records moved, the household first.

        One act: the household's `_area` change (written in the area it leaves, so that the
        server and that area's devices know where it went) and the records relabelled here;
        a device that syncs and does not hold the new area lets them go at once.
        """
        with self._lock:
            current = self.get(household_id)
            if current is None or current.type != "household":
                raise RecordNotFound(household_id)
            if to_area not in AREAS.codes:
                raise RecordInvalid(
                    [
                        FieldError(
                            household_id,
                            "household",
                            "area",
                            f"unknown area {to_area!r}",
                            "unknown_area",
                            {"value": to_area},
                        )
                    ]
                )
            if to_area == current.area:
                raise RecordInvalid(
                    [
                        FieldError(
                            household_id,
                            "household",
                            "area",
                            f"the household is in area {to_area} already",
                            "unchangeable",
                            {"was": current.area},
                        )
                    ]
                )
            with self.transaction() as tx:
                stored = tx.rows.stored(household_id)
                assert stored is not None
                placed = list(stored.clocks.get(AREA, []))  # who put it where it is
                stamp = tx.clock.tick()  # one act: one stamp
                for child in tx.rows.stored_children(household_id):
                    # Activities keep the area they were recorded in (the annual figures).
                    r = child.record
                    if r.type == "activity" and not r.fields.get("recorded_area"):
                        kept = r.with_fields(recorded_area=r.area)
                        tx.change(kept, child.clocks, {"recorded_area": r.area}, stamp=stamp)
                tx.change(stored.record, stored.clocks, {AREA: to_area}, stamp=stamp)
                # Where it came from: the `_area` change names only where it goes.
                tx.transfer_notes.add(
                    [TransferNote(household_id, stamp, self.site, str(current.area), to_area)]
                )
                moved = tx.move_household(household_id, to_area)
                tx.act("transfer", [r.id for r in moved])
                synced = tx.settings.get("synced_areas")
                if synced is not None and not {to_area, current.area} <= set(synced):
                    # Handed over to an area this device does not sync, or out of one it no
                    # longer syncs (the transfer cannot go out until it is granted again):
                    # it lets the household go now, as its next sync would.
                    tx.let_go(household_id, placed)
            return moved

    def delete(self, record_id: str) -> list[str]:
        """Soft-delete a record and the records that belong to it; returns the ids deleted.

        Refused (RecordInvalid) while other live records refer to it, or a 重層的支援会議
        relies on it (a consent).
        """
        with self._lock:
            if self.get(record_id) is None:
                raise RecordNotFound(record_id)
            ids = [record_id, *self._tables.rows.live_children(record_id)]
            refuse_if_referenced(self, record_id, set(ids))
            refuse_if_relied_on(self, ids)
            with self.transaction() as tx:
                return tx.set_deleted(record_id, True)

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
            acts = deletion_acts(self._tables.rows, record_id, False)
            back = [
                Record(r.id, r.type, r.area, r.parent_id, r.fields)
                for r in (stored.record for stored, _ in acts)
            ]
            overlay = BatchReferences(self, back)
            errors = [error for r in back for error in record_errors(r, overlay)]
            if errors:
                raise RecordInvalid(errors)
            with self.transaction() as tx:
                return tx.set_deleted(record_id, False)

    # -- the outbox ------------------------------------------------------------------------

    def pending_changes(self, limit: int = 1000, exclude_areas: Sequence[str] = ()) -> list[Change]:
        """The oldest changes not yet acknowledged by the server, decrypted.

        Changes of `exclude_areas` (areas this user may no longer write) stay in the outbox.
        """
        with self._lock:
            return self._tables.outbox.pending(limit, exclude_areas)

    def acknowledge(self, change_ids: Sequence[str]) -> None:
        """The server has these changes: they leave the outbox."""
        with self.transaction() as tx:
            tx.outbox.acknowledge(change_ids)

    def outbox_size(self) -> int:
        """Changes not yet acknowledged by the server (counted once, then kept by writes)."""
        with self._lock:
            return self._tables.outbox.size()

    def integrity_check(self) -> None:
        """Decrypt every blob, and check the sealed summaries against the bodies;
        VaultCorrupted names the first one that fails."""
        with self._lock:
            self._tables.rows.every_stored()
            self._tables.rows.summaries.check()
        self.pending_changes(limit=-1)
