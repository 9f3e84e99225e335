"""Export of the vault's live records in the exchange format."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from ..domain.exchange import to_line
from ..domain.records import Record
from ..domain.schema import SCHEMAS, TYPE_ORDER, Kind
from ..domain.validation import FieldError, record_errors
from ..vault import Vault


class ExportBlocked(ValueError):
    """The live records would not import again; nothing was written. `problems` says why.

    A person's own edits are checked as they are made, but sync merges what several
    laptops wrote (a member added to a household deleted elsewhere, say), and such a merge
    is flagged as a conflict rather than refused. Until it is settled, an export of those
    records would be a file that `import` refuses.
    """

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__(problems)
        self.problems = problems


class _Exported:
    """The references an empty vault importing the export would see: the records themselves.

    What the vault holds deleted it still holds (`holds`): a meeting naming a household this
    laptop never held is kept as it is, one naming a household it holds deleted is not."""

    def __init__(self, vault: Vault, records: Sequence[Record]) -> None:
        self._vault = vault
        self._by_id = {r.id: r for r in records}
        self._consents: dict[str, list[Record]] = {}
        for r in records:
            if r.type == "consent" and r.parent_id is not None:
                self._consents.setdefault(r.parent_id, []).append(r)

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        found = self._by_id.get(record_id)
        return None if found is None else (found.type, found.area)

    def holds(self, record_id: str) -> bool:
        return record_id in self._by_id or self._vault.holds(record_id)

    def holds_every_area(self) -> bool:
        return False  # an empty vault, which has synced no area

    def parent_of(self, record_id: str) -> str | None:
        found = self._by_id.get(record_id)
        return None if found is None else found.parent_id

    def consents_of(self, household_id: str) -> Iterable[Record]:
        return self._consents.get(household_id, [])


def export_problems(vault: Vault) -> list[FieldError]:
    """What an import of the vault's live records into an empty vault would refuse, less
    references to records this laptop has never held (those of areas not granted to its
    user, named by a city-wide meeting, say): the export cannot carry them, and nothing
    here can be settled about them."""
    records = [r for record_type in TYPE_ORDER for r in vault.records(record_type)]
    exported = _Exported(vault, records)
    return [
        problem
        for record in records
        for problem in record_errors(record, exported)
        if not _names_records_held_elsewhere(vault, record, problem.field)
    ]


def _names_records_held_elsewhere(vault: Vault, record: Record, field: str) -> bool:
    """Whether `field` of `record` refers to records this vault never held, and otherwise
    only to records it exports (none it holds deleted)."""
    if field == "parent_id":
        named = [record.parent_id] if record.parent_id else []
    else:
        try:
            spec = SCHEMAS[record.type].field(field)
        except KeyError:
            return False
        if spec.kind not in (Kind.REF, Kind.REFS):
            return False
        value = record.fields.get(field)
        named = [str(v) for v in (value if isinstance(value, list) else [value])]
    held = [vault.get(i, include_deleted=True) for i in named]
    return any(h is None for h in held) and not any(h is not None and h.deleted for h in held)


def export_lines(vault: Vault) -> Iterator[str]:
    """Every live record as an exchange-format line, in a stable order (type, then id).

    Types come in TYPE_ORDER so a reader meets a record before the records that refer to it.
    """
    for record_type in TYPE_ORDER:
        for record in vault.records(record_type):
            yield to_line(record)


def write_export(vault: Vault, out: TextIO) -> int:
    """Write the export to `out`; returns the number of records.

    Checked first, so nothing is written when the file would not import (ExportBlocked).
    """
    problems = export_problems(vault)
    if problems:
        raise ExportBlocked(problems)
    count = 0
    for line in export_lines(vault):
        out.write(line)
        out.write("\n")
        count += 1
    return count
