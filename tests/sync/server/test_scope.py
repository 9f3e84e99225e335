"""Area scoping: who may write and see which area; gaining an area backfills it."""

from __future__ import annotations

from typing import Any

import pytest

from marugoto_sync.record_types import RECORD_TYPES
from marugoto_sync.server.cli import main

from .support import Api, Device, assert_error, change, entries, new_id


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


# -- what a push may say: city-wide records, parents, conflicts settled ----------------------


def _refusal(device: Device, *changes: dict[str, Any]) -> str:
    """The message of a push refused as not the user's to write, ids left out."""
    body = assert_error(device.post("/v1/push", {"changes": list(changes)}), 403, "area_forbidden")
    message = str(body["message"])
    for c in changes:
        message = message.replace(c["change_id"], "<change>")
        for ref in (c["record_id"], c["value"], c.get("resolves")):
            if isinstance(ref, str):
                message = message.replace(ref, "<id>")
    return message


def _member(person: str, household: str, t: int, area: str | None) -> list[dict[str, Any]]:
    """A new member as a laptop pushes it: its parent first, then a field."""
    return [
        change(person, "_parent_id", household, t, area=area, record_type="person"),
        change(person, "name", "香川 花子", t, area=area, record_type="person"),
    ]


@pytest.mark.parametrize("record_type", sorted(set(RECORD_TYPES) - {"meeting"}))
def test_only_a_meeting_may_be_city_wide(api: Api, record_type: str) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    field_name = sorted(RECORD_TYPES[record_type].fields)[0]
    city_wide = change(
        new_id(), field_name, "x", api.clock.stamp(-1), area=None, record_type=record_type
    )
    body = assert_error(aiko.post("/v1/push", {"changes": [city_wide]}), 400, "bad_request")
    assert "only a meeting may be city-wide" in body["message"]
    assert api.head() == 0


def test_a_person_cannot_be_slipped_into_another_areas_household(api: Api) -> None:
    """The attack found: a mure consultant added a member to a kagawa household."""
    ken = api.user_with_device("ken", ["kagawa"])
    aiko = api.user_with_device("aiko", ["mure"])
    household, person, t = new_id(), new_id(), api.clock.stamp(-60_000)
    ken.push(change(household, "name", "香川家", t, area="kagawa"))
    ken.pull()
    head = api.head()

    # City-wide, as it was done: refused as a city-wide person.
    city_wide = _member(person, household, t + 1, None)
    assert_error(aiko.post("/v1/push", {"changes": city_wide}), 400, "bad_request")
    # In her own area, under the kagawa household: refused as a parent not hers.
    _refusal(aiko, *_member(person, household, t + 1, "mure"))

    assert api.head() == head and ken.pull() == []
    assert api.storage.field_state(person, "name") is None


def test_a_parent_must_be_a_record_of_the_same_area_the_user_may_write(api: Api) -> None:
    ken = api.user_with_device("ken", ["kagawa"])
    boss = api.user_with_device("boss", ["mure", "kagawa"], role="supervisor")
    aiko = api.user_with_device("aiko", ["mure"])
    t = api.clock.stamp(-60_000)
    kagawa_household, mure_household, mure_activity = new_id(), new_id(), new_id()
    ken.push(change(kagawa_household, "name", "香川家", t, area="kagawa"))
    aiko.push(
        change(mure_household, "name", "牟礼家", t),
        change(mure_activity, "date", "2024-05-01", t, record_type="activity"),
    )
    head = api.head()

    def under(parent: str) -> list[dict[str, Any]]:
        return _member(new_id(), parent, t + 1, "mure")

    answers = {
        "another area's household": _refusal(aiko, *under(kagawa_household)),
        "no record at all": _refusal(aiko, *under(new_id())),
        "a record of another type": _refusal(aiko, *under(mure_activity)),
        # A supervisor holds both areas, yet a record's area is its parent's.
        "a household of another area of the same user": _refusal(boss, *under(kagawa_household)),
    }
    # One answer, whether the parent exists elsewhere, is of another type, or does not exist.
    assert len(set(answers.values())) == 1, answers
    assert "parent <id> is not a household of area mure" in answers["no record at all"]
    assert api.head() == head

    assert aiko.push(*under(mure_household))["conflicts"] == 0
    assert boss.push(*_member(new_id(), kagawa_household, t + 2, "kagawa"))["conflicts"] == 0


def test_a_parent_may_come_later_in_the_same_push(api: Api) -> None:
    """A restored laptop's replays may send a member before its household."""
    aiko = api.user_with_device("aiko", ["mure"])
    household, person, t = new_id(), new_id(), api.clock.stamp(-60_000)
    member = _member(person, household, t, "mure")
    answer = aiko.push(*member, change(household, "name", "牟礼家", t))
    assert answer["conflicts"] == 0 and len(answer["acknowledged"]) == 3
    assert api.storage.field_state(person, "_parent_id") is not None


def test_a_record_answers_alike_whatever_its_true_type_and_area(api: Api) -> None:
    ken = api.user_with_device("ken", ["shoga"])
    aiko = api.user_with_device("aiko", ["mure"])
    t = api.clock.stamp(-60_000)
    shoga_household, shoga_person, mure_household = new_id(), new_id(), new_id()
    ken.push(
        change(shoga_household, "name", "勝賀家", t, area="shoga"),
        *_member(shoga_person, shoga_household, t, "shoga"),
    )
    aiko.push(change(mure_household, "name", "牟礼家", t))
    head = api.head()

    def as_her_person(record: str) -> dict[str, Any]:
        return change(record, "name", "x", t + 1, t, record_type="person")

    answers = {
        "another area's person": _refusal(aiko, as_her_person(shoga_person)),
        "another area's household": _refusal(aiko, as_her_person(shoga_household)),
        "her own household": _refusal(aiko, as_her_person(mure_household)),
    }
    assert len(set(answers.values())) == 1, answers
    assert "household" not in answers["her own household"]
    assert api.head() == head


def _conflict_in(device: Device, api: Api, area: str) -> str:
    """Two edits that did not see each other, in `area`: the conflict's id."""
    household, t = new_id(), api.clock.stamp(-60_000)
    device.push(change(household, "status", "active", t, area=area, site="a1a1a1a1"))
    device.push(change(household, "status", "closed", t + 20, t, area=area, site="b2b2b2b2"))
    device.push(change(household, "status", "watching", t + 10, t, area=area, site="a1a1a1a1"))
    (conflict,) = [i for i in device.pull() if i["kind"] == "conflict" and i["area"] == area]
    return str(conflict["change_id"])


def test_only_a_conflict_of_the_users_areas_can_be_settled(api: Api) -> None:
    ken = api.user_with_device("ken", ["kagawa"])
    aiko = api.user_with_device("aiko", ["mure"])
    kagawa_conflict = _conflict_in(ken, api, "kagawa")
    head = api.head()
    t = api.clock.stamp(-1)

    def settling(conflict_id: str) -> list[dict[str, Any]]:
        """Her own meeting (seen by everyone) and her own household, each settling it."""
        meeting = change(new_id(), "title", "x", t, area=None, record_type="meeting")
        return [
            {**meeting, "resolves": conflict_id},
            change(new_id(), "status", "active", t, resolves=conflict_id),
        ]

    answers = [_refusal(aiko, c) for c in settling(kagawa_conflict)]
    answers += [_refusal(aiko, c) for c in settling(new_id())]  # a conflict nobody has
    assert len(set(answers)) == 1, answers
    assert api.head() == head
    # The conflict stays on its owner's list: nothing that settles it reached the log.
    assert not any(item.get("resolves") for item in api.log())

    # Her own conflicts she settles, and so does Ken his.
    mure_conflict = _conflict_in(aiko, api, "mure")
    for device, conflict_id in ((aiko, mure_conflict), (ken, kagawa_conflict)):
        meeting = change(new_id(), "title", "x", t, area=None, record_type="meeting")
        settled = {**meeting, "resolves": conflict_id}
        assert device.push(settled)["acknowledged"] == [settled["change_id"]]


def test_after_a_restore_a_conflict_the_server_lost_can_still_be_settled(api: Api) -> None:
    """Laptops may hold conflicts from the end of the log a restore took away."""
    ken = api.user_with_device("ken", ["kagawa"])
    aiko = api.user_with_device("aiko", ["mure"])
    kagawa_conflict = _conflict_in(ken, api, "kagawa")
    api.storage.record_restore(api.clock.now())
    t = api.clock.stamp(-1)
    lost = change(new_id(), "status", "active", t, resolves=new_id())
    assert aiko.push(lost)["acknowledged"] == [lost["change_id"]]
    # One the server holds is still judged by its area.
    _refusal(aiko, change(new_id(), "status", "active", t, resolves=kagawa_conflict))


# -- the agency directory is the city's ----------------------------------------------------


def _agency(area: str, hlc: int, name: str = "保健センター", **kwargs: Any) -> dict[str, Any]:
    return change(new_id(), "name", name, hlc, area=area, record_type="agency", **kwargs)


def test_every_user_receives_every_agency_whatever_their_areas(api: Api) -> None:
    honcho = api.user_with_device("honcho", ["honcho"])
    t = api.clock.stamp(-60_000)
    agency = _agency("honcho", t)
    household = change(new_id(), "status", "active", t + 1, area="honcho")
    honcho.push(agency, household)
    aiko = api.user_with_device("aiko", ["mure"])
    nobody = api.user_with_device("newcomer", [])
    # The agency registered by 本庁 reaches Aiko (mure) and a user of no area; the household
    # does not.
    assert [_wire(i) for i in aiko.pull()] == [agency]
    assert [_wire(i) for i in nobody.pull()] == [agency]


def test_any_user_may_add_or_edit_an_agency_of_any_area(api: Api) -> None:
    honcho = api.user_with_device("honcho", ["honcho"])
    aiko = api.user_with_device("aiko", ["mure"])
    t = api.clock.stamp(-60_000)
    agency = _agency("honcho", t)
    honcho.push(agency)
    # Aiko corrects its phone number (it keeps the area that registered it) ...
    phone = change(agency["record_id"], "phone", "087-000-0000", t + 1, area="honcho",
                   record_type="agency")  # fmt: skip
    assert aiko.push(phone)["acknowledged"] == [phone["change_id"]]
    # ... and registers one under an area she does not hold: the directory is everyone's.
    other = _agency("shoga", t + 2, "勝賀の居場所")
    assert aiko.push(other)["acknowledged"] == [other["change_id"]]
    # It stays an agency of its area: it cannot be moved or turned into a household.
    moved = change(agency["record_id"], "note", "移転", t + 3, area="mure", record_type="agency")
    assert_error(aiko.post("/v1/push", {"changes": [moved]}), 403, "area_forbidden")
    hijack = change(agency["record_id"], "status", "active", t + 3, area="honcho")
    assert_error(aiko.post("/v1/push", {"changes": [hijack]}), 403, "area_forbidden")
    # And a household of an area she does not hold stays out of reach.
    foreign = change(new_id(), "status", "active", t + 4, area="honcho")
    assert_error(aiko.post("/v1/push", {"changes": [foreign]}), 403, "area_forbidden")


def test_a_conflict_over_an_agency_reaches_everyone_and_anyone_may_settle_it(api: Api) -> None:
    honcho = api.user_with_device("honcho", ["honcho"])
    aiko = api.user_with_device("aiko", ["mure"])
    t = api.clock.stamp(-60_000)
    agency = _agency("honcho", t)
    honcho.push(agency)
    record = agency["record_id"]
    # Both change the name, each not having seen the other's: a conflict.
    mine = change(record, "name", "高松市保健センター", t + 1, t, area="honcho",
                  record_type="agency", site="b2b2b2b2")  # fmt: skip
    theirs = change(record, "name", "保健センター（本庁）", t + 2, t, area="honcho",
                    record_type="agency")  # fmt: skip
    honcho.push(theirs)
    assert aiko.push(mine)["conflicts"] == 1
    [conflict] = [i for i in aiko.pull() if i["kind"] == "conflict"]
    settle = change(record, "name", "高松市保健センター", t + 3, t + 2, area="honcho",
                    record_type="agency", site="b2b2b2b2",
                    resolves=conflict["change_id"])  # fmt: skip
    assert aiko.push(settle)["acknowledged"] == [settle["change_id"]]


def test_the_directory_is_backfilled_alone_up_to_a_bound(api: Api) -> None:
    written = _push_everywhere(api)
    boss = api.enroll("boss")
    t = api.clock.stamp(-1)
    agencies = [_agency(area, t + i) for i, area in enumerate(["shoga", "kagawa"])]
    boss.push(*agencies)
    until = api.head()
    boss.push(_agency("mure", t + 5))  # after the bound
    aiko = api.user_with_device("aiko", ["mure"])
    page = aiko.get("/v1/changes", after=0, until=until, directory="true").json()
    assert [_wire(i) for i in entries(page)] == agencies
    assert page["next"] == until and written  # the households and the meeting are left out
    both = aiko.get("/v1/changes", area="mure", directory="true")
    assert_error(both, 400, "bad_request")
