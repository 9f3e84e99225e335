"""The in-memory Record: empty values are never stored."""

from __future__ import annotations

import dataclasses

import pytest

from marugoto_desktop.domain.records import Record, is_empty

RID = "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"
HID = "017f22e2-79b0-7cc3-98c4-dc0c0c073990"


@pytest.mark.parametrize("value", [None, "", []])
def test_empty_values(value: object) -> None:
    assert is_empty(value)


@pytest.mark.parametrize("value", [False, 0, " ", "0", ["a"], "x"])
def test_non_empty_values(value: object) -> None:
    """False and 0 are real answers (「同居しない」, 0 contacts), not blanks."""
    assert not is_empty(value)


def test_with_fields_changes_and_clears_and_keeps_the_envelope() -> None:
    record = Record(RID, "person", "mure", HID, {"name": "高松 花子", "kana": "たかまつ はなこ"})
    changed = record.with_fields(name="高松 春子", kana=None, lives_with_household=False)
    assert changed.fields == {"name": "高松 春子", "lives_with_household": False}
    assert (changed.id, changed.type, changed.area, changed.parent_id, changed.deleted) == (
        RID,
        "person",
        "mure",
        HID,
        False,
    )
    # The original is untouched.
    assert record.fields == {"name": "高松 花子", "kana": "たかまつ はなこ"}


@pytest.mark.parametrize("blank", [None, "", []])
def test_with_fields_clears_on_any_blank(blank: object) -> None:
    record = Record(RID, "meeting", None, None, {"household_ids": [HID], "title": "定例"})
    assert record.with_fields(household_ids=blank).fields == {"title": "定例"}


def test_with_fields_keeps_the_deleted_flag() -> None:
    record = Record(RID, "agency", "mure", None, {"name": "包括"}, deleted=True)
    assert record.with_fields(name="地域包括支援センター").deleted is True


def test_get_and_immutability() -> None:
    record = Record(RID, "agency", "mure", None, {"name": "包括"})
    assert record.get("name") == "包括"
    assert record.get("phone") is None
    assert record.get("phone", "-") == "-"
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.area = "shoga"  # type: ignore[misc]
