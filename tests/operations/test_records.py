"""Write operations over every record type: create, edit, delete, restore, and what changed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.operations.changes import NOTHING, OpChanges
from marugoto_desktop.operations.records import (
    create_record,
    delete_record,
    edit_record,
    get_record,
    restore_record,
)
from marugoto_desktop.vault import RecordNotFound, Vault


@pytest.fixture
def world(vault: Vault) -> dict[str, str]:
    """One household with one of every record type under or around it."""
    ids: dict[str, str] = {}
    ids["agency"] = create_record(
        vault, "agency", {"name": "包括（仮）", "agency_type": "chiiki_houkatsu"}, area="mure"
    ).record.id
    hh = create_record(vault, "household", {"name": "牟礼家", "status": "active"}, area="mure")
    ids["household"] = hh.record.id
    ids["person"] = create_record(
        vault, "person", {"name": "牟礼 花子"}, parent_id=hh.record.id
    ).record.id
    return ids


# A valid first version and a partial edit of every record type, given the world.
def examples(ids: dict[str, str]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return {
        "household": ({"name": "香川家", "status": "active"}, {"status": "watching"}),
        "person": ({"name": "香川 一郎", "kana": "かがわ いちろう"}, {"kana": None}),
        "issue": ({"category": "debt", "is_main": True}, {"note": "多重債務"}),
        "activity": (
            {"date": "2025-05-01", "kind": "consult.phone"},
            {"next_date": "2025-05-08"},
        ),
        "agency": ({"name": "社協（仮）", "agency_type": "shakyo"}, {"phone": "087-000-0002"}),
        "referral": (
            {
                "agency_id": ids["agency"],
                "direction": "out",
                "date": "2025-05-01",
                "status": "open",
            },
            {"status": "acknowledged"},
        ),
        "meeting": (
            {"date": "2025-05-10", "meeting_type": "regular", "household_ids": [ids["household"]]},
            {"decisions": "見守りを続ける"},
        ),
        "consent": (
            {"person_id": ids["person"], "granted_on": "2025-04-01", "method": "signature"},
            {"withdrawn_on": "2025-06-01"},
        ),
    }


NOBODY = "01900000-0000-7000-8000-000000000001"  # a household id no vault holds
UNDER_HOUSEHOLD = {"person", "issue", "activity", "referral", "consent"}


@pytest.mark.parametrize(
    "record_type",
    ["household", "person", "issue", "activity", "agency", "referral", "meeting", "consent"],
)
def test_every_type_is_created_edited_deleted_and_restored(
    vault: Vault, world: dict[str, str], record_type: str
) -> None:
    first, edit = examples(world)[record_type]
    parent = world["household"] if record_type in UNDER_HOUSEHOLD else None
    area = None if parent else "mure"
    saved = create_record(vault, record_type, first, area=area, parent_id=parent)
    record = saved.record
    assert record.area == "mure"  # under a household: the household's area
    households = {parent} if parent else set()
    if record_type == "household":
        households = {record.id}
    elif record_type == "meeting":
        households = {world["household"]}
    assert saved.changes == OpChanges(
        frozenset({record_type}), frozenset({record.id}), frozenset(households)
    )

    edited = edit_record(vault, record.id, edit)
    assert dict(edited.record.fields) == {
        k: v for k, v in {**first, **edit}.items() if v is not None
    }
    assert edited.changes.ids == {record.id}
    assert vault.get(record.id) == edited.record
    assert edit_record(vault, record.id, edit).changes == NOTHING  # the same again: no edit

    deleted = delete_record(vault, record.id)
    assert deleted.ids == {record.id} and deleted.types == {record_type}
    assert vault.get(record.id) is None
    with pytest.raises(RecordNotFound):
        get_record(vault, record.id)

    restored = restore_record(vault, record.id)
    assert restored.ids == {record.id}
    assert get_record(vault, record.id) == edited.record


def test_deleting_a_household_says_which_records_went_with_it(
    vault: Vault, world: dict[str, str]
) -> None:
    changes = delete_record(vault, world["household"])
    assert changes.ids == {world["household"], world["person"]}
    assert changes.types == {"household", "person"}
    assert changes.touches("person") and not changes.touches("agency")
    assert changes.touches_household(world["household"])
    assert restore_record(vault, world["household"]).ids == changes.ids


def test_validation_errors_carry_field_codes(vault: Vault, world: dict[str, str]) -> None:
    with pytest.raises(RecordInvalid) as caught:
        create_record(
            vault, "activity", {"date": "2025-02-30", "content": "x"}, parent_id=world["household"]
        )
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("date", "not_a_date"),
        ("kind", "required"),
    }
    with pytest.raises(RecordInvalid) as caught:
        edit_record(vault, world["household"], {"name": None})
    assert [(e.field, e.code) for e in caught.value.errors] == [("name", "required")]


def test_a_member_of_a_missing_household_is_refused_on_its_parent(vault: Vault) -> None:
    with pytest.raises(RecordInvalid) as caught:
        create_record(
            vault,
            "person",
            {"name": "誰か"},
            parent_id=NOBODY,
        )
    assert ("parent_id", "missing") in {(e.field, e.code) for e in caught.value.errors}


def test_an_agency_in_use_is_not_deleted(vault: Vault, world: dict[str, str]) -> None:
    create_record(
        vault, "referral",
        {"agency_id": world["agency"], "direction": "in", "date": "2025-05-01", "status": "open"},
        parent_id=world["household"],
    )  # fmt: skip
    with pytest.raises(RecordInvalid) as caught:
        delete_record(vault, world["agency"])
    assert [e.code for e in caught.value.errors] == ["referenced"]
    assert get_record(vault, world["agency"]).id == world["agency"]


def test_a_household_closed_gets_its_closing_day_and_loses_it_when_reopened(
    vault: Vault,
) -> None:
    day = date(2025, 7, 1)
    home = create_record(vault, "household", {"name": "一", "status": "active"},
                         area="mure", today=day).record  # fmt: skip
    assert "closed_on" not in home.fields
    closed = edit_record(vault, home.id, {"status": "closed", "closed_on": ""}, today=day)
    assert closed.record.fields["closed_on"] == "2025-07-01"
    assert closed.changes.touches_household(home.id)
    # Another edit keeps it; a day given is kept as given.
    kept = edit_record(vault, home.id, {"phone": "087-000-0000"}, today=date(2025, 8, 1))
    assert kept.record.fields["closed_on"] == "2025-07-01"
    given = edit_record(vault, home.id, {"closed_on": "2025-06-30"}, today=day)
    assert given.record.fields["closed_on"] == "2025-06-30"
    reopened = edit_record(vault, home.id, {"status": "watching"}, today=day)
    assert "closed_on" not in reopened.record.fields
    # Created closed, with and without a day.
    at_once = create_record(vault, "household", {"name": "二", "status": "closed"},
                            area="mure", today=day).record  # fmt: skip
    assert at_once.fields["closed_on"] == "2025-07-01"
    dated = create_record(vault, "household", {"name": "三", "status": "closed",
                                               "closed_on": "2025-03-31"}, area="mure")  # fmt: skip
    assert dated.record.fields["closed_on"] == "2025-03-31"
