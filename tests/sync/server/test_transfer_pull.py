"""A pull answer says where a household it moves came from (`transfers`): the receiving
area's laptops get the household's `_area` only as the server's copy, in the area it went
to, which cannot say which area it left."""

from __future__ import annotations

from typing import Any

from marugoto_sync.changes import AREA
from marugoto_sync.server.storage.transfers import copy_id

from .support import Api, Device, change, entries, new_id


def _pull(device: Device) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Everything new, with the `transfers` of every page."""
    items: list[dict[str, Any]] = []
    moved: dict[str, Any] = {}
    while True:
        response = device.get("/v1/changes", after=device.cursor, limit=1000)
        assert response.status_code == 200, response.text
        page = response.json()
        items += entries(page)
        moved.update(page["transfers"])
        device.cursor = page["next"]
        if not page["has_more"]:
            return items, moved


def _area_entries(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (i["change_id"], i["area"], i["value"])
        for i in items
        if i["kind"] == "change" and i["field"] == AREA
    ]


def test_a_pull_names_the_area_a_moved_household_left(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    sachi = api.user_with_device("sachi", ["kagawa", "shoga"])
    # The area each move left, and who sent it (device names: enroll's default, "laptop").
    from_mure = {"from_area": "mure", "user": "aiko", "device": "laptop"}
    from_kagawa = {"from_area": "kagawa", "user": "sachi", "device": "laptop"}
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "name", "高松家", t))
    # Pages without a transfer say nothing of one.
    assert _pull(kenta) == ([], {})
    assert _pull(aiko)[1] == {}

    transfer = change(household, AREA, "kagawa", t + 1, t, area="mure")
    aiko.push(transfer)
    # Kenta's laptop receives the household by the copy, in kagawa: it came from mure.
    items, moved = _pull(kenta)
    [(copy, area, value)] = _area_entries(items)
    assert (area, value) == ("kagawa", "kagawa") and copy != transfer["change_id"]
    assert moved == {copy: from_mure}
    # Aiko's sees the transfer itself, in mure.
    items, moved = _pull(aiko)
    assert moved == {transfer["change_id"]: from_mure}

    # Moved on to shoga by sachi, who holds both: each move names the area it left.
    onwards = change(household, AREA, "shoga", t + 2, t + 1, area="kagawa", site="b2b2b2b2")
    sachi.push(onwards)
    items, moved = _pull(sachi)
    first, second = transfer["change_id"], onwards["change_id"]
    assert {cid for cid, _, _ in _area_entries(items)} == {
        copy_id(first, first),  # in kagawa
        second,  # in kagawa
        copy_id(second, second),  # in shoga
    }
    assert moved == {
        copy_id(first, first): from_mure,
        second: from_kagawa,
        copy_id(second, second): from_kagawa,
    }


def test_a_transfer_that_lost_names_no_area_left(api: Api) -> None:
    sachi = api.user_with_device("sachi", ["mure", "kagawa", "shoga"])
    from_mure = {"from_area": "mure", "user": "sachi", "device": "laptop"}
    household, t = new_id(), api.clock.stamp(-60_000)
    sachi.push(change(household, "name", "高松家", t))
    sachi.push(change(household, AREA, "shoga", t + 10, t, area="mure", site="a1a1a1a1"))
    # Another laptop, which had the household in shoga already, sends it on to kagawa with
    # an earlier clock: its transfer loses the merge, and moves nothing.
    lost = change(household, AREA, "kagawa", t + 5, t, area="shoga", site="b2b2b2b2")
    sachi.push(lost)
    items, moved = _pull(sachi)
    [first] = [c for c, area, value in _area_entries(items) if (area, value) == ("mure", "shoga")]
    logged = {cid for cid, _, _ in _area_entries(items)}
    assert lost["change_id"] in logged and len(logged) > 3  # (and the household sent again)
    # Only the move that stood, and its copy in shoga; not the lost one, nor the copies of
    # the household sent again because of it.
    assert moved == {first: from_mure, copy_id(first, first): from_mure}
