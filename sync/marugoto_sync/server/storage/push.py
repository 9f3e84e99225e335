"""A push: the merge rule applied to each change against the stored state, in one transaction.

The log keeps every accepted change and every conflict, in commit order; `field_state` and
`records` keep the current winner of each field and each record's latest clock and parent,
so the rule is applied without replaying the log.

On PostgreSQL pushes run side by side. Each first locks the records it touches (its changes'
records and the parents they name), in one sorted order, and merges under those locks; then
its last statement takes the lock every push shares (PUSH_LOCK) and writes its log rows,
which take their sequence numbers there, and it commits, which releases both. So sequence
numbers become visible in commit order (a pull never skips a change that commits later with
a smaller number), while the merge, most of a push's time, waits only for pushes of the same
records. On SQLite the write lock, taken at BEGIN, lets one push in at a time anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from ...changes import AREA, DELETED, ID_RE, PARENT, Change
from ...merge import (
    Child,
    FieldState,
    as_judged,
    deletion_conflict,
    merge_field,
    orphan_conflicts,
    parent_conflict,
)
from ...record_types import RECORD_TYPES, SHARED_TYPES
from ..log_entries import change_row, conflict_row, to_json
from ..tables import field_state, log, records
from .base import RECORD_READ, STATE_READ, AreaForbidden, chunks
from .devices import IDENTITY, PULLS_END, DeviceIdentity, identity_of
from .postgresql import (
    LOCK_ALL_RECORDS,
    LOOKUPS,
    MAX_RECORD_LOCKS,
    RECORD_LOCKS,
    UPSERTS,
    record_lock_keys,
    rows_json,
)
from .restores import LAST_RESTORE, last_restore_ms, restore_ms
from .transfers import Transfers, by_transfer


@dataclass(frozen=True)
class PushResult:
    acknowledged: list[str]
    conflicts: int  # conflicts this push created (a retried push creates none)


@dataclass
class _Record:
    type: str
    area: str | None
    hlc: int
    parent: str | None = None
    dirty: bool = False


@dataclass
class _Batch:
    """The merge state of the records one push touches, and what it will write."""

    records: dict[str, _Record] = field(default_factory=dict)
    states: dict[tuple[str, str], FieldState] = field(default_factory=dict)
    dirty_states: set[tuple[str, str]] = field(default_factory=set)
    log_rows: list[dict[str, Any]] = field(default_factory=list)
    conflicts: int = 0
    replayed_conflicts: set[str] = field(default_factory=set)


class _Unread:
    """A value not read yet."""


_UNREAD = _Unread()

# Who is behind a token and, in the same statement, when the latest restore was recorded.
_PUSH_START = IDENTITY.add_columns(LAST_RESTORE)
_RESTORED = len(IDENTITY.selected_columns)


@dataclass(frozen=True)
class _Pusher:
    """Who pushes (their user's areas as granted now) and the changes."""

    user_id: int
    device_id: str
    areas: Sequence[str]
    changes: Sequence[Change]
    device: DeviceIdentity | None = None  # pushing with a token: the device behind it
    # When the latest restore was recorded (unix ms, or None), if read with who pushes.
    restored: int | _Unread | None = _UNREAD


class _LocksMissing(Exception):
    """The push read records it had not locked; it must start again with them locked."""

    def __init__(self, record_ids: frozenset[str]) -> None:
        super().__init__(sorted(record_ids))
        self.record_ids = record_ids


def _of_area(area: str | None) -> str:
    return "of the whole city" if area is None else f"of area {area}"


def _parent_named(change: Change) -> str | None:
    """The parent a `_parent_id` change puts its record under (an id), or None."""
    if change.field != PARENT or not isinstance(change.value, str):
        return None
    return change.value if ID_RE.fullmatch(change.value) else None


class Pushes(Transfers):
    """Pushes, and the merge state they leave."""

    def push(
        self, user_id: int, device_id: str, changes: Sequence[Change], at: datetime
    ) -> PushResult:
        """Apply a push in one transaction, in order; refuse it whole or take all of it.

        A change whose id is already in the log is acknowledged again and changes nothing.
        Each new change goes through the merge rule against the current field and record
        state; it is logged, followed by any conflict it caused.
        """

        def pusher(conn: Connection) -> _Pusher:
            return _Pusher(user_id, device_id, self._areas_of(conn, user_id), changes)

        return self._push(pusher, at)[1]

    def push_for_token(
        self,
        token_sha256: str,
        admit: Callable[[DeviceIdentity | None], tuple[DeviceIdentity, Sequence[Change]]],
        at: datetime,
    ) -> tuple[DeviceIdentity, PushResult]:
        """A push request in one transaction: the device behind the token, which `admit`
        refuses by raising (unknown, revoked, retired, changes it cannot take…) or answers
        with the changes to push; then push() as that device."""

        def pusher(conn: Connection) -> _Pusher:
            rows = conn.execute(_PUSH_START, {"token": token_sha256}).all()
            device, changes = admit(identity_of(rows))
            restored = restore_ms(rows[0][_RESTORED])
            return _Pusher(
                device.user_id, device.device_id, device.areas, changes, device, restored
            )

        who, result = self._push(pusher, at)
        assert who.device is not None
        return who.device, result

    def _push(
        self, pusher: Callable[[Connection], _Pusher], at: datetime
    ) -> tuple[_Pusher, PushResult]:
        extra: frozenset[str] = frozenset()
        while True:
            try:
                return self._push_once(pusher, at, extra)
            except _LocksMissing as missing:
                # Rolled back; again with those records locked too, in the one sorted order.
                extra |= missing.record_ids

    def _push_once(
        self, pusher: Callable[[Connection], _Pusher], at: datetime, extra: frozenset[str]
    ) -> tuple[_Pusher, PushResult]:
        with self._write() as conn:
            # Who pushes what, read first in the transaction.
            who = pusher(conn)
            user_id, device_id, changes = who.user_id, who.device_id, who.changes
            granted = set(who.areas)
            # The shared directory (agencies) is everyone's to write, whatever its area.
            areas = {c.area for c in changes if c.area is not None and c.type not in SHARED_TYPES}
            foreign = sorted(areas - granted)
            if foreign:
                raise AreaForbidden(
                    f"This push touches area {', '.join(foreign)}, which is not granted to "
                    "this user; nothing of it was saved."
                )
            # A push ends the device's run of pulls: its next pull begins another
            # (storage.transfers reads how far its pulls went).
            conn.execute(PULLS_END, {"device": device_id})
            locked = self._lock_records(conn, changes, extra)
            # Read under the locks: a push of the same changes that went ahead has committed.
            acknowledged = list(dict.fromkeys(c.change_id for c in changes))
            seen = self._logged(conn, acknowledged)
            fresh: dict[str, Change] = {}
            for change in changes:
                if change.change_id not in seen and change.change_id not in fresh:
                    fresh[change.change_id] = change
            conflicts = 0
            if fresh:
                restored = (
                    last_restore_ms(conn) if isinstance(who.restored, _Unread) else who.restored
                )
                judged = [as_judged(c, restored) for c in fresh.values()]
                # A household's transfer moves it before the changes that follow it are
                # judged (storage.transfers): the push is applied in parts, each ending with
                # a transfer, all in this transaction.
                for part in by_transfer(judged):
                    conflicts += self._apply_part(
                        conn, part, granted, restored is not None, user_id, device_id, at, locked
                    )
        return who, PushResult(acknowledged, conflicts)

    def _apply_part(
        self,
        conn: Connection,
        changes: Sequence[Change],
        granted: set[str],
        restored: bool,
        user_id: int,
        device_id: str,
        at: datetime,
        locked: set[str] | None,
    ) -> int:
        batch = self._load_batch(conn, changes)
        if locked is not None:
            unlocked = self._restored_parents(batch, changes) - locked
            if unlocked:
                raise _LocksMissing(frozenset(unlocked))
        # Changes written where a household was before its transfer (storage.transfers).
        held = {rid: (r.type, r.area, r.parent) for rid, r in batch.records.items()}
        taken = self._rehome(conn, held, changes, device_id)
        self._refuse_out_of_scope(conn, batch, taken.changes, granted, restored, taken.moved)
        before = dict(batch.states)
        # What is kept only as a conflict (a transfer from an area the household has left,
        # a change from a device that knew it had left) is not applied, nor logged.
        applied = [c for c in taken.changes if c.change_id not in taken.kept]
        conflicts = self._apply(conn, batch, applied, user_id, device_id, at)
        origin = {"user_id": user_id, "device_id": device_id, "received_at": at}
        return conflicts + self._carry_transfers(
            conn, taken.changes, taken, before, batch.states, origin
        )

    def _lock_records(
        self, conn: Connection, changes: Sequence[Change], extra: frozenset[str]
    ) -> set[str] | None:
        """PostgreSQL: lock the records this push reads and writes, to the end of its
        transaction; the ids locked (None: all records, or SQLite, whose write lock holds
        every other writer off anyway).

        A change's merge reads its own record's state and that of the parent it names;
        deleting a record reads its children's, whose pushes lock it (as the parent they
        name or, restoring a child, as its stored parent: _restored_parents).
        """
        if not self._postgresql:
            return None
        ids = {c.record_id for c in changes} | {p for p in map(_parent_named, changes) if p}
        ids |= extra
        # A household's transfer rewrites every record under it, which the push does not
        # name, and reads where the others are: it goes alone (transfers are rare).
        if len(ids) > MAX_RECORD_LOCKS or any(c.field == AREA for c in changes):
            conn.execute(LOCK_ALL_RECORDS)
            return None
        conn.execute(RECORD_LOCKS, {"keys": json.dumps(record_lock_keys(ids))})
        return ids

    @staticmethod
    def _restored_parents(batch: _Batch, changes: Sequence[Change]) -> set[str]:
        """The stored parents of the records these changes restore: a restore reads whether
        its parent is deleted."""
        parents = set()
        for change in changes:
            if change.field == DELETED and change.value is False:
                record = batch.records.get(change.record_id)
                if record is not None and record.parent is not None:
                    parents.add(record.parent)
        return parents

    def _refuse_out_of_scope(
        self,
        conn: Connection,
        batch: _Batch,
        changes: Sequence[Change],
        granted: set[str],
        restored: bool,
        rehomed: frozenset[str] = frozenset(),
    ) -> None:
        """Refuse the push if a change names a record, a parent or a conflict that is not the
        user's to write, as the server stores it or as this push makes it.

        A change taken after its household's transfer (`rehomed`, storage.transfers) may
        settle a conflict of the area the household is in now: its author saw the conflict
        there before the household left.

        The areas of the changes themselves are granted (push checked them), and each names
        a known type and field (admission). Every refusal of one kind reads the same whether
        the record exists in another area, exists as another type, or does not exist: the
        answer must not tell an outsider what the server holds.
        """
        # What this push makes of each record it writes and the server does not hold yet.
        made: dict[str, tuple[str, str | None]] = {}
        for change in changes:
            stored = batch.records.get(change.record_id)
            said = (change.type, change.area)
            if stored is not None:
                known = (stored.type, stored.area)
            else:
                known = made.setdefault(change.record_id, said)
            if known != said:
                raise AreaForbidden(
                    f"Change {change.change_id}: record {change.record_id} is not a "
                    f"{change.type} {_of_area(change.area)} that this user may write; nothing "
                    "of this push was saved."
                )
        for change in changes:
            parent = _parent_named(change)
            if parent is None:
                continue
            wanted = RECORD_TYPES[change.type].parent_type
            stored = batch.records.get(parent)
            found = (stored.type, stored.area) if stored else made.get(parent)
            if found != (wanted, change.area):
                raise AreaForbidden(
                    f"Change {change.change_id}: parent {parent} is not a {wanted} "
                    f"{_of_area(change.area)} that this user may write; nothing of this push "
                    "was saved."
                )
        settled = sorted({c.resolves for c in changes if c.resolves is not None})
        if not settled:
            return
        areas = self._conflict_areas(conn, settled)
        for change in changes:
            if change.resolves is None:
                continue
            if change.resolves in areas:
                rtype, area = areas[change.resolves]
                if area is None or area in granted or rtype in SHARED_TYPES:
                    continue
                if change.change_id in rehomed and area == change.area:
                    continue
            elif restored:
                # The server may have lost it with the end of its log; laptops that pulled
                # it before still hold it, and a person's resolution of it must go through.
                continue
            raise AreaForbidden(
                f"Change {change.change_id} settles conflict {change.resolves}, which is not "
                "a conflict of this user's areas; nothing of this push was saved."
            )

    def _conflict_areas(
        self, conn: Connection, conflict_ids: Sequence[str]
    ) -> dict[str, tuple[str, str | None]]:
        """The record type and area (None: city-wide) of each of these conflicts the log
        holds: the area its record is in now (a conflict moves with its household)."""
        found: dict[str, tuple[str, str | None]] = {}
        for chunk in chunks(conflict_ids):
            query = (
                select(log.c.change_id, log.c.type, records.c.area)
                .join(records, records.c.record_id == log.c.record_id)
                .where(log.c.kind == "conflict", log.c.change_id.in_(chunk))
            )
            found.update((row[0], (row[1], row[2])) for row in conn.execute(query))
        return found

    def _rows_with(
        self, conn: Connection, table: Table, key: Any, columns: Sequence[Any], ids: Sequence[str]
    ) -> Iterator[Sequence[Any]]:
        """The rows (these columns) of `table` whose `key` is one of `ids`."""
        if self._postgresql:
            yield from conn.execute(LOOKUPS[table.name], {"ids": json.dumps(list(ids))})
            return
        for chunk in chunks(ids):
            yield from conn.execute(select(*columns).where(key.in_(chunk)))

    def _logged(self, conn: Connection, change_ids: Sequence[str]) -> set[str]:
        rows = self._rows_with(conn, log, log.c.change_id, [log.c.change_id], change_ids)
        return {row[0] for row in rows}

    def _load_batch(self, conn: Connection, changes: Sequence[Change]) -> _Batch:
        """The records a push touches and the parents it creates records under."""
        batch = _Batch()
        parents = {p for p in map(_parent_named, changes) if p is not None}
        record_ids = sorted({c.record_id for c in changes} | parents)
        wanted = {(c.record_id, c.field) for c in changes}
        wanted |= {(rid, DELETED) for rid in record_ids}
        for rid, rtype, area, hlc, parent in self._rows_with(
            conn, records, records.c.record_id, RECORD_READ, record_ids
        ):
            batch.records[rid] = _Record(rtype, area, hlc, parent)
        for rid, name, value, hlc, site, change_id in self._rows_with(
            conn, field_state, field_state.c.record_id, STATE_READ, record_ids
        ):
            if (rid, name) in wanted:
                batch.states[(rid, name)] = FieldState(json.loads(value), hlc, site, change_id)
        return batch

    def _apply(
        self,
        conn: Connection,
        batch: _Batch,
        changes: Sequence[Change],
        user_id: int,
        device_id: str,
        at: datetime,
    ) -> int:
        for change in changes:
            record = self._record_for(batch, change)
            key = (change.record_id, change.field)
            deleting = change.field == DELETED and change.value is True
            latest_edit = self._latest_edit(conn, batch, change.record_id) if deleting else None
            deleted_before = batch.states.get((change.record_id, DELETED))
            on_delete = deletion_conflict(change, deleted_before, latest_edit)
            outcome = merge_field(batch.states.get(key), change)
            found = [outcome.conflict, on_delete]
            if outcome.applied and outcome.state is not None:
                batch.states[key] = outcome.state
                batch.dirty_states.add(key)
                if change.hlc > record.hlc:
                    record.hlc, record.dirty = change.hlc, True
                parent = _parent_named(change)
                if change.field == PARENT:
                    record.parent, record.dirty = parent, True
                elif change.field == DELETED and change.value is False:
                    # A restore: is its parent deleted? (Of a record that was not deleted,
                    # it restores nothing: how it came to be live there was judged then.)
                    restores = deleted_before is not None and deleted_before.value is True
                    parent = record.parent if restores else None
                if parent is not None:
                    parent_deleted = self._deleted_state(conn, batch, parent)
                    found.append(parent_conflict(change, parent_deleted))
                if deleting and (deleted_before is None or deleted_before.value is not True):
                    children = self._live_children(conn, batch, change.record_id)
                    found.extend(orphan_conflicts(change, children))
            batch.log_rows.append(change_row(change))
            for conflict in found:
                if conflict is None:
                    continue
                if change.replay:
                    # Several laptops may replay the same lost write: one conflict for it.
                    if conflict.conflict_id in batch.replayed_conflicts or self._logged(
                        conn, [conflict.conflict_id]
                    ):
                        continue
                    batch.replayed_conflicts.add(conflict.conflict_id)
                batch.log_rows.append(conflict_row(conflict, change))
                batch.conflicts += 1
        self._save_states(conn, batch)
        # Rows go in in list order, each taking the next seq: the log keeps the push's order.
        origin = {"user_id": user_id, "device_id": device_id, "received_at": at}
        # On PostgreSQL the insert takes PUSH_LOCK before its rows take their sequence
        # numbers (LOG_INSERT), the last statement of the push, and the lock is released only
        # at commit, so no puller can see a number while an earlier one is uncommitted.
        self._append(conn, batch.log_rows, origin)
        return batch.conflicts

    def _latest_edit(self, conn: Connection, batch: _Batch, record_id: str) -> FieldState | None:
        """The most recent edit of an ordinary field of a record (deletes are rare: a query)."""
        states = [
            FieldState(json.loads(value), hlc, site, change_id)
            for name, value, hlc, site, change_id in conn.execute(
                select(
                    field_state.c.field,
                    field_state.c.value,
                    field_state.c.hlc,
                    field_state.c.site,
                    field_state.c.change_id,
                ).where(field_state.c.record_id == record_id)
            )
            if not name.startswith("_") and (record_id, name) not in batch.states
        ]
        states += [
            state
            for (rid, name), state in batch.states.items()
            if rid == record_id and not name.startswith("_")
        ]
        return max(states, key=lambda s: s.order, default=None)

    def _deleted_state(self, conn: Connection, batch: _Batch, record_id: str) -> FieldState | None:
        """A record's `_deleted` state as of this point of the push.

        The push loaded it for every record it touches and every parent it creates records
        under (_load_batch); another (the parent of a restored record) takes a query.
        """
        key = (record_id, DELETED)
        if key in batch.states or record_id in batch.records:
            return batch.states.get(key)
        row = conn.execute(
            select(*STATE_READ[2:]).where(
                field_state.c.record_id == record_id, field_state.c.field == DELETED
            )
        ).first()
        return None if row is None else FieldState(json.loads(row[0]), row[1], row[2], row[3])

    def _live_children(self, conn: Connection, batch: _Batch, parent_id: str) -> list[Child]:
        """The records under `parent_id` that are not deleted, as of this point of the push.

        Deletes are rare, so this is a query per delete.
        """
        # The push's own view of a record it touches comes first: it is newer than the table.
        under = {rid: r for rid, r in batch.records.items() if r.parent == parent_id}
        stored = conn.execute(select(*RECORD_READ).where(records.c.parent_id == parent_id))
        for rid, rtype, area, hlc, parent in stored:
            if rid not in batch.records:
                under[rid] = _Record(rtype, area, hlc, parent)
        if not under:
            return []
        names = (DELETED, PARENT)
        states = {key: batch.states[key] for key in batch.states if key[0] in under}
        unknown = sorted(rid for rid in under if any((rid, n) not in states for n in names))
        for chunk in chunks(unknown):
            query = select(*STATE_READ).where(
                field_state.c.record_id.in_(chunk), field_state.c.field.in_(names)
            )
            for rid, name, value, hlc, site, change_id in conn.execute(query):
                states.setdefault((rid, name), FieldState(json.loads(value), hlc, site, change_id))
        children = []
        for rid in sorted(under):
            deleted, created = states.get((rid, DELETED)), states.get((rid, PARENT))
            if created is None or (deleted is not None and deleted.value is True):
                continue
            children.append(Child(rid, under[rid].type, under[rid].area, created))
        return children

    @staticmethod
    def _record_for(batch: _Batch, change: Change) -> _Record:
        """The record a change writes (its type and area agree: _refuse_out_of_scope)."""
        record = batch.records.get(change.record_id)
        if record is None:
            record = _Record(change.type, change.area, 0, dirty=True)
            batch.records[change.record_id] = record
        return record

    def _save_states(self, conn: Connection, batch: _Batch) -> None:
        if batch.dirty_states:
            # A dirty state is the change that just won the field: its value's JSON text is
            # in the change's log row already.
            logged = {row["change_id"]: row["value"] for row in batch.log_rows}
            rows = [
                {
                    "record_id": rid,
                    "field": name,
                    "value": logged[state.change_id]
                    if state.change_id in logged
                    else to_json(state.value),
                    "hlc": state.hlc,
                    "site": state.site,
                    "change_id": state.change_id,
                }
                for (rid, name), state in (
                    (key, batch.states[key]) for key in sorted(batch.dirty_states)
                )
            ]
            self._upsert_rows(conn, field_state, ["record_id", "field"], rows)
        dirty = [
            {"record_id": rid, "type": r.type, "area": r.area, "hlc": r.hlc, "parent_id": r.parent}
            for rid, r in batch.records.items()
            if r.dirty
        ]
        if dirty:
            self._upsert_rows(conn, records, ["record_id"], dirty)

    def _upsert_rows(
        self, conn: Connection, table: Table, keys: list[str], rows: list[dict[str, Any]]
    ) -> None:
        if self._postgresql:
            conn.execute(UPSERTS[table.name], {"rows": rows_json(rows)})
        else:
            conn.execute(self._upsert(conn, table, keys), rows)

    def field_state(self, record_id: str, field_name: str) -> FieldState | None:
        """The change that holds a field now (for inspection by an operator or a test)."""
        with self._read() as conn:
            row = conn.execute(
                select(
                    field_state.c.value,
                    field_state.c.hlc,
                    field_state.c.site,
                    field_state.c.change_id,
                ).where(field_state.c.record_id == record_id, field_state.c.field == field_name)
            ).first()
        return None if row is None else FieldState(json.loads(row[0]), row[1], row[2], row[3])
