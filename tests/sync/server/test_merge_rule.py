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


# -- a parent deleted while someone added a record under it ---------------------------------


def _member(member: str, household: str, hlc: int, site: str) -> list[dict[str, Any]]:
    """A new member as a laptop pushes it: its parent first, then its fields."""
    return [
        change(member, "_parent_id", household, hlc, record_type="person", site=site),
        change(member, "name", f"member {member[:4]}", hlc, record_type="person", site=site),
    ]


def _delete(record_id: str, hlc: int, base: int, site: str, record_type: str = "household"):
    return change(record_id, "_deleted", True, hlc, base, record_type=record_type, site=site)


def test_a_member_added_under_a_deleted_household_is_kept_and_flagged(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, member, t = new_id(), new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "name", "高松家", t + 100, site=AIKO_SITE))
    ken.push(_delete(household, t + 200, t + 100, KEN_SITE))
    # Aiko, offline since before the delete, adds a member to the household.
    added = _member(member, household, t + 300, AIKO_SITE)
    assert aiko.push(*added)["conflicts"] == 1

    (conflict,) = _conflicts(api)
    assert conflict["kind"] == "parent_deleted"
    assert (conflict["record_id"], conflict["type"], conflict["field"]) == (
        member,
        "person",
        "_parent_id",
    )
    assert conflict["conflict_id"] == conflict_id_for(added[0]["change_id"], "parent_deleted")
    assert conflict["loser"]["change_id"] == added[0]["change_id"]
    assert conflict["loser"]["value"] == household
    assert conflict["winner"]["value"] is True and conflict["winner"]["site"] == KEN_SITE
    # Nothing is dropped: the member is there, under the deleted household.
    name = api.storage.field_state(member, "name")
    assert name is not None and name.value.startswith("member")
    # The same push again changes nothing and flags nothing twice.
    assert aiko.push(*added)["conflicts"] == 0
    assert len(_conflicts(api)) == 1


def test_a_delete_that_missed_an_added_member_is_flagged_for_that_member_only(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, known, added, t = new_id(), new_id(), new_id(), api.clock.stamp(-60_000)
    ken.push(change(household, "name", "高松家", t + 100, site=KEN_SITE))
    ken.push(*_member(known, household, t + 110, KEN_SITE))
    aiko.pull()
    aiko.push(*_member(added, household, t + 150, AIKO_SITE))
    # Ken deletes the household as he knows it: its member first, then the household, in
    # one push with one stamp, as a laptop does.
    assert (
        ken.push(
            _delete(known, t + 200, t + 110, KEN_SITE, "person"),
            _delete(household, t + 200, t + 100, KEN_SITE),
        )["conflicts"]
        == 1
    )
    (conflict,) = _conflicts(api)
    assert (conflict["kind"], conflict["record_id"]) == ("parent_deleted", added)
    assert conflict["loser"]["site"] == AIKO_SITE and conflict["loser"]["value"] == household
    assert conflict["winner"]["site"] == KEN_SITE and conflict["winner"]["value"] is True
    assert conflict["area"] == "mure"


def test_a_delete_that_took_every_member_along_is_no_conflict(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, member, t = new_id(), new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "name", "高松家", t + 100, site=AIKO_SITE))
    aiko.push(*_member(member, household, t + 150, AIKO_SITE))
    ken.pull()
    assert (
        ken.push(
            _delete(member, t + 200, t + 150, KEN_SITE, "person"),
            _delete(household, t + 200, t + 100, KEN_SITE),
        )["conflicts"]
        == 0
    )
    # A member deleted before, on its own, is no orphan of a later delete either.
    other = new_id()
    aiko.push(change(household, "_deleted", False, t + 300, t + 200, site=AIKO_SITE))
    aiko.push(*_member(other, household, t + 310, AIKO_SITE))
    aiko.push(_delete(other, t + 320, t + 310, AIKO_SITE, "person"))
    assert aiko.push(_delete(household, t + 330, t + 300, AIKO_SITE))["conflicts"] == 0
    assert _conflicts(api) == []


def test_a_restored_household_takes_members_again_without_conflict(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, member, t = new_id(), new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "name", "高松家", t + 100, site=AIKO_SITE))
    ken.push(_delete(household, t + 200, t + 100, KEN_SITE))
    ken.push(change(household, "_deleted", False, t + 250, t + 200, site=KEN_SITE))
    aiko.pull()
    assert aiko.push(*_member(member, household, t + 300, AIKO_SITE))["conflicts"] == 0
    assert _conflicts(api) == []


def test_a_member_restored_under_a_deleted_household_is_flagged(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, member, t = new_id(), new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "name", "高松家", t + 100, site=AIKO_SITE))
    aiko.push(*_member(member, household, t + 110, AIKO_SITE))
    aiko.push(_delete(member, t + 120, t + 110, AIKO_SITE, "person"))
    ken.pull()
    # Aiko deletes the household; Ken, who had not seen that, brings the member back.
    aiko.push(_delete(household, t + 200, t + 100, AIKO_SITE))
    restore = change(
        member, "_deleted", False, t + 210, t + 120, record_type="person", site=KEN_SITE
    )
    assert ken.push(restore)["conflicts"] == 1
    (conflict,) = _conflicts(api)
    assert (conflict["kind"], conflict["record_id"], conflict["field"]) == (
        "parent_deleted",
        member,
        "_deleted",
    )
    assert conflict["loser"]["change_id"] == restore["change_id"]
    assert conflict["winner"]["value"] is True and conflict["winner"]["site"] == AIKO_SITE
