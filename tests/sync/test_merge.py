"""The merge rule: the value rule converges, and nothing a person wrote is silently lost."""

from __future__ import annotations

import uuid
from dataclasses import replace
from itertools import count

from hypothesis import given
from hypothesis import strategies as st

from marugoto_sync.changes import DELETED, PARENT, Change
from marugoto_sync.merge import (
    Child,
    Conflict,
    FieldState,
    deletion_conflict,
    merge_field,
    orphan_conflicts,
    parent_conflict,
)

_ids = count(1)
RECORD = "01900000-0000-7000-8000-0000000000aa"


def change(value: object, hlc: int, base: int, site: str = "aaaa0001", field: str = "status"):
    return Change(
        str(uuid.UUID(int=next(_ids))), "household", RECORD, "mure", field, value, hlc, base, site
    )


def test_first_write_wins_the_empty_field() -> None:
    c = change("active", 100, 0)
    outcome = merge_field(None, c)
    assert outcome.applied and outcome.conflict is None
    assert outcome.state == FieldState.of(c)


def test_a_sequential_overwrite_is_no_conflict() -> None:
    first = change("active", 100, 0)
    second = change("watching", 200, 100, site="bbbb0002")
    outcome = merge_field(FieldState.of(first), second)
    assert outcome.applied and outcome.conflict is None


def test_concurrent_later_edit_wins_and_keeps_the_other_value() -> None:
    base = FieldState("active", 100, "aaaa0001", "c0")
    ken = change("closed", 250, 100, site="bbbb0002")
    aiko = change("watching", 200, 100, site="aaaa0001")
    after_ken = merge_field(base, ken)
    assert after_ken.conflict is None
    outcome = merge_field(after_ken.state, aiko)
    assert not outcome.applied
    assert outcome.state.value == "closed"
    assert outcome.conflict is not None
    assert outcome.conflict.loser.value == "watching"
    assert outcome.conflict.winner.value == "closed"


def test_replaying_the_current_winner_changes_nothing() -> None:
    c = change("active", 100, 0)
    state = FieldState.of(c)
    outcome = merge_field(state, c)
    assert outcome.state == state and not outcome.applied and outcome.conflict is None


def test_ties_on_the_clock_are_broken_by_site() -> None:
    a = change("a", 100, 0, site="aaaa0001")
    b = change("b", 100, 0, site="bbbb0002")
    assert merge_field(FieldState.of(a), b).state.value == "b"
    assert merge_field(FieldState.of(b), a).state.value == "b"


def test_conflict_ids_are_deterministic() -> None:
    base = FieldState("x", 100, "s", "c0")
    c = change("y", 200, 50)
    assert merge_field(base, c).conflict == merge_field(base, c).conflict


def test_update_of_a_deleted_record_is_a_conflict() -> None:
    deleted = FieldState(True, 300, "bbbb0002", "d")
    edit = change("watching", 250, 100)
    conflict = deletion_conflict(edit, deleted, latest_edit=None)
    assert conflict is not None and conflict.kind == "edit_of_deleted"
    assert conflict.loser.value == "watching"
    assert conflict.winner == deleted


def test_delete_that_did_not_see_an_edit_is_a_conflict() -> None:
    edit = FieldState("closed", 200, "cccc0003", "e")
    delete = change(True, 300, 150, field=DELETED)
    conflict = deletion_conflict(delete, None, latest_edit=edit)
    assert conflict is not None and conflict.kind == "delete_of_edited"
    assert conflict.loser == edit  # a person can see which edit the deleter missed
    seen = change(True, 300, 200, field=DELETED)
    assert deletion_conflict(seen, None, latest_edit=edit) is None


def test_two_deletes_of_one_record_are_no_conflict() -> None:
    edit = FieldState("closed", 200, "cccc0003", "e")
    first = change(True, 300, 200, field=DELETED)
    second = change(True, 310, 100, site="bbbb0002", field=DELETED)
    deleted = merge_field(None, first).state
    assert deletion_conflict(second, deleted, latest_edit=edit) is None
    assert merge_field(deleted, second).conflict is None


def test_deleted_follows_the_value_rule_only() -> None:
    """Its base is the record clock, so comparing it with the field's clock means nothing."""
    restored = FieldState(False, 200, "aaaa0001", "r")
    delete = change(True, 300, 250, field=DELETED)  # saw the restore and a later edit
    outcome = merge_field(restored, delete)
    assert outcome.applied
    assert outcome.conflict is None


# -- a serialising server, in miniature ---------------------------------------------------


def serve(arrivals: list[Change]) -> tuple[FieldState | None, list[Conflict]]:
    state: FieldState | None = None
    conflicts = []
    for c in arrivals:
        outcome = merge_field(state, c)
        state = outcome.state
        if outcome.conflict:
            conflicts.append(outcome.conflict)
    return state, conflicts


@st.composite
def histories(draw: st.DrawFn) -> list[Change]:
    """Edits of one field by several laptops, each editing on top of what it had seen."""
    edits: list[Change] = []
    clock = 100
    for _ in range(draw(st.integers(1, 8))):
        clock += draw(st.integers(1, 50))
        seen = draw(st.sampled_from([0] + [e.hlc for e in edits]))
        site = draw(st.sampled_from(["aaaa0001", "bbbb0002", "cccc0003"]))
        edits.append(change(f"v{clock}", clock, seen, site=site))
    return edits


@given(history=histories(), data=st.data())
def test_every_arrival_order_converges_to_the_latest_edit(history, data) -> None:
    arrivals = data.draw(st.permutations(history))
    state, _ = serve(arrivals)
    assert state is not None
    assert state.change_id == max(history, key=lambda c: c.order).change_id


@given(history=histories(), data=st.data())
def test_no_edit_is_silently_lost(history, data) -> None:
    """Every edit is the current value, in the conflict log, or knowingly overwritten."""
    arrivals = data.draw(st.permutations(history))
    state, conflicts = serve(arrivals)
    kept = {state.change_id} | {c.loser.change_id for c in conflicts}
    for edit in history:
        overwritten_knowingly = any(
            later.base_hlc == edit.hlc and later.order > edit.order for later in history
        )
        assert edit.change_id in kept or overwritten_knowingly


@given(history=histories(), data=st.data())
def test_replaying_the_winner_changes_nothing(history, data) -> None:
    state, _ = serve(data.draw(st.permutations(history)))
    winner = next(c for c in history if c.change_id == state.change_id)
    again = merge_field(state, winner)
    assert again.state == state
    assert not again.applied
    assert again.conflict is None


def test_a_delete_and_a_restore_that_did_not_see_each_other_conflict() -> None:
    deleted = FieldState(True, 300, "bbbb0002", "d")
    restore = change(False, 250, 100, field=DELETED)  # its author saw the record at 100
    conflict = deletion_conflict(restore, deleted, latest_edit=None)
    assert conflict is not None and conflict.kind == "delete_restore"
    assert conflict.winner == deleted  # the later wish stands...
    assert conflict.loser.value is False  # ...and the restore is kept for review
    seen = change(False, 350, 300, field=DELETED)  # a restore made after seeing the delete
    assert deletion_conflict(seen, deleted, latest_edit=None) is None


def replay_of(original: Change) -> Change:
    """The same write re-sent after a server restore: a new change id, base unknown (0)."""
    return Change(
        str(uuid.UUID(int=next(_ids))), original.type, original.record_id, original.area,
        original.field, original.value, original.hlc, 0, original.site, replay=True,
    )  # fmt: skip


def test_a_write_with_the_current_stamp_is_the_same_write_whatever_its_id() -> None:
    first = change("active", 100, 0)
    outcome = merge_field(FieldState.of(first), replay_of(first))
    assert not outcome.applied and outcome.conflict is None
    assert outcome.state == FieldState.of(first)


def test_a_replay_that_wins_takes_the_field_quietly() -> None:
    older = change("active", 100, 0, site="bbbb0002")
    lost = change("watching", 200, 100)
    outcome = merge_field(FieldState.of(older), replay_of(lost))
    assert outcome.applied and outcome.conflict is None
    assert outcome.state is not None and outcome.state.value == "watching"


def test_a_replay_that_loses_to_another_site_is_kept_as_a_conflict_named_by_the_write() -> None:
    lost = change("watching", 100, 0)
    later = change("closed", 200, 0, site="bbbb0002")
    first, second = (merge_field(FieldState.of(later), replay_of(lost)) for _ in range(2))
    assert not first.applied and first.conflict is not None
    assert first.conflict.loser.value == "watching" and first.conflict.winner.value == "closed"
    # Two laptops replaying the same lost write name the same conflict.
    assert second.conflict is not None
    assert first.conflict.conflict_id == second.conflict.conflict_id


def test_a_replay_older_than_its_own_sites_later_write_is_no_conflict() -> None:
    lost = change("watching", 100, 0)
    own_later = change("closed", 200, 100)
    outcome = merge_field(FieldState.of(own_later), replay_of(lost))
    assert not outcome.applied and outcome.conflict is None


def test_replayed_deletes_and_edits_flag_only_an_edit_a_later_foreign_delete_missed() -> None:
    edit = change("watching", 100, 0)
    deleted_elsewhere = FieldState.of(change(True, 200, 0, site="bbbb0002", field=DELETED))
    flagged = deletion_conflict(replay_of(edit), deleted_elsewhere, None)
    assert flagged is not None and flagged.kind == "edit_of_deleted"
    own_delete = FieldState.of(change(True, 200, 0, field=DELETED))
    assert deletion_conflict(replay_of(edit), own_delete, None) is None
    replayed_delete = replay_of(change(True, 300, 0, field=DELETED))
    assert deletion_conflict(replayed_delete, None, FieldState.of(edit)) is None


# -- records added under a parent that was deleted -------------------------------------------

MEMBER = "01900000-0000-7000-8000-0000000000bb"


def created_under(parent: str, hlc: int, site: str = "aaaa0001") -> Change:
    return Change(
        str(uuid.UUID(int=next(_ids))), "person", MEMBER, "mure", PARENT, parent, hlc, 0, site
    )


def test_a_record_created_under_a_deleted_parent_is_a_conflict_on_the_record() -> None:
    deleted = FieldState(True, 200, "bbbb0002", "d1")
    creation = created_under(RECORD, 300)
    conflict = parent_conflict(creation, deleted)
    assert conflict is not None
    assert (conflict.kind, conflict.record_id, conflict.field) == ("parent_deleted", MEMBER, PARENT)
    assert (conflict.loser, conflict.winner) == (FieldState.of(creation), deleted)
    # Under a live parent, or one restored, nothing to flag; other fields are not creations.
    assert parent_conflict(creation, None) is None
    assert parent_conflict(creation, FieldState(False, 250, "bbbb0002", "r1")) is None
    assert parent_conflict(change("x", 300, 0), deleted) is None


def test_a_record_restored_under_a_deleted_parent_is_a_conflict_on_the_record() -> None:
    deleted = FieldState(True, 200, "bbbb0002", "d1")
    restore = Change(
        str(uuid.UUID(int=next(_ids))),
        "person",
        MEMBER,
        "mure",
        DELETED,
        False,
        300,
        150,
        "aaaa0001",
    )
    conflict = parent_conflict(restore, deleted)
    assert conflict is not None
    assert (conflict.kind, conflict.record_id, conflict.field) == (
        "parent_deleted",
        MEMBER,
        DELETED,
    )
    assert (conflict.loser, conflict.winner) == (FieldState.of(restore), deleted)
    # A delete of the record under a deleted parent is no conflict: it follows the parent.
    assert parent_conflict(replace(restore, value=True), deleted) is None


def test_a_replayed_creation_is_flagged_only_under_a_later_delete_of_another_site() -> None:
    creation = replace(created_under(RECORD, 300), replay=True)
    assert parent_conflict(creation, FieldState(True, 400, "bbbb0002", "d1")) is not None
    assert parent_conflict(creation, FieldState(True, 200, "bbbb0002", "d1")) is None
    assert parent_conflict(creation, FieldState(True, 400, "aaaa0001", "d1")) is None


def test_a_delete_flags_each_live_child_it_leaves_behind_by_the_delete_and_the_child() -> None:
    delete = change(True, 500, 100, site="bbbb0002", field=DELETED)
    children = [
        Child(MEMBER, "person", "mure", FieldState(RECORD, 300, "aaaa0001", "p1")),
        Child(RECORD[:-2] + "cc", "activity", "mure", FieldState(RECORD, 310, "aaaa0001", "p2")),
    ]
    conflicts = orphan_conflicts(delete, children)
    assert [(c.record_id, c.type, c.kind) for c in conflicts] == [
        (MEMBER, "person", "parent_deleted"),
        (RECORD[:-2] + "cc", "activity", "parent_deleted"),
    ]
    assert all(c.winner == FieldState.of(delete) for c in conflicts)
    assert [c.loser.change_id for c in conflicts] == ["p1", "p2"]
    assert len({c.conflict_id for c in conflicts}) == 2
    assert orphan_conflicts(delete, children) == conflicts  # deterministic
    # A restore, an edit, or a replayed delete leaves no orphan behind.
    assert orphan_conflicts(change(False, 500, 100, field=DELETED), children) == []
    assert orphan_conflicts(change("x", 500, 100), children) == []
    assert orphan_conflicts(replace(delete, replay=True), children) == []
