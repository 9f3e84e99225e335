"""How changes and conflicts are kept in the log, and how a pull serves them.

A pulled item is the log row itself: `seq`, `kind` and the change's wire fields
(`Change.to_wire()`). For a conflict, `change_id` is the conflict's id and `value` holds
`Conflict.to_wire()`; clocks and site are those of the change that caused it. The conflict's
own kind (concurrent_edit, …) is inside `value`, clear of the item's `kind`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row

from ..changes import Change
from ..merge import Conflict


def to_json(value: Any) -> str:
    """Strict JSON text (no NaN), as stored in the log and the field states."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


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


def pulled_item(row: Row[Any]) -> dict[str, Any]:
    """A log row as the answer to a pull carries it."""
    if row.kind == "conflict":
        return {
            "seq": row.seq,
            "kind": "conflict",
            "change_id": row.change_id,
            "type": row.type,
            "record_id": row.record_id,
            "area": row.area,
            "field": row.field,
            "value": json.loads(row.value),
            "hlc": row.hlc,
            "base_hlc": row.base_hlc,
            "site": row.site,
        }
    change = Change(
        change_id=row.change_id,
        type=row.type,
        record_id=row.record_id,
        area=row.area,
        field=row.field,
        value=json.loads(row.value),
        hlc=row.hlc,
        base_hlc=row.base_hlc,
        site=row.site,
        resolves=row.resolves,
    )
    return {"seq": row.seq, "kind": "change", **change.to_wire()}
