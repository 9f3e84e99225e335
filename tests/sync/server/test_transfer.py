"""A household's transfer to another area (転居・引継ぎ), as the server takes it."""

from __future__ import annotations

from typing import Any

from marugoto_sync.changes import AREA, PARENT

from .support import Api, Device, assert_error, change, new_id


def _household_with_member(api: Api, aiko: Device) -> tuple[str, str, int]:
    household, member, t = new_id(), new_id(), api.clock.stamp(-60_000)
    aiko.push(
        change(household, "name", "高松家", t),
        change(member, PARENT, household, t + 1, record_type="person"),
        change(member, "name", "高松 一郎", t + 2, record_type="person"),
    )
    return household, member, t + 3


def _records(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What the entries build, by the merge's value rule (latest stamp wins)."""
    built: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["kind"] != "change":
            continue
        fields = built.setdefault(item["record_id"], {})
        held = fields.get(item["field"])
        if held is None or (item["hlc"], item["site"]) > held[1]:
            fields[item["field"]] = (item["value"], (item["hlc"], item["site"]))
    return {rid: {n: v for n, (v, _) in f.items()} for rid, f in built.items()}


def test_a_transfer_moves_the_household_with_its_members_to_the_receiving_area(
    api: Api,
) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, member, t = _household_with_member(api, aiko)
    kenta.pull()  # his cursor is past the household's history
    aiko.pull()
    aiko.push(change(household, AREA, "kagawa", t, area="mure"))
    # Kenta receives the household and its member whole, in his area.
    got = kenta.pull()
    assert {item["area"] for item in got} == {"kagawa"}
    built = _records(got)
    assert built[household]["name"] == "高松家"
    assert built[household][AREA] == "kagawa"
    assert built[member] == {PARENT: household, "name": "高松 一郎"}
    # The household's `_area` comes last: a laptop lets the household go once every copy
    # of it is in (found by the convergence machine: copies span pages).
    assert (got[-1]["record_id"], got[-1]["field"]) == (household, AREA)
    # Aiko sees the transfer itself, in her area: her laptop drops the household.
    [seen] = aiko.pull()
    assert (seen["record_id"], seen["field"], seen["value"], seen["area"]) == (
        household,
        AREA,
        "kagawa",
        "mure",
    )
    [moved] = api.storage.transfers_of(household)
    assert (moved.from_area, moved.to_area, moved.records) == ("mure", "kagawa", 2)


def test_a_member_edited_in_the_old_area_after_the_transfer_is_taken_and_flagged(
    api: Api,
) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, member, t = _household_with_member(api, aiko)
    aiko.push(change(household, AREA, "kagawa", t, area="mure"))
    kenta.pull()
    # A colleague in mure, who had not synced, renames the member and adds another.
    added = new_id()
    # (From another laptop than the transfer's: what its own author writes after it is
    # not flagged.)
    person = {"area": "mure", "record_type": "person", "site": "c3c3c3c3"}
    answer = aiko.push(
        change(member, "name", "高松 一朗", t + 5, t - 1, **person),
        change(added, PARENT, household, t + 6, **person),
        change(added, "name", "高松 次郎", t + 7, **person),
    )
    assert answer["conflicts"] == 2  # the rename and the new member
    got = kenta.pull()
    assert {item["area"] for item in got} == {"kagawa"}
    kinds = {
        (item["record_id"], item["value"]["kind"]) for item in got if item["kind"] == "conflict"
    }
    assert kinds == {(member, "edit_after_transfer"), (added, "edit_after_transfer")}
    assert _records(got)[added] == {PARENT: household, "name": "高松 次郎"}
    state = api.storage.field_state(member, "name")
    assert state is not None and state.value == "高松 一朗"


def test_a_change_of_another_area_not_left_by_the_household_is_still_refused(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    shoji = api.user_with_device("shoji", ["shoga"])
    household, _, t = _household_with_member(api, aiko)
    aiko.push(change(household, AREA, "kagawa", t, area="mure"))
    # Shoga never held it: its writes do not follow it into kagawa.
    sneaky = change(household, "status", "closed", t + 1, area="shoga")
    assert_error(shoji.post("/v1/push", {"changes": [sneaky]}), 403, "area_forbidden")


def test_two_transfers_that_did_not_see_each_other_one_stands_the_other_is_kept(
    api: Api,
) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    boss = api.user_with_device("boss", ["kagawa", "shoga"], role="supervisor")
    household, member, t = _household_with_member(api, aiko)
    aiko.push(change(household, AREA, "kagawa", t + 10, t - 1, area="mure", site="a1a1a1a1"))
    boss.pull()
    # Another mure laptop transferred it to shoga before syncing, stamped earlier: it loses.
    answer = aiko.push(change(household, AREA, "shoga", t + 5, t - 1, area="mure", site="b2b2b2b2"))
    assert answer["conflicts"] == 1
    got = boss.pull()
    conflicts = {item["value"]["conflict_id"]: item for item in got if item["kind"] == "conflict"}
    [conflict] = conflicts.values()
    assert {item["area"] for item in got if item["kind"] == "conflict"} == {"kagawa", "shoga"}
    assert conflict["value"]["kind"] == "transfer_superseded"
    assert conflict["value"]["loser"]["value"] == "shoga"
    assert [m.to_area for m in api.storage.transfers_of(household)] == ["kagawa"]
    # The losing laptop let the household go to shoga: it is sent whole again, to its area
    # and to shoga, with the winning transfer, so that laptops find it where it is.
    resent = _records([item for item in got if item["area"] == "shoga"])
    assert resent[household][AREA] == "kagawa"
    assert resent[member] == {PARENT: household, "name": "高松 一郎"}


def test_a_moved_households_open_conflicts_go_with_it(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, _, t = _household_with_member(api, aiko)
    aiko.push(change(household, "status", "active", t, area="mure", site="a1a1a1a1"))
    aiko.push(change(household, "status", "closed", t + 1, area="mure", site="b2b2b2b2"))
    [conflict] = [item for item in aiko.pull() if item["kind"] == "conflict"]
    kenta.pull()
    aiko.push(change(household, AREA, "kagawa", t + 2, area="mure"))
    [moved] = [item for item in kenta.pull() if item["kind"] == "conflict"]
    assert moved["value"]["conflict_id"] == conflict["change_id"]
    assert moved["value"]["area"] == "kagawa"


def test_a_transfer_to_no_area_is_refused(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    household, _, t = _household_with_member(api, aiko)
    bad = change(household, AREA, "atlantis", t, area="mure")
    assert_error(aiko.post("/v1/push", {"changes": [bad]}), 400, "bad_request")
    member = change(new_id(), AREA, "kagawa", t, area="mure", record_type="person")
    assert_error(aiko.post("/v1/push", {"changes": [member]}), 400, "bad_request")


def test_a_push_may_edit_a_household_in_the_area_it_transferred_it_to(api: Api) -> None:
    sachi = api.user_with_device("sachi", ["mure", "kagawa"])
    household, member, t = _household_with_member(api, sachi)
    answer = sachi.push(
        change(household, AREA, "kagawa", t, area="mure"),
        change(member, "name", "高松 一朗", t + 1, t - 1, area="kagawa", record_type="person"),
    )
    assert answer["conflicts"] == 0
    state = api.storage.field_state(member, "name")
    assert state is not None and state.value == "高松 一朗"


def test_the_laptop_of_a_superseded_transfer_may_still_send_its_edits(api: Api) -> None:
    sachi = api.user_with_device("sachi", ["mure", "kagawa", "shoga"])
    household, member, t = _household_with_member(api, sachi)
    sachi.push(change(household, AREA, "shoga", t + 10, t - 1, area="mure", site="a1a1a1a1"))
    # Another laptop had sent it to kagawa and edited it there; its transfer loses.
    answer = sachi.push(
        change(household, AREA, "kagawa", t + 5, t - 1, area="mure", site="b2b2b2b2"),
        change(member, "name", "高松 一朗", t + 6, t - 1, area="kagawa", record_type="person"),
    )
    assert answer["conflicts"] == 2  # the transfer superseded, the edit flagged
    state = api.storage.field_state(member, "name")
    assert state is not None and state.value == "高松 一朗"
    assert [m.to_area for m in api.storage.transfers_of(household)] == ["shoga"]


def test_a_conflict_settled_on_the_sending_side_after_the_transfer_is_taken(api: Api) -> None:
    # Found by the convergence machine: a laptop of mure settles a conflict it holds, not
    # knowing the household went to kagawa meanwhile. The settling change is taken after the
    # household, and settles the conflict there.
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, _, t = _household_with_member(api, aiko)
    aiko.push(change(household, "status", "active", t, area="mure", site="a1a1a1a1"))
    aiko.push(change(household, "status", "closed", t + 1, area="mure", site="b2b2b2b2"))
    [conflict] = [item for item in aiko.pull() if item["kind"] == "conflict"]
    aiko.push(change(household, AREA, "kagawa", t + 2, area="mure", site="c3c3c3c3"))
    settle = change(
        household,
        "status",
        "active",
        t + 3,
        t + 1,
        area="mure",
        site="a1a1a1a1",
        resolves=conflict["change_id"],
    )
    assert aiko.push(settle)["acknowledged"] == [settle["change_id"]]
    got = kenta.pull()
    assert conflict["change_id"] in {item.get("resolves") for item in got}


def test_each_moved_record_is_copied_parent_first_and_its_delete_last(api: Api) -> None:
    """Copies span pages; a laptop takes a record new to it, without its parent, made of its
    own changes only, for an echo of a record it let go (vault.replica). So each record's
    copies start with its `_parent_id`: a page never ends on a bare `_deleted` of it."""
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, member, t = _household_with_member(api, aiko)
    aiko.push(change(member, "_deleted", True, t, record_type="person"))
    kenta.pull()
    aiko.push(change(household, AREA, "kagawa", t + 1, area="mure"))
    fields = [item["field"] for item in kenta.pull() if item["record_id"] == member]
    assert fields[0] == PARENT and fields[-1] == "_deleted", fields
