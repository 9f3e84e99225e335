"""The in-memory shape of a record, shared by every layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# A field value as it travels: text, a number, a flag, or a list of codes / ids.
FieldValue = str | int | bool | list[str]


@dataclass(frozen=True)
class Record:
    """One record: clear envelope (id, type, area, parent) plus typed fields.

    `fields` holds only non-empty values; a field left out is empty.
    """

    id: str
    type: str
    area: str | None
    parent_id: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    deleted: bool = False

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def with_fields(self, **changes: Any) -> Record:
        """A copy with some fields changed; None or "" clears a field."""
        merged = dict(self.fields)
        for name, value in changes.items():
            if value is None or value == "" or value == []:
                merged.pop(name, None)
            else:
                merged[name] = value
        return Record(self.id, self.type, self.area, self.parent_id, merged, self.deleted)


def is_empty(value: object) -> bool:
    """Empty values are never stored: None, "", and []."""
    return value is None or value == "" or value == []
