"""The merge rule as the server applies it, in its commit order (docs/sync-protocol.md)."""

from __future__ import annotations

from typing import Any

import pytest

from marugoto_sync.merge import conflict_id_for

from .support import Api, Device, change, new_id

AIKO_SITE, KEN_SITE = "a1a1a1a1", "b2b2b2b2"


def _conflicts(api: Api) -> list[dict[str, Any]]:
    return [item["value"] for item in api.log() if item["kind"] == "conflict"]


@pytest.fixture
def team(api: Api) -> tuple[Device, Device]:
    return api.user_with_device("aiko", ["mure"]), api.user_with_device("ken", ["mure"])


def test_a_sequential_overwrite_is_no_conflict(api: Api, team: tuple[Device, Device]) -> None:
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    first = change(household, "status", "active", t, site=AIKO_SITE)
    aiko.push(first)
    ken.pull()
    # Ken saw Aiko's value (base = its clock) and changed it.
    second = change(household, "status", "watching", t + 10, t, site=KEN_SITE)
    assert ken.push(second)["conflicts"] == 0
    assert _conflicts(api) == []
    state = api.storage.field_state(household, "status")
    assert state is not None and (state.value, state.change_id) == ("watching", second["change_id"])


@pytest.mark.parametrize("ken_first", [True, False], ids=["ken-first", "aiko-first"])
def test_concurrent_edits_make_exactly_one_conflict_with_the_losers_value(
    api: Api, team: tuple[Device, Device], ken_first: bool
) -> None:
    """The worked example: both edited status=active@100 offline; Ken's edit is later."""
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    by_aiko = change(household, "status", "watching", t + 200, t + 100, site=AIKO_SITE)
    by_ken = change(household, "status", "closed", t + 250, t + 100, site=KEN_SITE)

    pushes = [(ken, by_ken), (aiko, by_aiko)] if ken_first else [(aiko, by_aiko), (ken, by_ken)]
    answers = [device.push(c) for device, c in pushes]
    assert [a["conflicts"] for a in answers] == [0, 1]

    (conflict,) = _conflicts(api)
    assert conflict["kind"] == "concurrent_edit"
    assert (conflict["record_id"], conflict["field"]) == (household, "status")
    assert conflict["loser"] == {
        "value": "watching",
        "hlc": t + 200,
        "site": AIKO_SITE,
        "change_id": by_aiko["change_id"],
    }
    assert conflict["winner"]["value"] == "closed"
    # The id derives from the change that arrived second, so every replica names it alike.
    arrived_second = pushes[1][1]["change_id"]
    assert conflict["conflict_id"] == conflict_id_for(arrived_second, "concurrent_edit")
    state = api.storage.field_state(household, "status")
    assert state is not None and state.value == "closed"

    # A retry of either push adds nothing.
    for device, c in pushes:
        assert device.push(c)["conflicts"] == 0
    assert len(_conflicts(api)) == 1


def test_resolving_a_conflict_is_an_ordinary_change_that_settles_it(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    ken.push(change(household, "status", "closed", t + 250, t + 100, site=KEN_SITE))
    aiko.push(change(household, "status", "watching", t + 200, t + 100, site=AIKO_SITE))
    (conflict,) = _conflicts(api)

    resolution = change(
        household,
        "status",
        "watching",
        t + 300,
        t + 250,
        site=AIKO_SITE,
        resolves=conflict["conflict_id"],
    )
    assert aiko.push(resolution)["conflicts"] == 0
    items = ken.pull()
    assert {k: v for k, v in items[-1].items() if k not in ("seq", "kind")} == resolution
    state = api.storage.field_state(household, "status")
    assert state is not None and state.value == "watching"


def test_an_edit_of_a_deleted_record_is_kept_and_flagged(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    ken.push(change(household, "_deleted", True, t + 200, t + 100, site=KEN_SITE))
    # Aiko, offline, had not seen the delete.
    edit = change(household, "status", "watching", t + 300, t + 100, site=AIKO_SITE)
    assert aiko.push(edit)["conflicts"] == 1

    (conflict,) = _conflicts(api)
    assert conflict["kind"] == "edit_of_deleted"
    assert conflict["loser"]["value"] == "watching"
    assert conflict["winner"]["value"] is True
    # The delete stands; the edited value lives on inside the deleted record.
    deleted = api.storage.field_state(household, "_deleted")
    status = api.storage.field_state(household, "status")
    assert deleted is not None and deleted.value is True
    assert status is not None and status.value == "watching"


def test_a_delete_that_missed_an_edit_is_applied_and_flagged(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    aiko.push(change(household, "status", "watching", t + 200, t + 100, site=AIKO_SITE))
    # Ken deletes the record as he knew it (its clock was 100): he never saw "watching".
    delete = change(household, "_deleted", True, t + 300, t + 100, site=KEN_SITE)
    assert ken.push(delete)["conflicts"] == 1

    (conflict,) = _conflicts(api)
    assert conflict["kind"] == "delete_of_edited"
    assert conflict["conflict_id"] == conflict_id_for(delete["change_id"], "delete_of_edited")
    deleted = api.storage.field_state(household, "_deleted")
    assert deleted is not None and deleted.value is True


def test_a_delete_that_saw_the_latest_edit_is_no_conflict(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    aiko.push(change(household, "status", "watching", t + 200, t + 100, site=AIKO_SITE))
    delete = change(household, "_deleted", True, t + 300, t + 200, site=KEN_SITE)
    assert ken.push(delete)["conflicts"] == 0
    assert _conflicts(api) == []


def test_changes_of_one_push_are_merged_in_their_order(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, _ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    created = change(household, "status", "active", t + 100, site=AIKO_SITE)
    edited = change(household, "status", "watching", t + 200, t + 100, site=AIKO_SITE)
    # A third edit in the same push that did not see the second: concurrent with it.
    stale = change(household, "status", "closed", t + 150, t + 100, site=KEN_SITE)
    assert aiko.push(created, edited, stale)["conflicts"] == 1
    (conflict,) = _conflicts(api)
    assert (conflict["loser"]["value"], conflict["winner"]["value"]) == ("closed", "watching")
    kinds = [item["kind"] for item in api.log()]
    assert kinds == ["change", "change", "change", "conflict"]
