"""The exchange format's line codec: generated records survive a round trip."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marugoto_desktop.domain.exchange import LineError, from_line, to_line
from marugoto_desktop.domain.schema import SCHEMAS

from .test_validation import valid_records


@pytest.mark.parametrize("type_", sorted(SCHEMAS))
@given(data=st.data())
def test_line_round_trip(type_: str, data: st.DataObject) -> None:
    record, _ = data.draw(valid_records(type_))
    line = to_line(record)
    assert "\n" not in line
    assert from_line(line, 1) == record
    assert to_line(from_line(line, 1)) == line  # type: ignore[arg-type]


@pytest.mark.parametrize("type_", sorted(SCHEMAS))
@given(data=st.data())
def test_keys_come_in_a_fixed_order(type_: str, data: st.DataObject) -> None:
    record, _ = data.draw(valid_records(type_))
    keys = list(json.loads(to_line(record)))
    envelope = [k for k in ("type", "id", "area", "parent_id") if k in keys]
    assert keys[: len(envelope)] == envelope
    fields = keys[len(envelope) :]
    order = SCHEMAS[type_].field_names
    assert fields == sorted(fields, key=order.index)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[1, 2]", "-"),
        ('{"type": "nope", "id": "x"}', "type"),
        ('{"type": "household"}', "id"),
        ('{"type": "household", "id": "x", "area": 3}', "area"),
        ('{"type": "household", "id": "x", "shoe_size": 3}', "shoe_size"),
        ('{"type": "household", "id": "x", "name": null}', "name"),
        ("{", "-"),
    ],
)
def test_malformed_lines_name_the_field(text: str, field: str) -> None:
    error = from_line(text, 7)
    assert isinstance(error, LineError)
    assert (error.line, error.field) == (7, field)
    assert str(error).startswith("line 7: ")
