"""The vault's tables on its one connection, and a write transaction over them.

This is the row API of the vault, for the vault itself and for the replica (replica.py):

- `Vault.reading()` gives the `Tables` under the vault's lock: rows (rows.py), outbox
  (outbox.py), meta values, settings and conflicts (sync_state.py).
- `Vault.transaction()` gives a `Transaction`: the same tables inside one SQLite transaction
  (all of it is committed, or none), the vault's hybrid logical clock, and the writes that
  make a person's changes: a record's row and one outbox row per changed field, stamped by
  the clock. The clock is saved with the transaction when it moved; if the transaction
  fails, every decrypted copy is forgotten (they may hold what the database never got).

Nothing here validates: `Vault.put_many` and the other public writes do, under the same lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from marugoto_sync.changes import AREA, DELETED, PARENT, Change
from marugoto_sync.hlc import HybridClock

from ..domain.records import Record, is_empty
from ..domain.schema import SCHEMAS
from ..domain.validation import FieldError, RecordInvalid
from .audit import AuditTrail
from .crypto import DataKey
from .memory import Memory
from .outbox import Outbox
from .rows import Clocks, Rows, Stored
from .sync_state import Conflicts, Meta, Settings, SettledHere, TransferNotes


class Tables:
    """The tables of one unlocked vault, on its connection. The caller holds the lock."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey, memory: Memory) -> None:
        self.rows = Rows(conn, key, memory)
        self.outbox = Outbox(conn, key, memory)
        self.meta = Meta(conn)
        self.settings = Settings(conn, key)
        self.transfer_notes = TransferNotes(self.settings)
        self.conflicts_settled = SettledHere(self.settings)
        self.conflicts = Conflicts(conn, key)
        self.audit = AuditTrail(conn, key)
        self._memory = memory

    def forget_decrypted(self) -> None:
        """Drop every decrypted copy (records erased underneath them, say)."""
        self._memory.forget()


# Who had put each household this device let go by its own transfer where that transfer
# found it: household -> the `_area` clock [hlc, site] then ([] if none).
LET_GO_KEY = "sync.let_go"

# One record's part in a delete or restore: the record as stored, the conflict it settles.
_Act = tuple[Stored, str | None]


class Transaction(Tables):
    """One write transaction of the vault, and the record writes made in it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        key: DataKey,
        memory: Memory,
        clock: HybridClock,
        site: str,
    ) -> None:
        super().__init__(conn, key, memory)
        self.clock = clock
        self.site = site
        # What a person did in this transaction, by action (create, edit, delete, restore):
        # the vault writes it to the audit trail before the commit.
        self.acts: dict[str, list[str]] = {}

    def act(self, action: str, record_ids: list[str]) -> None:
        self.acts.setdefault(action, []).extend(record_ids)

    def change(
        self,
        record: Record,
        clocks: Clocks,
        changed: dict[str, Any],
        resolves: str | None = None,
        stamp: int | None = None,
    ) -> None:
        """Write `record` and one outbox row per field of `changed` (name -> new value), all
        stamped now, or with `stamp` (a tick of the clock shared by the records of one act).

        `clocks` are the record's field clocks as stored; the changed fields take the stamp.
        `resolves` marks the changes as settling that conflict.
        """
        if stamp is None:
            stamp = self.clock.tick()
        record_clock = max((c[0] for c in clocks.values()), default=0)
        # A delete's base is the whole record's clock: a delete that did not see some later
        # edit is then recognised as concurrent with it.
        bases = {
            name: record_clock if name == DELETED else clocks.get(name, [0, ""])[0]
            for name in changed
        }
        for name in changed:
            clocks[name] = [stamp, self.site]
        written = self.outbox.add(record, changed, stamp, bases, self.site, resolves)
        if resolves is not None:
            self.conflicts_settled.remember(written, resolves)
        self.rows.put(record, clocks)

    def write(self, record: Record) -> Record:
        """Create or update a record as a person's edit: only the fields that differ from the
        stored record become changes. Returns the record as stored. A record's type, area and
        parent never change (RecordInvalid); a deleted record written again comes back."""
        stored = self.rows.stored(record.id)
        fields = {k: v for k, v in record.fields.items() if not is_empty(v)}
        changed: dict[str, Any] = {}
        if stored is None:
            clocks: Clocks = {}
            old_fields: dict[str, Any] = {}
            if record.parent_id is not None:
                changed[PARENT] = record.parent_id
        else:
            old, clocks = stored.record, stored.clocks
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
            self.change(result, clocks, changed)
            self.act("create" if stored is None else "edit", [record.id])
        return result

    def move_household(self, household_id: str, area: str) -> list[Record]:
        """Move a household and every record under it (deleted ones too) to another area,
        with their conflicts; returns the records moved, the household first."""
        found = self.rows.stored(household_id)
        if found is None:
            return []
        moved = self.rows.move([found, *self.rows.stored_children(household_id)], area)
        self.conflicts.move([r.id for r in moved], area)
        return moved

    def hold_with_transfers(self, areas: Sequence[str]) -> int:
        """A household's transfer written in one of `areas` waits (this user may not write
        that area now), and so must everything written after it of the household and of
        what is under it: the server holds the household where the transfer found it, and
        would refuse those changes (and the whole push) in the area it went to. They are
        labelled with the area of the transfer, and go when it goes: the server takes them
        into the household's area after it (marugoto_sync storage.transfers). Returns how
        many changes were labelled anew."""
        relabelled = 0
        for seq, transfer in self.outbox.transfers_waiting(areas):
            household = transfer.record_id
            assert transfer.area is not None
            if not self.held_by_own_transfer(transfer):
                continue  # the server sent it where it is: what follows may go
            under = {s.record.id for s in self.rows.stored_children(household)}
            under |= self.outbox.created_under(household)
            relabelled += self.outbox.relabel(sorted({household, *under}), transfer.area, seq)
        return relabelled

    def held_by_own_transfer(self, transfer: Change) -> bool:
        """Whether this device holds the household where its own transfer (unsent) put it,
        or not at all; not when a later `_area` from the server placed it (the server has
        it there: another's transfer sent it). A household this device let go by a transfer
        of its own is judged as it was then (let_go)."""
        found = self.rows.stored(transfer.record_id)
        placed: list[Any] | None
        if found is not None:
            placed = found.clocks.get(AREA, [])
        else:
            placed = (self.settings.get(LET_GO_KEY) or {}).get(transfer.record_id)
            if placed is None:
                return True
        return list(placed) in [[c.hlc, c.site] for c in self.own_transfers_after(transfer)]

    def own_transfers_after(self, transfer: Change) -> list[Change]:
        """The transfer and those of the same household this device wrote after it, each
        where the one before sent it (they wait with it), in outbox order."""
        chain = [transfer]
        after = False
        for change in self.outbox.pending(-1):
            if change.change_id == transfer.change_id:
                after = True
            elif (
                after
                and change.record_id == transfer.record_id
                and change.field == AREA
                and change.site == self.site
                and change.area == chain[-1].value
            ):
                chain.append(change)
        return chain

    def let_go(self, household_id: str, placed: list[Any]) -> None:
        """Drop a household this device just transferred to an area it does not hold,
        remembering who had put it where the transfer found it (the `_area` clock): an
        earlier transfer of this device's that waits holds it only if that was the one."""
        known = self.settings.get(LET_GO_KEY) or {}
        self.settings.put(LET_GO_KEY, {**known, household_id: placed})
        self.drop_household(household_id)

    def drop_household(self, household_id: str) -> list[str]:
        """Erase a household and every record under it, with their conflicts, from this
        device (it moved to an area the device does not hold). Unsent changes stay in the
        outbox: the server takes them after the household and flags them for its new area."""
        found = self.rows.stored(household_id)
        if found is None:
            return []
        gone = [found.record, *(s.record for s in self.rows.stored_children(household_id))]
        self.rows.remove(gone)
        self.conflicts.remove_records([r.id for r in gone])
        self.forget_decrypted()
        return [r.id for r in gone]

    def set_deleted(self, record_id: str, deleted: bool, resolves: str | None = None) -> list[str]:
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
        acts = deletion_acts(self.rows, record_id, deleted, resolves)
        stamp = self.clock.tick()
        for stored, settles in acts:
            r = stored.record
            changed = Record(r.id, r.type, r.area, r.parent_id, r.fields, deleted)
            self.change(changed, stored.clocks, {DELETED: deleted}, settles, stamp)
        written = [stored.record.id for stored, _ in acts]
        ordered = sorted(written, key=lambda rid: rid != record_id)
        self.act("delete" if deleted else "restore", ordered)
        return ordered


def deletion_acts(
    rows: Rows, record_id: str, deleted: bool, resolves: str | None = None
) -> list[_Act]:
    """The records `Transaction.set_deleted` writes, in the order it writes them."""
    found = rows.stored(record_id)
    if found is None:
        raise KeyError(f"no record {record_id}")
    parent, parent_clocks = found.record, found.clocks
    write_parent = parent.deleted != deleted or resolves is not None
    went_with = parent_clocks.get(DELETED) if parent.deleted else None
    children = []
    for child in rows.stored_children(record_id):
        with_parent = (
            child.record.deleted
            and went_with is not None
            and child.clocks.get(DELETED) == went_with
        )
        if (deleted and not child.record.deleted) or (with_parent and write_parent):
            children.append(child)
    acts: list[_Act] = [(child, None) for child in children]
    if write_parent:
        act = (found, resolves)
        acts = [*acts, act] if deleted else [act, *acts]
    return acts
