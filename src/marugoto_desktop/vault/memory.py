"""What the vault holds decrypted in memory after unlock, and forgets on lock.

Records by id (each decrypted at most once), the live records of a type in id order, the
search text of each record, and counts derived from them. Every row the vault writes passes
through `remember`, which keeps these current in place: a saved visit costs a few dictionary
updates, never a new decryption of 10,000 households.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ..domain.records import Record
from ..domain.text import fold

SEARCH_FIELDS = ("name", "kana", "address", "phone", "district")
# Changes applied one by one into a sorted list (a bisect each); beyond this many (a sync's
# page), the list is rebuilt and sorted once.
_SMALL_CHANGE = 64


class _Live:
    """The live records of one type in id order, with changes not yet sorted in."""

    def __init__(self, records: Sequence[Record]) -> None:
        self._records = list(records)
        self._ids = [r.id for r in self._records]
        self._pending: dict[str, Record] = {}

    def put(self, record: Record) -> None:
        self._pending[record.id] = record

    def records(self) -> list[Record]:
        if self._pending:
            self._settle()
        return self._records

    def _settle(self) -> None:
        pending, self._pending = self._pending, {}
        if len(pending) > _SMALL_CHANGE:
            merged = dict(zip(self._ids, self._records, strict=True))
            for record in pending.values():
                if record.deleted:
                    merged.pop(record.id, None)
                else:
                    merged[record.id] = record
            self._ids = sorted(merged)
            self._records = [merged[i] for i in self._ids]
            return
        ids, records = self._ids, self._records
        for record in pending.values():
            at = bisect_left(ids, record.id)
            present = at < len(ids) and ids[at] == record.id
            if record.deleted:
                if present:
                    del ids[at], records[at]
            elif present:
                records[at] = record
            else:
                ids.insert(at, record.id)
                records.insert(at, record)


def _text_of(record: Record) -> str:
    # Folded at once, fields kept apart by NUL, which no text field holds (validation) and
    # folding leaves as it is, so a match never spans two fields.
    return fold("\x00".join(str(record.fields.get(name, "")) for name in SEARCH_FIELDS))


class View(Protocol):
    """Something derived from the records of some types, told of every record written.

    Built once after unlock from the records as they are, then kept current by `put`,
    which runs inside the write (do not read the vault from it); forgotten on lock.
    """

    @property
    def types(self) -> frozenset[str]: ...

    def put(self, record: Record) -> None: ...


class SearchIndex:
    """Folded search text (domain.text.fold) of each live record of a type; a household's
    includes its members' names, kana and phones."""

    def __init__(self, record_type: str, records: Iterable[Record], members: Iterable[Record]):
        self.record_type = record_type
        self.types = frozenset(
            {record_type, "person"} if record_type == "household" else {record_type}
        )
        self._own: dict[str, str] = {}
        self._members: dict[str, dict[str, str]] = {}
        self._text: dict[str, str] = {}
        for record in records:
            self._own[record.id] = _text_of(record)
        for person in members:
            if person.parent_id is not None:
                self._members.setdefault(person.parent_id, {})[person.id] = _text_of(person)
        for record_id in self._own:
            self._compose(record_id)

    def _compose(self, record_id: str) -> None:
        own = self._own.get(record_id)
        if own is None:
            self._text.pop(record_id, None)
            return
        members = self._members.get(record_id)
        self._text[record_id] = "\x00".join([own, *members.values()]) if members else own

    def put(self, record: Record) -> None:
        if record.type == self.record_type:
            if record.deleted:
                self._own.pop(record.id, None)
            else:
                self._own[record.id] = _text_of(record)
            self._compose(record.id)
        elif self.record_type == "household" and record.type == "person" and record.parent_id:
            members = self._members.setdefault(record.parent_id, {})
            if record.deleted:
                members.pop(record.id, None)
            else:
                members[record.id] = _text_of(record)
            self._compose(record.parent_id)

    def find(self, needle: str) -> set[str]:
        """The ids of the records whose text holds `needle` (folded already, without NUL)."""
        return {record_id for record_id, text in self._text.items() if needle in text}


class Memory:
    """The decrypted copies of one unlocked vault."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self._live: dict[str, _Live] = {}
        self._views: dict[str, View] = {}
        # Values derived from the records of one type (child counts), keyed (name, type):
        # dropped when a record of that type is written.
        self._derived: dict[tuple[str, str], Any] = {}
        # Rows in the outbox, once counted; every write adds its own.
        self.outbox: int | None = None

    def forget(self) -> None:
        self.records = {}
        self._live = {}
        self._views = {}
        self._derived = {}
        self.outbox = None

    def remember(self, record: Record) -> None:
        """A record as just written (or about to be): every copy follows it."""
        self.records[record.id] = record
        live = self._live.get(record.type)
        if live is not None:
            live.put(record)
        for view in self._views.values():
            if record.type in view.types:
                view.put(record)
        for key in [key for key in self._derived if key[1] == record.type]:
            del self._derived[key]

    def live(self, record_type: str) -> list[Record] | None:
        """The live records of a type in id order, if known (do not change the list)."""
        live = self._live.get(record_type)
        return None if live is None else live.records()

    def set_live(self, record_type: str, records: Sequence[Record]) -> None:
        self._live[record_type] = _Live(records)

    def view(self, name: str) -> View | None:
        return self._views.get(name)

    def set_view(self, name: str, view: View) -> None:
        self._views[name] = view

    def derived(self, name: str, record_type: str) -> Any:
        return self._derived.get((name, record_type))

    def set_derived(self, name: str, record_type: str, value: Any) -> None:
        self._derived[(name, record_type)] = value
