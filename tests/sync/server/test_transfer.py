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
    # The losing laptop holds the household in shoga (or let it go): it is told there where
    # the household is, by the conflict (whose winner it takes), first; the entry that holds
    # is the last, in kagawa. Nothing of the household's records goes to shoga, where it
    # never was (it was sent whole there before: its records leaked to an area that never
    # held it).
    told = [item for item in got if item["area"] == "shoga"]
    assert [(item["kind"], item["value"]["winner"]["value"]) for item in told] == [
        ("conflict", "kagawa")
    ]
    assert got[-1]["kind"] == "conflict" and got[-1]["area"] == "kagawa"
    assert member not in {item["record_id"] for item in got}


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


def test_a_later_transfer_from_the_area_the_household_left_does_not_move_it(api: Api) -> None:
    # Two mure laptops transferred the household before syncing; the one stamped later
    # reaches the server second. The first to reach the server stands (the later clock won
    # before, and moved the household again).
    aiko = api.user_with_device("aiko", ["mure"])
    yui = api.user_with_device("yui", ["mure", "shoga"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, _, t = _household_with_member(api, aiko)
    api.clock.advance(60)
    aiko.push(change(household, AREA, "kagawa", t + 5, t - 1, area="mure"))
    answer = yui.push(change(household, AREA, "shoga", t + 10, t - 1, area="mure", site="b2b2b2b2"))
    assert answer["conflicts"] == 1
    state = api.storage.field_state(household, AREA)
    assert state is not None and state.value == "kagawa"
    assert [m.to_area for m in api.storage.transfers_of(household)] == ["kagawa"]
    [conflict] = [item["value"] for item in kenta.pull() if item["kind"] == "conflict"]
    assert (conflict["kind"], conflict["area"]) == ("transfer_superseded", "kagawa")
    assert (conflict["loser"]["value"], conflict["winner"]["value"]) == ("shoga", "kagawa")
    # Yui's laptop holds it in shoga: it is told there where it is, and nothing more.
    told = [item for item in yui.pull() if item["area"] == "shoga"]
    assert [(item["kind"], item["value"]) for item in told] == [
        ("conflict", {**conflict, "area": "shoga"})
    ]


def test_an_old_area_cannot_take_a_household_back_once_it_knew_it_left(api: Api) -> None:
    # The reviewer's attack: aiko (mure only) transfers a household to kagawa and pulls the
    # transfer; kenta edits it there. Then aiko's token (a patched client, or one leaked)
    # sends the household back to mure on top of the transfer's clock, with an edit and a new
    # member, written in mure (and with her transfer's site: what a laptop writes after its
    # own transfer was taken without a flag). The server took the `_area` change into kagawa,
    # where it won: the household moved back to mure, and kenta's work with it.
    aiko = api.user_with_device("aiko", ["mure"])
    kenta = api.user_with_device("kenta", ["kagawa"])
    household, member, t = _household_with_member(api, aiko)
    aiko.push(change(household, AREA, "kagawa", t, t - 1, area="mure"))
    aiko.pull()
    kenta.pull()
    kenta.push(
        change(household, "status", "watching", t + 1, area="kagawa", site="d4d4d4d4"),
        change(member, "name", "香川 一郎", t + 2, t - 1, area="kagawa", record_type="person"),
    )
    transferred = api.storage.field_state(household, AREA)
    assert transferred is not None
    added = new_id()
    attack = [
        change(household, AREA, "mure", t + 10, transferred.hlc, area="mure"),
        change(household, "status", "closed", t + 11, t + 1, area="mure"),
        change(member, "name", "高松 一郎", t + 12, t + 2, area="mure", record_type="person"),
        change(added, PARENT, household, t + 13, area="mure", record_type="person"),
    ]
    answer = aiko.push(*attack)
    assert answer["acknowledged"] == [c["change_id"] for c in attack]  # nothing to resend
    assert answer["conflicts"] == 4
    # The household stays in kagawa, with what kenta wrote; no second transfer.
    where = api.storage.field_state(household, AREA)
    assert where is not None and where.change_id == transferred.change_id
    assert [m.to_area for m in api.storage.transfers_of(household)] == ["kagawa"]
    kept = ((household, "status", "watching"), (member, "name", "香川 一郎"))
    for record_id, name, value in kept:
        state = api.storage.field_state(record_id, name)
        assert state is not None and state.value == value
    assert api.storage.field_state(added, PARENT) is None
    # Nothing comes back to mure.
    assert aiko.pull() == []
    # Kenta's area sees each attempt, with the value that holds.
    got = kenta.pull()
    assert {item["area"] for item in got} == {"kagawa"}
    kinds = {
        (item["record_id"], item["value"]["kind"], item["value"]["loser"]["value"])
        for item in got
        if item["kind"] == "conflict"
    }
    assert kinds == {
        (household, "transfer_superseded", "mure"),
        (household, "edit_after_transfer", "closed"),
        (member, "edit_after_transfer", "高松 一郎"),
        (added, "edit_after_transfer", household),
    }
    # None of it is applied, nor logged as a change anywhere.
    assert {c["change_id"] for c in attack}.isdisjoint(item["change_id"] for item in api.log())


def test_a_colleagues_laptop_has_one_sync_to_send_what_it_wrote_before_it_knew(api: Api) -> None:
    # An edit saved while kumi's laptop was between its push and its pull reaches the server
    # at her next sync, after her laptop pulled the transfer: it is taken. A sync later, her
    # laptop had let go of the household: what comes then is kept for review, not applied.
    aiko = api.user_with_device("aiko", ["mure"])
    kumi = api.user_with_device("kumi", ["mure"])
    household, member, t = _household_with_member(api, aiko)
    api.clock.advance(60)
    aiko.push(change(household, AREA, "kagawa", t, t - 1, area="mure"))
    person = {"area": "mure", "record_type": "person", "site": "c3c3c3c3"}

    def sync(*changes: dict[str, Any]) -> dict[str, Any] | None:
        assert kumi.get("/v1/status").status_code == 200
        answer = kumi.push(*changes) if changes else None
        kumi.pull()
        return answer

    sync()  # brings her the transfer; the rename was saved meanwhile
    answer = sync(change(member, "name", "高松 一朗", t + 5, t - 1, **person))
    assert answer is not None and answer["conflicts"] == 1
    state = api.storage.field_state(member, "name")
    assert state is not None and state.value == "高松 一朗"
    answer = sync(change(member, "name", "高松 太郎", t + 6, t + 5, **person))
    assert answer is not None and answer["conflicts"] == 1
    state = api.storage.field_state(member, "name")
    assert state is not None and state.value == "高松 一朗"
    # The laptop that sent the transfer had no grace: what it wrote before the transfer went
    # before it. Nor a device enrolled after the transfer: it never held the household.
    aiko.pull()
    later = api.enroll("kumi")
    for device, value in ((aiko, "高松 次郎"), (later, "高松 三郎")):
        answer = device.push(change(member, "name", value, t + 7, t + 5, **person))
        assert answer["conflicts"] == 1
        state = api.storage.field_state(member, "name")
        assert state is not None and state.value == "高松 一朗"
