"""A household's transfer to another area (転居・引継ぎ), as a push carries it.

A transfer is a change of the household's `_area` pseudo-field (marugoto_sync.changes.AREA),
written in the area the household is in, with the area it goes to as its value. When it
wins the field, the push moves the household and every record under it (members, issues,
activities, referrals, consents), deleted ones too, to the new area, and records the move:

- the receiving area's devices must get the records whole, though their history lies before
  their cursors: a copy of each moved record's current field states, of its conflicts (the
  same conflict ids, now of the new area) and of the changes that settled them is appended
  to the log in the new area. A copy takes the clocks and site of the change it copies, so
  the merge rule makes it a no-op wherever the change was seen;
- the sending area's devices see the `_area` change itself, logged in the area it was
  written in: they drop the household and what is under it;
- a device of the sending area that had not seen the transfer may still send changes of
  those records (or new records under the household) written in the old area. They are taken
  into the household's area now and flagged (edit_after_transfer) for the receiving area to
  review: nothing written on the sending side is lost, nor silently taken. Two transfers
  that did not see each other: the later stands, the other is kept (transfer_superseded).

Everything here runs inside the push's transaction (storage.push), after the merge.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ...changes import AREA, DELETED, PARENT, Change
from ...merge import FieldState, transfer_conflict
from ..log_entries import conflict_row, to_json
from ..tables import field_state, log, records, transfers
from .base import StoreBase, chunks
from .postgresql import LOG_INSERT, rows_json

# Copies of a moved record's log entries are named by the transfer and the entry they copy.
TRANSFER_NAMESPACE = uuid.UUID("9d7b4f1e-2c61-4a0d-8f3e-5b6a7c8d9e01")

_COPIED = ("kind", "type", "record_id", "field", "value", "hlc", "base_hlc", "site", "resolves")


def copy_id(transfer_change_id: str, entry_id: str) -> str:
    return str(uuid.uuid5(TRANSFER_NAMESPACE, f"{transfer_change_id}/{entry_id}"))


@dataclass(frozen=True)
class TransferInfo:
    """A household moved to another area, as the server recorded it."""

    record_id: str
    change_id: str
    from_area: str
    to_area: str
    records: int
    user_id: int
    device_id: str
    at: datetime


@dataclass(frozen=True)
class Rehomed:
    """A push's changes as the server takes them: those written in an area their record has
    left are taken into the record's area now (their ids in `moved`). Of those, `flagged`
    are each kept as a conflict for the receiving area: every change of a record it holds,
    and the creation (`_parent_id`) of a record added under the household."""

    changes: list[Change]
    moved: frozenset[str]
    flagged: frozenset[str] = frozenset()


def by_transfer(changes: Sequence[Change]) -> list[list[Change]]:
    """A push's changes in parts, each ending with a household's transfer (or the last)."""
    parts: list[list[Change]] = [[]]
    for change in changes:
        parts[-1].append(change)
        if change.field == AREA:
            parts.append([])
    return [part for part in parts if part]


class Transfers(StoreBase):
    """Households moved to another area, and what a push does about them."""

    def transfers_of(self, record_id: str) -> list[TransferInfo]:
        """A household's transfers, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                select(
                    transfers.c.record_id,
                    transfers.c.change_id,
                    transfers.c.from_area,
                    transfers.c.to_area,
                    transfers.c.records,
                    transfers.c.user_id,
                    transfers.c.device_id,
                    transfers.c.at,
                )
                .where(transfers.c.record_id == record_id)
                .order_by(transfers.c.id)
            ).all()
        return [TransferInfo(*row) for row in rows]

    def _rehome(
        self,
        conn: Connection,
        stored: Mapping[str, tuple[str, str | None, str | None]],
        changes: Sequence[Change],
    ) -> Rehomed:
        """Take changes written in an area their record (or, for a record new here, its
        parent) has left by a transfer into the area it is in now.

        `stored` maps the records the push touches, and the parents it names, to (type,
        area, parent) as the server holds them. Anything else is left as it is, for the scope
        check to judge.
        """
        # The area each record of the push is in, as the server holds it: its own, or for a
        # record new here, that of the parent its `_parent_id` change names.
        where: dict[str, tuple[str | None, str]] = {}  # record -> (area, household)
        for change in changes:
            if change.record_id in where:
                continue
            known = stored.get(change.record_id)
            if known is not None:
                household = change.record_id if known[2] is None else known[2]
                where[change.record_id] = (known[1], household)
        for change in changes:
            if change.record_id in where or change.field != PARENT:
                continue
            parent = stored.get(change.value) if isinstance(change.value, str) else None
            if parent is not None:
                where[change.record_id] = (parent[1], str(change.value))
        leaving = {
            (home, change.area)
            for change in changes
            if change.record_id in where
            and change.area is not None
            and where[change.record_id][0] not in (None, change.area)
            for home in [where[change.record_id][1]]
        }
        if not leaving:
            return Rehomed(list(changes), frozenset())
        left, sent = self._areas_left(conn, sorted({home for home, _ in leaving}))
        taken: list[Change] = []
        moved: set[str] = set()
        flagged: set[str] = set()
        for change in changes:
            place = where.get(change.record_id)
            if (
                place is not None
                and place[0] is not None
                and place[0] != change.area
                and change.area in left.get(place[1], set())
            ):
                taken.append(replace(change, area=place[0]))
                moved.add(change.change_id)
                # Its author moved the household there before writing it (a transfer of
                # theirs, earlier on their clock, out of the area it names, to where the
                # household is): it waited with the transfer, and nobody need review it.
                after_own = any(
                    (site, area, to) == (change.site, change.area, place[0]) and hlc < change.hlc
                    for site, area, to, hlc in sent.get(place[1], [])
                )
                if (change.record_id in stored or change.field == PARENT) and not after_own:
                    flagged.add(change.change_id)
            else:
                taken.append(change)
        return Rehomed(taken, frozenset(moved), frozenset(flagged))

    def _areas_left(
        self, conn: Connection, households: Sequence[str]
    ) -> tuple[dict[str, set[str]], dict[str, list[tuple[str, str | None, Any, int]]]]:
        """The areas each of these households has been in or been sent to: transferred out
        of, or named by a transfer (one that was superseded too: its author's laptop holds
        the household there until it syncs). And each one's transfers as logged: (site,
        area written in, area named, hlc)."""
        found: dict[str, set[str]] = {}
        logged: dict[str, list[tuple[str, str | None, Any, int]]] = {}
        for chunk in chunks(households):
            query = select(transfers.c.record_id, transfers.c.from_area).where(
                transfers.c.record_id.in_(chunk)
            )
            for record_id, area in conn.execute(query):
                found.setdefault(record_id, set()).add(area)
            sent = select(log.c.record_id, log.c.value, log.c.site, log.c.area, log.c.hlc).where(
                log.c.record_id.in_(chunk), log.c.field == AREA, log.c.kind == "change"
            )
            for record_id, value, site, area, hlc in conn.execute(sent):
                to = json.loads(value)
                found.setdefault(record_id, set()).add(to)
                logged.setdefault(record_id, []).append((site, area, to, int(hlc)))
        return found, logged

    def _carry_transfers(
        self,
        conn: Connection,
        changes: Sequence[Change],
        rehomed: Rehomed,
        before: Mapping[tuple[str, str], FieldState],
        after: Mapping[tuple[str, str], FieldState],
        origin: dict[str, Any],
    ) -> int:
        """After the merge of a push: flag what came after a transfer, then move the
        households whose `_area` changed. Returns the conflicts logged."""
        rows = []
        for change in changes:
            flagged = change.change_id in rehomed.flagged
            if not flagged and change.field != AREA:
                continue
            key = (change.record_id, change.field)
            conflict = transfer_conflict(change, before.get(key), after.get(key), flagged)
            if conflict is not None and not self._entry_logged(conn, conflict.conflict_id):
                rows.append(conflict_row(conflict, change))
        self._append(conn, rows, origin)
        for change in changes:
            state = after.get((change.record_id, AREA))
            if change.field != AREA or state is None:
                continue
            if state.change_id == change.change_id:
                self._move(conn, change, str(change.value), origin)
            else:
                self._resend(conn, change, origin)
        return len(rows)

    def _resend(self, conn: Connection, change: Change, origin: dict[str, Any]) -> None:
        """A transfer that lost: its author's laptop moved (or let go of) the household
        already. The household, whole, goes again to its area and to the one the transfer
        named: a laptop of either finds it where it is (the winning `_area` among the
        copies moves it there), or lets it go."""
        household = change.record_id
        row = conn.execute(select(records.c.area).where(records.c.record_id == household)).first()
        if row is None or row[0] is None:
            return
        under = conn.execute(
            select(records.c.record_id)
            .where(records.c.parent_id == household)
            .order_by(records.c.record_id)
        )
        moved = [household, *(r[0] for r in under)]
        # The area it is in goes last: the latest copy of each of its conflicts is the one
        # that holds (a conflict is where its household is), as on every laptop.
        for area in sorted({row[0], str(change.value)}, key=lambda a: (a == row[0], a)):
            copies = self._copies(conn, f"{change.change_id}/{area}", moved, area)
            self._append(conn, copies, origin)

    def _entry_logged(self, conn: Connection, entry_id: str) -> bool:
        found = conn.execute(select(log.c.seq).where(log.c.change_id == entry_id)).first()
        return found is not None

    def _append(self, conn: Connection, rows: list[dict[str, Any]], origin: dict[str, Any]) -> None:
        """Log rows in list order, each taking the next seq (as the push logs its own)."""
        if not rows:
            return
        if self._postgresql:
            parameters = {f"c_{name}": value for name, value in origin.items()}
            conn.execute(LOG_INSERT, {"rows": rows_json(rows), **parameters})
        else:
            conn.execute(insert(log), [{**row, **origin} for row in rows])

    def _move(self, conn: Connection, change: Change, to_area: str, origin: dict[str, Any]) -> None:
        """Move a household and everything under it to `to_area`, and copy their entries
        there (see the module's docstring)."""
        household = change.record_id
        row = conn.execute(select(records.c.area).where(records.c.record_id == household)).first()
        from_area = None if row is None else row[0]
        if from_area is None or from_area == to_area:
            return
        under = [
            r[0]
            for r in conn.execute(
                select(records.c.record_id)
                .where(records.c.parent_id == household)
                .order_by(records.c.record_id)
            )
        ]
        moved = [household, *under]
        for chunk in chunks(moved):
            conn.execute(update(records).where(records.c.record_id.in_(chunk)).values(area=to_area))
        self._append(conn, self._copies(conn, change.change_id, moved, to_area), origin)
        conn.execute(
            insert(transfers).values(
                record_id=household,
                change_id=change.change_id,
                from_area=from_area,
                to_area=to_area,
                records=len(moved),
                user_id=origin["user_id"],
                device_id=origin["device_id"],
                at=origin["received_at"],
            )
        )

    def _copies(
        self, conn: Connection, transfer_id: str, moved: Sequence[str], to_area: str
    ) -> list[dict[str, Any]]:
        """The log entries that give the receiving area the moved records whole: each
        record's current field states (the household first), then their conflicts, then the
        changes that settled those, and last the household's `_area`."""
        position = {record_id: n for n, record_id in enumerate(moved)}
        winners: list[tuple[int, str, str]] = []
        for chunk in chunks(moved):
            query = select(
                field_state.c.record_id, field_state.c.field, field_state.c.change_id
            ).where(field_state.c.record_id.in_(chunk))
            winners += [(position[r], name, cid) for r, name, cid in conn.execute(query)]
        # Each record's `_parent_id` first and its `_deleted` last, as the laptops write a
        # record: a page of copies never ends on a part of a record without its parent (a
        # laptop would take that for the echo of a record it let go: vault.replica).
        winners.sort(key=lambda w: (w[0], w[1] != PARENT, w[1] == DELETED, w[1], w[2]))
        columns = [log.c.change_id, *(log.c[name] for name in _COPIED)]
        entries: dict[str, dict[str, Any]] = {}
        for chunk in chunks([cid for _, _, cid in winners]):
            for found in conn.execute(select(*columns).where(log.c.change_id.in_(chunk))):
                entries[found[0]] = dict(zip(_COPIED, found[1:], strict=True))
        # The household's `_area` goes last: a laptop that does not hold the area the
        # household is in lets it go on reading it, once the copies before it are in (the
        # copies span several pages; none of them may come after the household is let go).
        where = [cid for n, name, cid in winners if n == 0 and name == AREA]
        copies = [
            self._copy(transfer_id, cid, entries[cid], to_area)
            for _, _, cid in winners
            if cid not in where
        ]
        conflicts: dict[str, tuple[str, dict[str, Any]]] = {}
        settling: list[tuple[int, str, dict[str, Any]]] = []
        for chunk in chunks(list(moved)):
            query = (
                select(log.c.seq, *columns)
                .where(log.c.record_id.in_(chunk))
                .where((log.c.kind == "conflict") | log.c.resolves.is_not(None))
            )
            for seq, entry_id, *values in conn.execute(query):
                entry = dict(zip(_COPIED, values, strict=True))
                if entry["kind"] == "conflict":
                    # The latest entry of each conflict (a copy, if it moved before).
                    conflict_id = json.loads(entry["value"])["conflict_id"]
                    held = conflicts.get(conflict_id)
                    if held is None or held[1]["seq"] < seq:
                        conflicts[conflict_id] = (entry_id, {**entry, "seq": seq})
                else:
                    settling.append((seq, entry_id, entry))
        for _, (entry_id, entry) in sorted(conflicts.items(), key=lambda c: c[1][1]["seq"]):
            del entry["seq"]
            wire = json.loads(entry["value"])
            entry["value"] = to_json({**wire, "area": to_area})
            copies.append(self._copy(transfer_id, entry_id, entry, to_area))
        copied = {c["change_id"] for c in copies}
        for _, entry_id, entry in sorted(settling, key=lambda s: s[0]):
            copy = self._copy(transfer_id, entry_id, entry, to_area)
            if copy["change_id"] not in copied and entry_id not in where:
                copies.append(copy)
                copied.add(copy["change_id"])
        copies += [self._copy(transfer_id, cid, entries[cid], to_area) for cid in where]
        return copies

    @staticmethod
    def _copy(
        transfer_id: str, entry_id: str, entry: Mapping[str, Any], to_area: str
    ) -> dict[str, Any]:
        return {**entry, "change_id": copy_id(transfer_id, entry_id), "area": to_area}
