"""The unit of replication: one field of one record (DESIGN §5), and its wire form.

This module is the only definition of a change; the vault's outbox, the client and the server
all speak it. `change_from_wire` validates untrusted input and bounds its size.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Deleting (or restoring) a record is a change of this pseudo-field: value True or False.
# Its base_hlc is the record's clock as the deleter saw it, so a delete that did not see a
# later edit of any field is detected as concurrent.
DELETED = "_deleted"
# A record's parent travels as a pseudo-field, set once when the record is created.
PARENT = "_parent_id"
# A household's area, as a pseudo-field: writing it moves the household, with everything
# under it, to another area (転居・引継ぎ). The change itself carries the area the record is
# in as its author saw it; its value is the area it goes to.
AREA = "_area"

MAX_CHANGES_PER_PUSH = 1000
MAX_VALUE_BYTES = 64 * 1024
# Lists and objects within a value nest at most this deep (a list of codes is 1 level): deep
# nesting serves no record, and every JSON parser and encoder that meets it pays in recursion.
MAX_VALUE_DEPTH = 32
MAX_HLC = (1 << 63) - 1
# Anchored for JSON Schema (the server's models reuse them); Python code uses fullmatch,
# because "$" would also accept a trailing newline.
ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NAME_RE = re.compile(r"^_?[a-z][a-z0-9_]{0,63}$")
SITE_RE = re.compile(r"^[0-9a-f]{8,64}$")


class ChangeInvalid(ValueError):
    """A change on the wire is malformed; the message names the field."""


@dataclass(frozen=True)
class Change:
    change_id: str
    type: str
    record_id: str
    area: str | None
    field: str
    value: Any
    hlc: int
    base_hlc: int
    site: str
    # The conflict this change settles, if it is a person's resolution of one.
    resolves: str | None = None
    # Re-sent after the server lost it (restored from a backup): a write the server had
    # accepted once, under a new change id but with its own (hlc, site).
    replay: bool = False

    @property
    def order(self) -> tuple[int, str]:
        """The total order of changes, identical on every replica."""
        return (self.hlc, self.site)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "change_id": self.change_id,
            "type": self.type,
            "record_id": self.record_id,
            "area": self.area,
            "field": self.field,
            "value": self.value,
            "hlc": self.hlc,
            "base_hlc": self.base_hlc,
            "site": self.site,
        }
        if self.resolves is not None:
            wire["resolves"] = self.resolves
        if self.replay:
            wire["replay"] = True
        return wire


def _text(obj: dict[str, Any], name: str, pattern: re.Pattern[str]) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ChangeInvalid(f"{name}: malformed ({value!r})")
    return value


def _stamp(obj: dict[str, Any], name: str) -> int:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HLC:
        raise ChangeInvalid(f"{name}: must be a clock stamp (non-negative integer)")
    return value


def _nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects in `value` nest more than `limit` levels (no recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        inner = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        pending.extend((v, depth + 1) for v in inner if isinstance(v, (dict, list, tuple)))
    return False


def check_value(value: Any) -> None:
    """A change's value is plain JSON (no NaN, no lone surrogate) of at most 64 KiB, whose
    lists and objects nest at most MAX_VALUE_DEPTH levels."""
    if isinstance(value, (dict, list, tuple)) and _nests_deeper_than(value, MAX_VALUE_DEPTH):
        raise ChangeInvalid(f"value: lists and objects nest deeper than {MAX_VALUE_DEPTH} levels")
    try:
        encoded = json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ChangeInvalid(f"value: not plain JSON text ({exc})") from None
    if len(encoded) > MAX_VALUE_BYTES:
        raise ChangeInvalid(f"value: larger than {MAX_VALUE_BYTES} bytes")


def change_from_wire(obj: Any) -> Change:
    """A validated Change from its JSON object form."""
    if not isinstance(obj, dict):
        raise ChangeInvalid("a change must be a JSON object")
    area = obj.get("area")
    if area is not None and (not isinstance(area, str) or not NAME_RE.fullmatch(area)):
        raise ChangeInvalid(f"area: malformed ({area!r})")
    value = obj.get("value")
    check_value(value)
    resolves = obj.get("resolves")
    if resolves is not None and (not isinstance(resolves, str) or not ID_RE.fullmatch(resolves)):
        raise ChangeInvalid("resolves: malformed conflict id")
    replay = obj.get("replay", False)
    if type(replay) is not bool:
        raise ChangeInvalid("replay: must be true or false")
    hlc, base = _stamp(obj, "hlc"), _stamp(obj, "base_hlc")
    if base >= hlc:
        raise ChangeInvalid("base_hlc: must be earlier than hlc")
    return Change(
        change_id=_text(obj, "change_id", ID_RE),
        type=_text(obj, "type", NAME_RE),
        record_id=_text(obj, "record_id", ID_RE),
        area=area,
        field=_text(obj, "field", NAME_RE),
        value=value,
        hlc=hlc,
        base_hlc=base,
        site=_text(obj, "site", SITE_RE),
        resolves=resolves,
        replay=replay,
    )
