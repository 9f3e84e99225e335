"""Area scoping: who may write and see which area; gaining an area backfills it."""

from __future__ import annotations

from typing import Any

from marugoto_sync.server.cli import main

from .support import Api, assert_error, change, entries, new_id


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("seq", "kind")}


def _areas_of(items: list[dict[str, Any]]) -> list[str | None]:
    return [item["area"] for item in items if item["kind"] == "change"]


def _push_everywhere(api: Api) -> dict[str | None, list[dict[str, Any]]]:
    """A supervisor writes two records in mure, shoga and kagawa, and one city-wide meeting."""
    boss = api.user_with_device("boss", ["mure", "shoga", "kagawa"], role="supervisor")
    t = api.clock.stamp(-60_000)
    written: dict[str | None, list[dict[str, Any]]] = {}
    for i, area in enumerate(["mure", "shoga", "kagawa", "mure", "shoga", "kagawa"]):
        c = change(new_id(), "status", "active", t + i, area=area)
        written.setdefault(area, []).append(c)
    meeting = change(
        new_id(), "meeting_type", "core_member", t + 10, area=None, record_type="meeting"
    )
    written[None] = [meeting]
    boss.push(*[c for area in ("mure", "shoga", "kagawa") for c in written[area]], meeting)
    return written


def test_a_push_touching_a_foreign_area_is_refused_whole(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    t = api.clock.stamp(-60_000)
    mine = change(new_id(), "status", "active", t, area="mure")
    foreign = change(new_id(), "status", "active", t + 1, area="shoga")
    body = assert_error(aiko.post("/v1/push", {"changes": [mine, foreign]}), 403, "area_forbidden")
    assert "shoga" in body["message"]
    assert api.head() == 0 and api.log() == []


def test_a_change_cannot_move_another_areas_record_into_mine(api: Api) -> None:
    ken = api.user_with_device("ken", ["shoga"])
    aiko = api.user_with_device("aiko", ["mure"])
    household, t = new_id(), api.clock.stamp(-60_000)
    ken.push(change(household, "status", "active", t, area="shoga"))
    head = api.head()
    # Aiko names her own area on a change to Ken's household.
    sneaky = change(household, "status", "closed", t + 1, t, area="mure")
    assert_error(aiko.post("/v1/push", {"changes": [sneaky]}), 403, "area_forbidden")
    assert api.head() == head
    state = api.storage.field_state(household, "status")
    assert state is not None and state.value == "active"


def test_anyone_may_write_city_wide_records(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    meeting = change(
        new_id(), "date", "2024-05-01", api.clock.stamp(-1), area=None, record_type="meeting"
    )
    assert aiko.push(meeting)["acknowledged"] == [meeting["change_id"]]


def test_a_pull_returns_only_granted_areas_and_city_wide_records(api: Api) -> None:
    written = _push_everywhere(api)
    aiko = api.user_with_device("aiko", ["mure"])
    ken = api.user_with_device("ken", ["shoga", "kagawa"])
    nobody = api.user_with_device("newcomer", [])

    assert _areas_of(aiko.pull()) == ["mure", "mure", None]
    assert _areas_of(ken.pull()) == ["shoga", "shoga", "kagawa", "kagawa", None]
    assert _areas_of(nobody.pull()) == [None]
    # Everyone's cursor ends at the head: nothing is left to scan next time.
    assert aiko.cursor == ken.cursor == nobody.cursor == api.head()
    assert [_wire(i) for i in aiko.seen] == [*written["mure"], *written[None]]


def test_asking_for_a_foreign_area_is_refused(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    assert_error(aiko.get("/v1/changes", area="shoga", until=10), 403, "area_forbidden")


def test_gaining_an_area_backfills_it_up_to_the_cursor(api: Api) -> None:
    written = _push_everywhere(api)
    aiko = api.user_with_device("aiko", ["mure"])
    aiko.pull()
    cursor = aiko.cursor

    assert (
        main(["user", "areas", "aiko", "--area", "mure", "shoga", "--database", api.database_url])
        == 0
    )
    # New shoga work arrives after the grant, beyond the cursor.
    boss_device = api.enroll("boss")
    later = change(new_id(), "status", "watching", api.clock.stamp(-1), area="shoga")
    boss_device.push(later)

    page = aiko.get("/v1/changes", after=cursor).json()
    assert page["areas"] == ["mure", "shoga"]
    assert [_wire(i) for i in entries(page)] == [later]

    # The client sees the new area and backfills it from 0 up to its old cursor, in pages.
    backfill, after = [], 0
    while True:
        part = aiko.get("/v1/changes", area="shoga", until=cursor, after=after, limit=1).json()
        backfill += entries(part)
        after = part["next"]
        if not part["has_more"]:
            break
    assert [_wire(i) for i in backfill] == written["shoga"]
    assert after == cursor


def test_a_lost_area_is_no_longer_served_or_writable(api: Api) -> None:
    _push_everywhere(api)
    aiko = api.user_with_device("aiko", ["mure", "shoga"])
    aiko.pull()
    assert api.storage.set_user_areas("aiko", ["mure"]) == ((), ("shoga",))

    boss = api.enroll("boss")
    t = api.clock.stamp(-1)
    boss.push(
        change(new_id(), "status", "x", t, area="shoga"),
        change(new_id(), "status", "y", t + 1, area="mure"),
    )
    page = aiko.get("/v1/changes", after=aiko.cursor).json()
    assert page["areas"] == ["mure"]
    assert _areas_of(entries(page)) == ["mure"]
    refused = aiko.post(
        "/v1/push", {"changes": [change(new_id(), "status", "z", t + 2, area="shoga")]}
    )
    assert_error(refused, 403, "area_forbidden")
