"""The JSON Lines exchange format (DESIGN §3): one record per line.

A line is `{"type": ..., "id": ..., "area": ..., "parent_id": ..., ...fields}` with the field
names of domain.schema. A field left out is empty. Lines are written with keys in a fixed order
(envelope, then fields in schema order) so that export -> import -> export is byte-identical.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .records import Record, is_empty
from .schema import SCHEMAS

ENVELOPE = ("type", "id", "area", "parent_id")
MAX_LINE_BYTES = 256 * 1024


@dataclass(frozen=True)
class LineError:
    """A line that is not a record: `message` in English for the command line, `code` (with
    `params`) for the faces that write their own words."""

    line: int
    field: str
    message: str
    code: str = "invalid"
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)

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
        return LineError(
            line,
            "-",
            f"line is longer than {MAX_LINE_BYTES} bytes",
            "line_too_long",
            {"max_bytes": MAX_LINE_BYTES},
        )
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return LineError(
            line,
            "-",
            f"not valid JSON ({exc.msg} at column {exc.colno})",
            "not_json",
            {"column": exc.colno},
        )
    except (ValueError, RecursionError) as exc:  # absurdly long numbers, absurd nesting
        return LineError(line, "-", f"not usable JSON ({type(exc).__name__})", "not_json")
    if not isinstance(obj, dict):
        return LineError(line, "-", "a line must be a JSON object", "not_an_object")
    rtype = obj.get("type")
    if not isinstance(rtype, str) or rtype not in SCHEMAS:
        return LineError(
            line, "type", f"unknown record type {rtype!r}", "unknown_type", {"value": rtype}
        )
    record_id = obj.get("id")
    if not isinstance(record_id, str):
        return LineError(line, "id", "is required (a UUID string)", "required")
    for name in ("area", "parent_id"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            return LineError(line, name, "must be a string", "not_text")
    known = set(SCHEMAS[rtype].field_names)
    fields: dict[str, Any] = {}
    for name, value in obj.items():
        if name in ENVELOPE:
            continue
        if name not in known:
            return LineError(
                line, name, f"is not a field of {rtype}", "not_a_field", {"type": rtype}
            )
        if value is None:
            return LineError(
                line, name, "is null; leave an empty field out instead", "null", {"type": rtype}
            )
        if not is_empty(value):
            fields[name] = value
    return Record(record_id, rtype, obj.get("area"), obj.get("parent_id"), fields)
