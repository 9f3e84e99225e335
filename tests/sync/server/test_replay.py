"""What counts as a replay is the server's decision, never the sender's (DESIGN §5).

A replay is a write the server accepted once and lost when it was restored from a backup; it
is judged more leniently than an edit (its base is unknown). The server honours the flag only
for a change stamped before a restore it has recorded (`marugoto-sync mark-restored`).
"""

from __future__ import annotations

from typing import Any

import pytest

from marugoto_sync.merge import conflict_id_for

from .support import Api, Device, change, new_id

AIKO_SITE, KEN_SITE = "a1a1a1a1", "b2b2b2b2"


def _conflicts(api: Api) -> list[dict[str, Any]]:
    return [item["value"] for item in api.log() if item["kind"] == "conflict"]


def _replay(wire: dict[str, Any], flagged: bool = True) -> dict[str, Any]:
    return {**wire, "replay": True} if flagged else wire


@pytest.fixture
def team(api: Api) -> tuple[Device, Device]:
    return api.user_with_device("aiko", ["mure"]), api.user_with_device("ken", ["mure"])


def _stale_edit_after_kens(api: Api, team: tuple[Device, Device], flagged: bool) -> dict:
    """Aiko, who saw status=active, sets it after Ken changed it without her seeing that."""
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    ken.push(change(household, "status", "closed", t + 200, t + 100, site=KEN_SITE))
    stale = change(household, "status", "watching", t + 300, t + 100, site=AIKO_SITE)
    assert aiko.push(_replay(stale, flagged))["conflicts"] == 1
    return stale


@pytest.mark.parametrize("flagged", [False, True], ids=["plain", "flagged-replay"])
def test_a_stale_edit_flagged_as_replay_makes_the_conflict_it_makes_without_the_flag(
    api: Api, team: tuple[Device, Device], flagged: bool
) -> None:
    stale = _stale_edit_after_kens(api, team, flagged)
    (conflict,) = _conflicts(api)
    assert conflict["conflict_id"] == conflict_id_for(stale["change_id"], "concurrent_edit")
    assert (conflict["kind"], conflict["loser"]["value"], conflict["winner"]["value"]) == (
        "concurrent_edit",
        "closed",
        "watching",
    )


@pytest.mark.parametrize("flagged", [False, True], ids=["plain", "flagged-replay"])
def test_an_edit_older_than_its_own_sites_later_write_is_a_conflict_flag_or_not(
    api: Api, team: tuple[Device, Device], flagged: bool
) -> None:
    aiko, _ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "closed", t + 200, site=AIKO_SITE))
    older = change(household, "status", "watching", t + 100, site=AIKO_SITE)
    assert aiko.push(_replay(older, flagged))["conflicts"] == 1
    (conflict,) = _conflicts(api)
    assert conflict["conflict_id"] == conflict_id_for(older["change_id"], "concurrent_edit")


def test_a_flagged_edit_of_a_deleted_record_is_flagged_like_any_edit(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, _ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    aiko.push(change(household, "_deleted", True, t + 200, t + 100, site=AIKO_SITE))
    edit = change(household, "note", "まだいる", t + 300, site=AIKO_SITE)
    assert aiko.push(_replay(edit))["conflicts"] == 1
    assert [c["kind"] for c in _conflicts(api)] == ["edit_of_deleted"]


def test_after_a_recorded_restore_a_lost_write_comes_back_quietly(
    api: Api, team: tuple[Device, Device]
) -> None:
    """The server lost Aiko's edit with the end of its log; her laptop sends it again."""
    aiko, ken = team
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t + 100, site=AIKO_SITE))
    lost = change(household, "status", "watching", t + 300, t + 100, site=AIKO_SITE)
    api.storage.record_restore(api.clock.now())  # the administrator, after the restore

    replayed = {**lost, "change_id": new_id(), "base_hlc": 0, "replay": True}
    assert aiko.push(replayed)["conflicts"] == 0
    state = api.storage.field_state(household, "status")
    assert state is not None and (state.value, state.hlc) == ("watching", t + 300)
    # Another laptop replaying the same write changes nothing.
    again = {**replayed, "change_id": new_id()}
    assert ken.push(again)["conflicts"] == 0
    assert _conflicts(api) == []


def test_a_change_stamped_after_the_recorded_restore_is_no_replay(
    api: Api, team: tuple[Device, Device]
) -> None:
    aiko, ken = team
    household, before = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", before, site=AIKO_SITE))
    api.storage.record_restore(api.clock.now())
    api.clock.advance(60)
    t = api.clock.stamp(-1000)  # after the restore
    ken.push(change(household, "status", "closed", t, before, site=KEN_SITE))
    stale = change(household, "status", "watching", t + 100, before, site=AIKO_SITE)
    assert aiko.push(_replay(stale))["conflicts"] == 1
    (conflict,) = _conflicts(api)
    assert conflict["conflict_id"] == conflict_id_for(stale["change_id"], "concurrent_edit")
