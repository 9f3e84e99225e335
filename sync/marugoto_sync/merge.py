"""The merge rule (DESIGN §5), written once and used by the server and every client.

A field's state is the change that last won it. An incoming change:
- that is the current winner (same change id) changes nothing: replays are harmless;
- that is later in the total order `(hlc, site)` wins the field;
- otherwise loses, and the field keeps its value.
Whether two edits were *concurrent* is decided where changes are serialised, at the server:
an edit whose `base_hlc` (the field clock its author saw) is not the field's current clock did
not see the current value. The loser of such a pair is kept in the conflict log under an id
derived from the incoming change and the kind of conflict; the server computes it once, in
its commit order, and every replica receives the same conflict record from the server's log.
A sequential overwrite (base_hlc == current clock) is no conflict.

An update to a record that is deleted, and a delete that did not see the record's latest
edit, are conflicts too: the delete stands, the update's value is kept in the (soft-deleted)
record and in the conflict log, and a person can restore the record.

So is a record added under a parent (a member under a household) that someone deleted
without seeing it: the child stays, flagged, until a person restores the parent or lets the
child go with it (`parent_conflict`, `orphan_conflicts`).

A replay (a write re-sent after the server was restored from a backup) is judged more
leniently, since its base is unknown. Whether a change is one is the server's decision, never
the sender's: `as_judged` keeps the flag only for a change stamped before a restore the
server has recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .changes import AREA, DELETED, PARENT, Change
from .hlc import millis_of

CONFLICT_NAMESPACE = uuid.UUID("5b0c1f6e-3a52-4f0e-9a7e-6d1f3c2a8b40")


@dataclass(frozen=True)
class FieldState:
    """The change that currently holds a field."""

    value: Any
    hlc: int
    site: str
    change_id: str

    @property
    def order(self) -> tuple[int, str]:
        return (self.hlc, self.site)

    @classmethod
    def of(cls, change: Change) -> FieldState:
        return cls(change.value, change.hlc, change.site, change.change_id)


@dataclass(frozen=True)
class Conflict:
    """A value that lost to a concurrent edit, kept for a person to review."""

    conflict_id: str
    record_id: str
    type: str
    area: str | None
    field: str
    # "concurrent_edit", "edit_of_deleted", "delete_of_edited", "delete_restore",
    # "parent_deleted", "edit_after_transfer", "transfer_superseded"
    kind: str
    loser: FieldState
    winner: FieldState

    def to_wire(self) -> dict[str, Any]:
        return {
            "conflict_id": self.conflict_id,
            "record_id": self.record_id,
            "type": self.type,
            "area": self.area,
            "field": self.field,
            "kind": self.kind,
            "loser": _state_wire(self.loser),
            "winner": _state_wire(self.winner),
        }


def _state_wire(state: FieldState) -> dict[str, Any]:
    return {
        "value": state.value,
        "hlc": state.hlc,
        "site": state.site,
        "change_id": state.change_id,
    }


def conflict_from_wire(obj: dict[str, Any]) -> Conflict:
    def state(o: dict[str, Any]) -> FieldState:
        return FieldState(o["value"], int(o["hlc"]), str(o["site"]), str(o["change_id"]))

    return Conflict(
        conflict_id=str(obj["conflict_id"]),
        record_id=str(obj["record_id"]),
        type=str(obj["type"]),
        area=obj.get("area"),
        field=str(obj["field"]),
        kind=str(obj["kind"]),
        loser=state(obj["loser"]),
        winner=state(obj["winner"]),
    )


def conflict_id_for(change_id: str, kind: str) -> str:
    """Deterministic: a retried or replayed change names its conflict the same way."""
    return str(uuid.uuid5(CONFLICT_NAMESPACE, f"{kind}:{change_id}"))


@dataclass(frozen=True)
class Outcome:
    state: FieldState | None  # the field's state after the change
    applied: bool  # the change now holds the field
    conflict: Conflict | None = None


def as_judged(change: Change, last_restore_ms: int | None) -> Change:
    """The change as the merge rule must judge it: a replay only if it can be one.

    A replay is a write the server accepted once and lost when it was restored from a
    backup, so it was stamped before the restore. `last_restore_ms` is the time (unix
    milliseconds) the server recorded its latest restore, or None if it never was restored.
    A change flagged `replay` that is not stamped before that time is judged like any other:
    otherwise a client could mark a stale edit as a replay and overwrite a value it never
    saw without a conflict.
    """
    if not change.replay:
        return change
    if last_restore_ms is not None and millis_of(change.hlc) < last_restore_ms:
        return change
    return replace(change, replay=False)


def wins(hlc: int, site: str, current: Sequence[Any] | None) -> bool:
    """The value rule: a change stamped (hlc, site) takes a field held at clock `current`
    (hlc, site), or None for a field never written, when it is later in the total order.

    Equal stamps are the same change (a replay): it does not win again.
    """
    if current is None:
        return True
    return bool(hlc > current[0] or (hlc == current[0] and site > current[1]))


def merge_field(current: FieldState | None, change: Change) -> Outcome:
    """Apply one change to one field: the value rule and the concurrency test.

    `_deleted` follows the value rule only: its base_hlc is the record's clock, not the
    field's, and deletion_conflict judges deletes against edits. So does `_area` (a
    household's transfer): two transfers that did not see each other are judged where the
    household is moved (transfer_conflict).

    A change with the stamp of the current state is that same write (a site never stamps
    two writes of one field alike), whatever its change id: a replay changes nothing. A
    replay (a write re-sent after the server lost it) that wins takes the field quietly: it
    was accepted once, on top of whatever it saw. One that loses to a later write of another
    site is a conflict, since that writer may never have seen it; to its own site's later
    write, not.
    """
    if current is not None and (
        current.change_id == change.change_id or current.order == change.order
    ):
        return Outcome(current, applied=False)
    if change.field in (DELETED, AREA):
        if wins(change.hlc, change.site, None if current is None else current.order):
            return Outcome(FieldState.of(change), applied=True)
        return Outcome(current, applied=False)
    if wins(change.hlc, change.site, None if current is None else current.order):
        incoming = FieldState.of(change)
        conflict = None
        if current is not None and change.base_hlc != current.hlc and not change.replay:
            conflict = _conflict(change, "concurrent_edit", loser=current, winner=incoming)
        return Outcome(incoming, applied=True, conflict=conflict)
    assert current is not None  # a field never written is won by any change
    if change.replay and current.site == change.site:
        return Outcome(current, applied=False)
    # An older change arriving after a newer one: its author cannot have seen the current
    # value (a change made after seeing it would carry a later clock), so it was concurrent.
    loser = FieldState.of(change)
    return Outcome(
        current,
        applied=False,
        conflict=_conflict(change, "concurrent_edit", loser=loser, winner=current),
    )


def _conflict(change: Change, kind: str, *, loser: FieldState, winner: FieldState) -> Conflict:
    # Several laptops may replay one write, each under its own change id: named by the write.
    cause = (
        f"replay/{change.record_id}/{change.field}/{change.hlc}/{change.site}"
        if change.replay
        else change.change_id
    )
    return Conflict(
        conflict_id=conflict_id_for(cause, kind),
        record_id=change.record_id,
        type=change.type,
        area=change.area,
        field=change.field,
        kind=kind,
        loser=loser,
        winner=winner,
    )


def deletion_conflict(
    change: Change, deleted: FieldState | None, latest_edit: FieldState | None
) -> Conflict | None:
    """The record-level rule: edits and deletes that did not see each other.

    `deleted` is the state of the record's `_deleted` field; `latest_edit` the state of its
    most recently edited (ordinary) field, both before `change`.
    - A delete whose base (the record clock its author saw) is older than the latest edit
      did not see that edit: the delete stands, the edit is flagged (its value stays in the
      soft-deleted record). A second delete of a deleted record is no conflict.
    - A delete and a restore that did not see each other: the later stands, the other is
      flagged.
    - An edit of a record that is deleted did not see the delete (nobody edits a record
      they see deleted; restoring is a change of `_deleted`): the delete stands, the edit's
      value is kept in the record and in the conflict.
    A scalar clock cannot see every missed edit (the deleter's own later edit of another
    field can hide one); what it misses is still kept in the record, only not flagged.

    A replay's base is unknown (it is re-sent from the laptop's state), so only what it can
    be judged by without one is flagged: an edit that a later delete from another site did
    not see.
    """
    is_deleted = deleted is not None and deleted.value is True
    if change.replay:
        if (
            change.field != DELETED
            and not change.field.startswith("_")
            and is_deleted
            and deleted is not None
            and deleted.site != change.site
            and deleted.order > change.order
        ):
            return _conflict(change, "edit_of_deleted", loser=FieldState.of(change), winner=deleted)
        return None
    if change.field == DELETED:
        if (
            deleted is not None
            and deleted.change_id != change.change_id
            and bool(deleted.value) != bool(change.value)
            and change.base_hlc < deleted.hlc
        ):
            # A delete and a restore that did not see each other: the later one stands,
            # the other wish is kept for a person to review.
            incoming = FieldState.of(change)
            winner, loser = (
                (incoming, deleted) if incoming.order > deleted.order else (deleted, incoming)
            )
            return _conflict(change, "delete_restore", loser=loser, winner=winner)
        if (
            change.value is True
            and not is_deleted
            and latest_edit is not None
            and change.base_hlc < latest_edit.hlc
        ):
            return _conflict(
                change, "delete_of_edited", loser=latest_edit, winner=FieldState.of(change)
            )
        return None
    if is_deleted and not change.field.startswith("_"):
        assert deleted is not None
        return _conflict(change, "edit_of_deleted", loser=FieldState.of(change), winner=deleted)
    return None


PARENT_DELETED = "parent_deleted"


def parent_conflict(change: Change, parent_deleted: FieldState | None) -> Conflict | None:
    """A record created, or restored, under a parent that is deleted: its author did not see
    the delete.

    `change` writes the record's `_parent_id` (its creation) or sets its `_deleted` to
    false; `parent_deleted` is the state of the parent's `_deleted` field. The record stays
    (nothing anyone wrote is dropped) and the conflict, on the record, asks a person to
    restore the parent or let the record go. A replay is judged as in `deletion_conflict`:
    flagged only under a later delete of another site.
    """
    creates = change.field == PARENT
    restores = change.field == DELETED and change.value is False
    if not (creates or restores) or parent_deleted is None or parent_deleted.value is not True:
        return None
    if change.replay and (
        parent_deleted.site == change.site or parent_deleted.order < change.order
    ):
        return None
    return _conflict(change, PARENT_DELETED, loser=FieldState.of(change), winner=parent_deleted)


@dataclass(frozen=True)
class Child:
    """A live record under a parent, as the merge of the parent's delete sees it."""

    record_id: str
    type: str
    area: str | None
    parent: FieldState  # the state of its `_parent_id`: the change that created it


def orphan_conflicts(change: Change, live_children: Sequence[Child]) -> list[Conflict]:
    """The children a delete leaves behind: records its author did not know were there.

    `change` is a delete that just took its record from live to deleted; `live_children`
    are the records under it that are not deleted. A replica deletes a record's children
    before the record itself (the same act, sent in that order), so a child still live when
    the parent's delete arrives was not known to the deleter. One conflict per child, named
    by the delete and the child. A replay is never judged here: its order is not the
    author's.
    """
    if change.field != DELETED or change.value is not True or change.replay:
        return []
    winner = FieldState.of(change)
    return [
        Conflict(
            conflict_id=conflict_id_for(f"{change.change_id}/{child.record_id}", PARENT_DELETED),
            record_id=child.record_id,
            type=child.type,
            area=child.area,
            field=PARENT,
            kind=PARENT_DELETED,
            loser=child.parent,
            winner=winner,
        )
        for child in live_children
    ]


EDIT_AFTER_TRANSFER = "edit_after_transfer"
TRANSFER_SUPERSEDED = "transfer_superseded"


def transfer_conflict(
    change: Change, before: FieldState | None, after: FieldState | None, rehomed: bool
) -> Conflict | None:
    """A change that reached a household (or a record under it) after the household moved
    to another area, or a transfer that did not see another one.

    `before` and `after` are the states of the changed field before and after the change;
    `rehomed`: the change was written in an area the record has left (its author's laptop
    did not know yet), and the server took it into the record's area now, or kept it
    without applying it (storage.transfers).
    - A transfer written in an area the household has left never moves it, whatever its
      clock: the first transfer to reach the server stands, and this one is kept
      (transfer_superseded) for the people of the area the household is in. Its author's
      laptop takes the winner from the conflict (its own transfer may carry the later
      clock). The server alone serialises transfers: a laptop of the old area, honest or
      not, cannot take a household back by writing a later clock.
    - Two transfers written where the household is that did not see each other (`_area`,
      base not the field's clock): the later in the total order stands, the other is kept
      (transfer_superseded).
    - Any other change written in the area the record left: flagged for the people of the
      receiving area, who did not see it coming (edit_after_transfer), whether the server
      took it (the merge rule judged it as any edit) or kept it without applying it; its
      winner is the value that holds. Nothing written on the sending side is lost. (One
      taken that wrote the value the field had changed nothing there: not flagged.)
    A replay is never flagged (it was accepted before, where it was written), but for a
    transfer from an area the household has left: that is never applied, so it is kept.
    """
    incoming = FieldState.of(change)
    if change.field == AREA and rehomed:
        winner = after if after is not None else before
        return _conflict(
            change,
            TRANSFER_SUPERSEDED,
            loser=incoming,
            winner=winner if winner is not None else incoming,
        )
    if change.replay:
        return None
    if change.field == AREA:
        if before is None or change.base_hlc == before.hlc or before.change_id == change.change_id:
            return None
        applied = after is not None and after.change_id == change.change_id
        loser, winner = (before, incoming) if applied else (incoming, before)
        return _conflict(change, TRANSFER_SUPERSEDED, loser=loser, winner=winner)
    if not rehomed:
        return None
    taken = after is not None and after.change_id == change.change_id
    if taken and before is not None and before.value == change.value:
        return None  # it changed nothing there: nothing to review
    return _conflict(
        change, EDIT_AFTER_TRANSFER, loser=incoming, winner=after if after is not None else incoming
    )
