"""How changes and conflicts are kept in the log, and how a pull serves them.

A pulled entry is the log row itself: `seq`, `kind` and the change's wire fields
(`Change.to_wire()`). For a conflict, `change_id` is the conflict's id and `value` holds
`Conflict.to_wire()`; clocks and site are those of the change that caused it. The conflict's
own kind (concurrent_edit, …) is inside `value`, clear of the entry's `kind`. A pull answer
carries its entries as columns (marugoto_sync.log_page).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..changes import Change
from ..log_page import LOG_COLUMNS
from ..merge import Conflict

# One encoder for every call: json.dumps with options builds a new one each time.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def to_json(value: Any) -> str:
    """Strict JSON text (no NaN), as stored in the log and the field states."""
    return _ENCODER.encode(value)


def change_row(change: Change) -> dict[str, Any]:
    """The log row of a change (without who sent it and when)."""
    return {
        "kind": "change",
        "change_id": change.change_id,
        "type": change.type,
        "record_id": change.record_id,
        "area": change.area,
        "field": change.field,
        "value": to_json(change.value),
        "hlc": change.hlc,
        "base_hlc": change.base_hlc,
        "site": change.site,
        "resolves": change.resolves,
    }


def conflict_row(conflict: Conflict, cause: Change) -> dict[str, Any]:
    # Clocks and site are those of the change that caused the conflict.
    return {
        "kind": "conflict",
        "change_id": conflict.conflict_id,
        "type": conflict.type,
        "record_id": conflict.record_id,
        "area": conflict.area,
        "field": conflict.field,
        "value": to_json(conflict.to_wire()),
        "hlc": cause.hlc,
        "base_hlc": cause.base_hlc,
        "site": cause.site,
        "resolves": None,
    }


# The log columns a pull answer is made of, in this order.
PULLED_COLUMNS = LOG_COLUMNS
_VALUE = PULLED_COLUMNS.index("value")


def log_json(rows: Sequence[Sequence[Any]]) -> str:
    """Log rows (columns as PULLED_COLUMNS) as the `log` object of a pull answer, in JSON.

    The values are stored as JSON text already (to_json) and go out as they are: a page is
    never decoded and encoded again. Every other column holds numbers and names or ids that
    passed change_from_wire's patterns on the way in.
    """
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) or [()] * len(PULLED_COLUMNS)
    parts = []
    for position, (name, column) in enumerate(zip(PULLED_COLUMNS, columns, strict=True)):
        text = "[" + ",".join(column) + "]" if position == _VALUE else to_json(column)
        parts.append(f'"{name}":{text}')
    return "{" + ",".join(parts) + "}"


def _values(texts: Sequence[str]) -> list[Any]:
    """The JSON texts of the values, decoded; one parse for a whole page."""
    if not texts:
        return []
    # Every stored value is one strict JSON text (to_json), so the joined texts form an
    # array of exactly as many elements; anything else is decoded one by one.
    values = json.loads("[" + ",".join(texts) + "]")
    if not isinstance(values, list) or len(values) != len(texts):
        return [json.loads(text) for text in texts]
    return values


def pulled_items(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Log rows (columns as PULLED_COLUMNS) as flat entries, for people and tests.

    A change is its wire form (`Change.to_wire()`: `resolves` only when set) with `seq` and
    `kind`; a conflict carries the conflict's id as `change_id` and `Conflict.to_wire()` as
    `value`.
    """
    items = []
    for row, value in zip(rows, _values([row[7] for row in rows]), strict=True):
        seq, kind, change_id, rtype, record_id, area, name, _, hlc, base_hlc, site, resolves = row
        is_change = kind != "conflict"
        item = {
            "seq": seq,
            "kind": "change" if is_change else "conflict",
            "change_id": change_id,
            "type": rtype,
            "record_id": record_id,
            "area": area,
            "field": name,
            "value": value,
            "hlc": hlc,
            "base_hlc": base_hlc,
            "site": site,
        }
        if is_change and resolves is not None:
            item["resolves"] = resolves
        items.append(item)
    return items
