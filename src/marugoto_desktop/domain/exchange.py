"""The JSON Lines exchange format (DESIGN §3): one record per line.

A line is `{"type": ..., "id": ..., "area": ..., "parent_id": ..., ...fields}` with the field
names of domain.schema. A field left out is empty. Lines are written with keys in a fixed order
(envelope, then fields in schema order) so that export -> import -> export is byte-identical.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .records import Record, is_empty
from .schema import SCHEMAS

ENVELOPE = ("type", "id", "area", "parent_id")
MAX_LINE_BYTES = 256 * 1024


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


def to_line(record: Record) -> str:
    """The exchange-format line of a record (no trailing newline)."""
    obj: dict[str, Any] = {"type": record.type, "id": record.id}
    if record.area is not None:
        obj["area"] = record.area
    if record.parent_id is not None:
        obj["parent_id"] = record.parent_id
    for name in SCHEMAS[record.type].field_names:
        value = record.fields.get(name)
        if not is_empty(value):
            obj[name] = value
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def from_line(text: str, line: int) -> Record | LineError:
    """Parse one line into a Record (not yet validated), or say what is wrong with it."""
    if len(text.encode("utf-8")) > MAX_LINE_BYTES:
        return LineError(line, "-", f"line is longer than {MAX_LINE_BYTES} bytes")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return LineError(line, "-", f"not valid JSON ({exc.msg} at column {exc.colno})")
    except (ValueError, RecursionError) as exc:  # absurdly long numbers, absurd nesting
        return LineError(line, "-", f"not usable JSON ({type(exc).__name__})")
    if not isinstance(obj, dict):
        return LineError(line, "-", "a line must be a JSON object")
    rtype = obj.get("type")
    if not isinstance(rtype, str) or rtype not in SCHEMAS:
        return LineError(line, "type", f"unknown record type {rtype!r}")
    record_id = obj.get("id")
    if not isinstance(record_id, str):
        return LineError(line, "id", "is required (a UUID string)")
    for name in ("area", "parent_id"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            return LineError(line, name, "must be a string")
    known = set(SCHEMAS[rtype].field_names)
    fields: dict[str, Any] = {}
    for name, value in obj.items():
        if name in ENVELOPE:
            continue
        if name not in known:
            return LineError(line, name, f"is not a field of {rtype}")
        if value is None:
            return LineError(line, name, "is null; leave an empty field out instead")
        if not is_empty(value):
            fields[name] = value
    return Record(record_id, rtype, obj.get("area"), obj.get("parent_id"), fields)
