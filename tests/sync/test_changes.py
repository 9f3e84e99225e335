from __future__ import annotations

import pytest

from marugoto_sync.changes import MAX_VALUE_BYTES, Change, ChangeInvalid, change_from_wire

GOOD = {
    "change_id": "01900000-0000-7000-8000-000000000001",
    "type": "household",
    "record_id": "01900000-0000-7000-8000-000000000002",
    "area": "mure",
    "field": "status",
    "value": "active",
    "hlc": 200,
    "base_hlc": 100,
    "site": "abcdef0123456789",
}


def test_wire_round_trip() -> None:
    change = change_from_wire(GOOD)
    assert isinstance(change, Change)
    assert change.to_wire() == GOOD
    with_resolution = {**GOOD, "resolves": "01900000-0000-7000-8000-000000000003"}
    assert change_from_wire(with_resolution).to_wire() == with_resolution


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"change_id": "x"}, "change_id"),
        ({"record_id": None}, "record_id"),
        ({"type": "House Hold"}, "type"),
        ({"field": "DROP TABLE"}, "field"),
        ({"area": 5}, "area"),
        ({"hlc": -1}, "hlc"),
        ({"hlc": True}, "hlc"),
        ({"hlc": "200"}, "hlc"),
        ({"base_hlc": 200}, "base_hlc"),
        ({"site": "not hex!"}, "site"),
        ({"value": "x" * (MAX_VALUE_BYTES + 1)}, "value"),
        ({"resolves": "nope"}, "resolves"),
    ],
)
def test_malformed_changes_name_the_field(patch: dict, field: str) -> None:
    with pytest.raises(ChangeInvalid, match=field):
        change_from_wire({**GOOD, **patch})


def test_not_an_object() -> None:
    with pytest.raises(ChangeInvalid):
        change_from_wire(["a"])


def test_city_wide_changes_have_no_area() -> None:
    assert change_from_wire({**GOOD, "area": None}).area is None


def test_a_replay_says_so_on_the_wire_and_only_with_a_boolean() -> None:
    replayed = change_from_wire({**GOOD, "replay": True})
    assert replayed.replay and replayed.to_wire() == {**GOOD, "replay": True}
    assert "replay" not in change_from_wire(GOOD).to_wire()
    with pytest.raises(ChangeInvalid, match="replay"):
        change_from_wire({**GOOD, "replay": "yes"})
