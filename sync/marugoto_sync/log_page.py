"""A page of the server's log as a pull carries it: one list per column.

Entry `i` of a page is made of element `i` of every column (LOG_COLUMNS): its sequence
number, its kind ("change" or "conflict") and the change's wire fields. A conflict entry
carries the conflict's id as `change_id` and `Conflict.to_wire()` as `value`; its clocks and
site are those of the change that caused it.

Why columns and not a list of objects: a page of 5,000 objects repeats every key 5,000 times,
which the server pays for in encoding and the laptop in parsing (measured: a column page of
120,000 changes parses three times faster and is a third smaller). Columns also let
`read_page` check a page as a whole: a type, field, area or site name seen a thousand times is
checked once, and the ids of a column are checked by one regular expression over the joined
column. What `read_page` accepts is exactly what `change_from_wire` would accept entry by entry.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from .changes import (
    ID_RE,
    MAX_HLC,
    MAX_VALUE_BYTES,
    NAME_RE,
    SITE_RE,
    Change,
    ChangeInvalid,
    check_value,
)
from .merge import Conflict, conflict_from_wire

LOG_COLUMNS = (
    "seq",
    "kind",
    "change_id",
    "type",
    "record_id",
    "area",
    "field",
    "value",
    "hlc",
    "base_hlc",
    "site",
    "resolves",
)
KINDS = frozenset({"change", "conflict"})

# Text of at most this many characters fits the value bound as JSON whatever it holds: a
# character takes at most 6 bytes there (a \u escape), plus the two quotes.
_SAFE_TEXT = (MAX_VALUE_BYTES - 2) // 6


@dataclass(frozen=True, slots=True)
class LogPage:
    """A checked page: the columns of LOG_COLUMNS, all of one length."""

    seq: list[int]
    kind: list[str]
    change_id: list[str]
    type: list[str]
    record_id: list[str]
    area: list[str | None]
    field: list[str]
    value: list[Any]
    hlc: list[int]
    base_hlc: list[int]
    site: list[str]
    resolves: list[str | None]

    def __len__(self) -> int:
        return len(self.seq)

    def change_rows(self) -> Sequence[int]:
        """The positions of the changes (all of them, unless the page holds conflicts)."""
        if "conflict" not in self.kind:
            return range(len(self.seq))
        return [i for i, kind in enumerate(self.kind) if kind == "change"]

    def conflict_rows(self) -> list[int]:
        if "conflict" not in self.kind:
            return []
        return [i for i, kind in enumerate(self.kind) if kind == "conflict"]

    def without_areas(self, areas: Collection[str]) -> LogPage:
        """This page less the entries of `areas` (still in order)."""
        keep = [i for i, area in enumerate(self.area) if area not in areas]
        if len(keep) == len(self.seq):
            return self
        columns = {name: [getattr(self, name)[i] for i in keep] for name in LOG_COLUMNS}
        return LogPage(**columns)

    def change(self, i: int) -> Change:
        return Change(
            self.change_id[i],
            self.type[i],
            self.record_id[i],
            self.area[i],
            self.field[i],
            self.value[i],
            self.hlc[i],
            self.base_hlc[i],
            self.site[i],
            self.resolves[i],
        )

    def conflict(self, i: int) -> Conflict:
        return conflict_from_wire(self.value[i])

    def to_wire(self) -> dict[str, list[Any]]:
        return {name: list(getattr(self, name)) for name in LOG_COLUMNS}

    def items(self) -> list[dict[str, Any]]:
        """The entries as flat objects (for people and tests); `resolves` only when set."""
        entries = []
        for values in zip(*(getattr(self, name) for name in LOG_COLUMNS), strict=True):
            entry = dict(zip(LOG_COLUMNS, values, strict=True))
            if entry["resolves"] is None:
                del entry["resolves"]
            entries.append(entry)
        return entries

    @classmethod
    def of(cls, entries: Sequence[Mapping[str, Any]]) -> LogPage:
        """A checked page of flat entries (`resolves` may be left out)."""
        columns: dict[str, list[Any]] = {name: [] for name in LOG_COLUMNS}
        for entry in entries:
            for name in LOG_COLUMNS:
                columns[name].append(entry.get(name))
        return read_page(columns)


def read_page(wire: Any) -> LogPage:
    """A checked LogPage from the `log` of a pull answer; ChangeInvalid names what is wrong."""
    if not isinstance(wire, Mapping):
        raise ChangeInvalid("log: must be an object of columns")
    columns: dict[str, list[Any]] = {}
    for name in LOG_COLUMNS:
        column = wire.get(name)
        if not isinstance(column, list):
            raise ChangeInvalid(f"log.{name}: must be a list")
        columns[name] = column
    count = len(columns["seq"])
    for name, column in columns.items():
        if len(column) != count:
            raise ChangeInvalid(f"log.{name}: {len(column)} entries, seq has {count}")
    _check_stamps("seq", columns["seq"])
    seq = columns["seq"]
    if not all(map(operator.lt, seq, islice(seq, 1, None))):
        raise ChangeInvalid("log.seq: must increase strictly")
    kinds = columns["kind"]
    if not _all_str(kinds) or not set(kinds) <= KINDS:
        raise ChangeInvalid("log.kind: each entry is 'change' or 'conflict'")
    _check_ids("change_id", columns["change_id"])
    _check_ids("record_id", columns["record_id"])
    _check_names("type", columns["type"], NAME_RE)
    _check_names("field", columns["field"], NAME_RE)
    _check_names("site", columns["site"], SITE_RE)
    _check_names("area", [a for a in columns["area"] if a is not None], NAME_RE)
    hlc, base = columns["hlc"], columns["base_hlc"]
    _check_stamps("hlc", hlc)
    _check_stamps("base_hlc", base)
    if not all(map(operator.lt, base, hlc)):
        at = next(i for i, (b, h) in enumerate(zip(base, hlc, strict=True)) if b >= h)
        raise ChangeInvalid(f"log.base_hlc[{at}]: must be earlier than hlc")
    page = LogPage(**columns)
    _check_ids("resolves", [r for r in page.resolves if r is not None])
    conflicts = page.conflict_rows()
    values = page.value if not conflicts else [page.value[i] for i in page.change_rows()]
    _check_values(values)
    for i in conflicts:
        if page.resolves[i] is not None:
            raise ChangeInvalid(f"log.resolves[{i}]: a conflict resolves nothing")
        try:
            page.conflict(i)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ChangeInvalid(f"log.value[{i}]: not a conflict") from None
    return page


def _all_str(column: Sequence[Any]) -> bool:
    return set(map(type, column)) <= {str}


def _first_bad(name: str, column: Sequence[Any], good: Any) -> ChangeInvalid:
    """The error naming the first element of `column` that `good` refuses."""
    for i, value in enumerate(column):
        if not good(value):
            return ChangeInvalid(f"log.{name}[{i}]: malformed ({value!r:.80})")
    return ChangeInvalid(f"log.{name}: malformed")


def _check_ids(name: str, column: Sequence[Any]) -> None:
    if not column:
        return
    if _all_str(column) and _all_ids("\n".join(column) + "\n", len(column)):
        return
    raise _first_bad(name, column, lambda v: isinstance(v, str) and ID_RE.fullmatch(v))


_HEX = b"0123456789abcdef"


def _all_ids(joined: str, count: int) -> bool:
    """Whether `joined` is `count` ids (ID_RE), each followed by a newline.

    Checked by position rather than by a regular expression, which takes ten times as long
    over a page's 10,000 ids: 37 characters per id; a newline at offset 36 and dashes at 8,
    13, 18 and 23 of each; and with the hex digits taken out, nothing but those separators
    left — so every other character is a lowercase hex digit, and no id holds a newline.
    """
    if len(joined) != 37 * count or not joined.isascii():
        return False
    for offset, mark in ((8, "-"), (13, "-"), (18, "-"), (23, "-"), (36, "\n")):
        if joined[offset::37] != mark * count:
            return False
    return joined.encode().translate(None, _HEX) == b"----\n" * count


def _check_names(name: str, column: Sequence[Any], pattern: re.Pattern[str]) -> None:
    if not _all_str(column):
        raise _first_bad(name, column, lambda v: isinstance(v, str))
    for value in set(column):
        if pattern.fullmatch(value) is None:
            raise _first_bad(name, column, lambda v: pattern.fullmatch(v) is not None)


def _check_stamps(name: str, column: Sequence[Any]) -> None:
    """Integers (not booleans) in 0..MAX_HLC."""
    if not column:
        return
    if set(map(type, column)) <= {int} and min(column) >= 0 and max(column) <= MAX_HLC:
        return
    raise _first_bad(name, column, lambda v: type(v) is int and 0 <= v <= MAX_HLC)


def _check_values(values: Sequence[Any]) -> None:
    """check_value for every value; short text and small scalars are checked in bulk."""
    kinds = set(map(type, values))
    texts = values if kinds <= {str} else [v for v in values if type(v) is str]
    if texts:
        try:
            "".join(texts).encode()  # a lone surrogate is no UTF-8 text
            short = max(map(len, texts)) <= _SAFE_TEXT
        except UnicodeEncodeError:
            short = False
        if not short:
            for value in texts:
                check_value(value)
    if kinds <= {str}:
        return
    numbers = [v for v in values if type(v) is int]
    if numbers and (min(numbers) < -MAX_HLC or max(numbers) > MAX_HLC):
        for value in numbers:
            check_value(value)
    for value in values:
        if type(value) not in (str, int, bool, type(None)):
            check_value(value)
