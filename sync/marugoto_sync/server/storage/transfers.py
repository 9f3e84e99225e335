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
  review: nothing written on the sending side is lost, nor silently taken.

A device controls every clock it sends: the server cannot tell a change written before its
author knew of the transfer from one written after. So it limits what such a change can do:

- a transfer written in an area the household has left never moves it: the first transfer
  to reach the server stands, whatever the clocks. The other is kept, not applied nor logged
  as a change, as a transfer_superseded conflict where the household is, for its people to
  settle (they can transfer it again): nothing is copied, no transfer recorded. If its
  device may not have known (below), the conflict is logged first in the area the transfer
  named too, where its author's laptop holds the household: that laptop takes the
  conflict's winner, though its own transfer has the later clock (vault.replica), and so
  every replica ends with the server's `_area`. A transfer back to the area it was written
  in is told nowhere else: no laptop that had not known would write one;
- any other change written in an area the household has left is taken only from a device
  that may not have known (_Ways.open_to): one that sent the transfer itself, until a pull
  served it back; another, enrolled before the transfer, until it begins to pull again after
  the pulls that served it the transfer (one sync of grace: an edit saved while a sync was
  between its push and its pull arrives at the next); for an area named by its own transfer
  that did not move the household, likewise after the conflict that told it. How far a
  device's pulls went is kept in `devices` (storage.devices); a device that took over when
  its vault enrolled again (`enroll --replace`) counts as the ones it replaced. A later
  change is kept the same way, not applied: an edit_after_transfer conflict whose winner is
  the value that holds, or where nothing holds the field, a winner without value or clock (a
  record created so is kept only in the log: no laptop holds it; its author's laptop lets it
  go, told by the conflict of its `_parent_id`, and what its author sends of it later is kept
  with it).
  Its push is answered as any other, so its laptop is never blocked. A replay is taken as
  before.

So an old area cannot take a household back, nor read what the receiving area wrote since
(nothing is copied to an area the pusher holds); it may write, flagged, only from a device
enrolled before the transfer that has not pulled since.

Two transfers written where the household is that did not see each other (the household
came back to that area meanwhile): the later stands, the other is kept (transfer_superseded),
and the household is sent whole again to its area and to the one the loser named (_resend).

Everything here runs inside the push's transaction (storage.push), after the merge.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ...changes import AREA, DELETED, PARENT, Change
from ...merge import EDIT_AFTER_TRANSFER, FieldState, transfer_conflict
from ...record_types import RECORD_TYPES
from ..log_entries import conflict_row, to_json
from ..tables import devices, field_state, log, records, transfers
from .base import StoreBase, chunks, utc_required
from .postgresql import LOG_INSERT, rows_json

# Past every sequence number of the log.
MAX_SEQ = 2**63 - 1

# Copies of a moved record's log entries are named by the transfer and the entry they copy.
TRANSFER_NAMESPACE = uuid.UUID("9d7b4f1e-2c61-4a0d-8f3e-5b6a7c8d9e01")

_COPIED = ("kind", "type", "record_id", "field", "value", "hlc", "base_hlc", "site", "resolves")
# A copy is logged under the account and device that pushed the entry it copies, not the
# mover's: a pull names each site's author from its page's rows (storage.authors), and a
# conflict must say who wrote each value.
_PUSHED_BY = ("user_id", "device_id")


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
    and the creation (`_parent_id`) of a record added under the household. Of those, `kept`
    are not applied at all, only kept as the conflict: every transfer, and every change
    from a device that knew of the move (module docstring). A kept transfer in
    `told_where_sent` is told to the area it named too."""

    changes: list[Change]
    moved: frozenset[str]
    flagged: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()
    told_where_sent: frozenset[str] = frozenset()


# How many devices back a vault's enrollments are followed (`enroll --replace`, each).
MAX_PREDECESSORS = 16


@dataclass(frozen=True)
class _Progress:
    """How far a device's pulls had brought it (tables.devices), and when it was enrolled.

    A device its vault enrolled as again (`enroll --replace`) stands in the place of the
    devices it replaced (devices.replaces): the vault is the same, and what it wrote before
    it learnt of a transfer may reach the server from the new device. So `devices` holds
    them all, and the figures are theirs together: the first enrollment, the furthest pulls.
    """

    devices: frozenset[str]
    served: int
    known: int
    enrolled: datetime


@dataclass
class _Ways:
    """What a household's log says of the areas it has been in or been sent to."""

    # Area -> (seq, device, at) of its latest transfer out of it.
    departures: dict[str, tuple[int, str, datetime]] = field(default_factory=dict)
    # (area, seq, device) of each `_area` entry that names an area (a transfer as logged) or
    # is logged in one (a conflict about where the household is, or one told to the area a
    # kept transfer named).
    named: list[tuple[str, int, str]] = field(default_factory=list)
    # (site, area written in, area named, hlc) of each transfer as logged.
    sent: list[tuple[str, str | None, Any, int]] = field(default_factory=list)

    def open_to(self, area: str | None, device: _Progress) -> bool:
        """Whether this device may still write the household as in `area`: it may not have
        known that the household left (or was never sent) there when it wrote.

        - Out of an area by a transfer this device sent: until a pull served it back; what
          it sends after the transfer, before that pull, was written before or waited with
          the transfer (a laptop's outbox goes in order).
        - Out of an area by another's transfer: for a device enrolled before it, until it
          begins to pull again after the pulls that served it the transfer (the grace of
          one sync: an edit saved while a sync was between its push and its pull reaches
          the server at the next).
        - To an area named by a transfer of this device that did not move the household:
          likewise, after the entry that told it where the household is.
        """
        if area is None:
            return False
        since = 0
        departed = self.departures.get(area)
        if departed is not None:
            since, by, at = departed
            if by in device.devices:
                if device.served < since:
                    return True
            elif device.enrolled < at and device.known < since:
                return True
        return any(
            named == area and by in device.devices and since < seq and device.known < seq
            for named, seq, by in self.named
        )


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
        device_id: str,
    ) -> Rehomed:
        """Take changes written in an area their record (or, for a record new here, its
        parent) has left by a transfer into the area it is in now, or keep them without
        applying them (module docstring).

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
        # Records whose creation was kept only in the log: what follows it is kept with it
        # (taken, it would make a record without its parent).
        unborn = self._unborn(
            conn,
            sorted(
                {
                    c.record_id
                    for c in changes
                    if c.record_id not in where and RECORD_TYPES[c.type].parent_type is not None
                }
            ),
        )
        where.update(unborn)
        leaving = {
            (home, change.area)
            for change in changes
            if change.record_id in where
            and change.area is not None
            and where[change.record_id][0] not in (None, change.area)
            for home in [where[change.record_id][1]]
        }
        if not leaving and not unborn:
            return Rehomed(list(changes), frozenset())
        ways = self._ways(conn, sorted({home for home, _ in leaving}))
        device = self._progress(conn, device_id)
        taken: list[Change] = []
        moved: set[str] = set()
        flagged: set[str] = set()
        kept: set[str] = set()
        told: set[str] = set()
        for change in changes:
            place = where.get(change.record_id)
            if change.record_id in unborn:
                assert place is not None
                taken.append(replace(change, area=place[0]))
                moved.add(change.change_id)
                kept.add(change.change_id)
                flagged.add(change.change_id)
                continue
            if place is None or place[0] is None or place[0] == change.area:
                taken.append(change)
                continue
            history = ways.get(place[1], _Ways())
            open_to = history.open_to(change.area, device)
            if not open_to and not (
                change.area in history.departures
                or any(named == change.area for named, _, _ in history.named)
            ):
                taken.append(change)  # never there: the scope check refuses it
                continue
            taken.append(replace(change, area=place[0]))
            moved.add(change.change_id)
            if change.field == AREA:
                # A transfer from where the household was: the first to reach the server
                # stands. Its author's laptop is told where the household is, if it may
                # hold it where its transfer sent it (and did not write the transfer to
                # take the household back to the area it wrote in).
                kept.add(change.change_id)
                flagged.add(change.change_id)
                if open_to and change.value not in (place[0], change.area):
                    told.add(change.change_id)
                continue
            if not open_to and not change.replay:
                # Its device knew the household had left: the change is kept for the
                # receiving area to review, and changes nothing there. (A replay was
                # accepted once, where it was written: it is taken as it was then.)
                kept.add(change.change_id)
                flagged.add(change.change_id)
                continue
            # Its author moved the household there before writing it (a transfer of theirs,
            # earlier on their clock, out of the area it names, to where the household is):
            # it waited with the transfer, and nobody need review it.
            after_own = any(
                (site, area, to) == (change.site, change.area, place[0]) and hlc < change.hlc
                for site, area, to, hlc in history.sent
            )
            if (change.record_id in stored or change.field == PARENT) and not after_own:
                flagged.add(change.change_id)
        return Rehomed(
            taken, frozenset(moved), frozenset(flagged), frozenset(kept), frozenset(told)
        )

    def _unborn(
        self, conn: Connection, record_ids: Sequence[str]
    ) -> dict[str, tuple[str | None, str]]:
        """Of these records the server does not hold, those whose creation it kept only in
        the log (an edit_after_transfer conflict of their `_parent_id`): record -> (area of
        its household now, household)."""
        named: dict[str, str] = {}
        for chunk in chunks(record_ids):
            query = select(log.c.record_id, log.c.value).where(
                log.c.record_id.in_(chunk), log.c.kind == "conflict", log.c.field == PARENT
            )
            for record_id, value in conn.execute(query):
                wire = json.loads(value)
                household = wire["loser"]["value"]
                if wire["kind"] == EDIT_AFTER_TRANSFER and isinstance(household, str):
                    named[record_id] = household
        if not named:
            return {}
        held = set()
        for chunk in chunks(sorted(named)):
            query = select(records.c.record_id).where(records.c.record_id.in_(chunk))
            held |= {row[0] for row in conn.execute(query)}
        areas: dict[str, str | None] = {}
        for chunk in chunks(sorted(set(named.values()))):
            query = select(records.c.record_id, records.c.area).where(
                records.c.record_id.in_(chunk)
            )
            areas.update((row[0], row[1]) for row in conn.execute(query))
        return {
            record_id: (areas.get(household), household)
            for record_id, household in named.items()
            if record_id not in held and household in areas
        }

    def _progress(self, conn: Connection, device_id: str) -> _Progress:
        query = select(
            devices.c.served_seq, devices.c.known_seq, devices.c.created_at, devices.c.replaces
        )
        row = conn.execute(query.where(devices.c.id == device_id)).first()
        if row is None:  # no device the server knows (a push made by hand): it knew it all
            return _Progress(
                frozenset([device_id]), MAX_SEQ, MAX_SEQ, datetime.max.replace(tzinfo=UTC)
            )
        chain = [device_id]
        served, known, enrolled = int(row[0]), int(row[1]), utc_required(row[2])
        while row[3] is not None and row[3] not in chain and len(chain) <= MAX_PREDECESSORS:
            chain.append(row[3])
            row = conn.execute(query.where(devices.c.id == row[3])).first()
            if row is None:
                break
            served, known = max(served, int(row[0])), max(known, int(row[1]))
            enrolled = min(enrolled, utc_required(row[2]))
        return _Progress(frozenset(chain), served, known, enrolled)

    def _ways(self, conn: Connection, households: Sequence[str]) -> dict[str, _Ways]:
        """Each household's transfers out of an area, and its other `_area` entries."""
        found: dict[str, _Ways] = {}
        for chunk in chunks(households):
            query = (
                select(
                    transfers.c.record_id,
                    transfers.c.from_area,
                    transfers.c.device_id,
                    transfers.c.at,
                    log.c.seq,
                )
                .join(log, log.c.change_id == transfers.c.change_id)
                .where(transfers.c.record_id.in_(chunk))
            )
            for record_id, area, device_id, at, seq in conn.execute(query):
                ways = found.setdefault(record_id, _Ways())
                held = ways.departures.get(area)
                if held is None or held[0] < seq:
                    ways.departures[area] = (int(seq), device_id, utc_required(at))
            entries = select(
                log.c.record_id,
                log.c.kind,
                log.c.area,
                log.c.value,
                log.c.site,
                log.c.hlc,
                log.c.device_id,
                log.c.seq,
            ).where(log.c.record_id.in_(chunk), log.c.field == AREA)
            for record_id, kind, area, value, site, hlc, device_id, seq in conn.execute(entries):
                ways = found.setdefault(record_id, _Ways())
                if kind == "conflict":
                    # A conflict about where it is, logged in an area: there, or told there.
                    ways.named.append((area, int(seq), device_id))
                    continue
                to = json.loads(value)
                ways.sent.append((site, area, to, int(hlc)))
                if to != area:
                    ways.named.append((to, int(seq), device_id))
        return found

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
        found = 0
        for change in changes:
            flagged = change.change_id in rehomed.flagged
            if not flagged and change.field != AREA:
                continue
            key = (change.record_id, change.field)
            now = after.get(key)
            if now is None and change.change_id in rehomed.kept:
                # Kept, on a field nothing holds here (a record created where its household
                # had left has no parent here, no state at all): the winner says so, with no
                # clock, and its author's laptop lets the field go (vault.replica), or the
                # record, for its `_parent_id`.
                now = FieldState(None, 0, "", change.change_id)
            conflict = transfer_conflict(change, before.get(key), now, flagged)
            if conflict is None or self._entry_logged(conn, conflict.conflict_id):
                continue
            if change.change_id in rehomed.told_where_sent:
                # Its author's laptop holds the household where the transfer sent it: told
                # there, first, where it is (the conflict's winner). The entry that holds is
                # the last, where the household is.
                told = replace(conflict, area=str(change.value))
                row = conflict_row(told, change)
                row["change_id"] = copy_id(change.change_id, f"told/{told.area}")
                rows.append(row)
            rows.append(conflict_row(conflict, change))
            found += 1
        self._append(conn, rows, origin)
        for change in changes:
            state = after.get((change.record_id, AREA))
            if change.field != AREA or state is None or change.change_id in rehomed.kept:
                continue
            if state.change_id == change.change_id:
                self._move(conn, change, str(change.value), origin)
            else:
                self._resend(conn, change, origin)
        return found

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
        # A row may name who pushed it (a copy: _PUSHED_BY); the others are this push's.
        logged = [{**origin, **row} for row in rows]
        if not self._postgresql:
            conn.execute(insert(log), logged)
            return
        # One statement for each run of rows pushed by the same account and device, in order.
        start = 0
        for end in range(1, len(logged) + 1):
            if end < len(logged) and all(
                logged[end][name] == logged[start][name] for name in _PUSHED_BY
            ):
                continue
            run = logged[start:end]
            parameters = {f"c_{name}": run[0][name] for name in origin}
            plain = [{k: v for k, v in row.items() if k not in origin} for row in run]
            conn.execute(LOG_INSERT, {"rows": rows_json(plain), **parameters})
            start = end

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
        columns = [log.c.change_id, *(log.c[name] for name in _COPIED + _PUSHED_BY)]
        entries: dict[str, dict[str, Any]] = {}
        for chunk in chunks([cid for _, _, cid in winners]):
            for found in conn.execute(select(*columns).where(log.c.change_id.in_(chunk))):
                entries[found[0]] = dict(zip(_COPIED + _PUSHED_BY, found[1:], strict=True))
        # The household's `_area` goes last: a laptop that does not hold the area the
        # household is in lets it go on reading it, once the copies before it are in (the
        # copies span several pages; none of them may come after the household is let go).
        where = [cid for n, name, cid in winners if n == 0 and name == AREA]
        # A current state that settled a conflict goes after the conflicts, with the other
        # changes that settled them: a laptop that gets the copies over several pages would
        # find nothing to settle, and then the conflict, open.
        copies = [
            self._copy(transfer_id, cid, entries[cid], to_area)
            for _, _, cid in winners
            if cid not in where and entries[cid]["resolves"] is None
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
                entry = dict(zip(_COPIED + _PUSHED_BY, values, strict=True))
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
