from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marugoto_sync.changes import (
    MAX_VALUE_BYTES,
    MAX_VALUE_DEPTH,
    Change,
    ChangeInvalid,
    change_from_wire,
)

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


def nested(depth: int, inner: Any = "x") -> Any:
    """`inner` inside `depth` lists and objects, alternately."""
    value = inner
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def depth_of(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    return 0


def test_a_value_nests_up_to_the_bound_and_not_one_level_more() -> None:
    assert depth_of(nested(MAX_VALUE_DEPTH)) == MAX_VALUE_DEPTH
    assert change_from_wire({**GOOD, "value": nested(MAX_VALUE_DEPTH)}).value == nested(
        MAX_VALUE_DEPTH
    )
    with pytest.raises(ChangeInvalid, match=f"value: .*deeper than {MAX_VALUE_DEPTH} levels"):
        change_from_wire({**GOOD, "value": nested(MAX_VALUE_DEPTH + 1)})
    # What the server was found to accept before: 956 levels.
    with pytest.raises(ChangeInvalid, match="value"):
        change_from_wire({**GOOD, "value": nested(956)})


def test_a_value_takes_up_to_its_size_bound_and_not_one_byte_more() -> None:
    at_bound = "x" * (MAX_VALUE_BYTES - 2)  # the two quotes make it MAX_VALUE_BYTES as JSON
    assert change_from_wire({**GOOD, "value": at_bound}).value == at_bound
    with pytest.raises(ChangeInvalid, match="value: larger than"):
        change_from_wire({**GOOD, "value": at_bound + "x"})


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.integers(MAX_VALUE_DEPTH - 6, MAX_VALUE_DEPTH + 2))
def test_a_value_is_accepted_exactly_when_it_nests_no_deeper_than_the_bound(
    inner: Any, wrapping: int
) -> None:
    value = nested(wrapping, inner)
    try:
        change_from_wire({**GOOD, "value": value})
    except ChangeInvalid:
        accepted = False
    else:
        accepted = True
    assert accepted == (depth_of(value) <= MAX_VALUE_DEPTH)
