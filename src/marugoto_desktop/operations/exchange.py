"""Import and export in the JSON Lines exchange format (DESIGN §3)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..domain.exchange import LineError, from_line
from ..domain.records import Record
from ..domain.validation import RecordInvalid
from ..reports.export import write_export
from ..vault import Vault
from .output import write_text

MAX_ERRORS_SHOWN = 20


class ImportFailed(ValueError):
    """The file has bad lines; nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more else "")
        super().__init__(f"nothing imported: {text}")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def parse_lines(source: TextIO) -> list[tuple[int, Record]]:
    """Every record of the file with its line number; ImportFailed lists all bad lines."""
    records: list[tuple[int, Record]] = []
    errors: list[str] = []
    first_line: dict[str, int] = {}
    for number, text in enumerate(source, start=1):
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        parsed = from_line(text, number)
        if isinstance(parsed, LineError):
            errors.append(str(parsed))
            continue
        if parsed.id in first_line:
            errors.append(f"line {number}: id: {parsed.id} already on line {first_line[parsed.id]}")
            continue
        first_line[parsed.id] = number
        records.append((number, parsed))
    if errors:
        raise ImportFailed(errors)
    return records


def import_records(vault: Vault, source: TextIO) -> ImportResult:
    """Validate every line, then import all in one transaction, or nothing."""
    numbered = parse_lines(source)
    line_of = {record.id: number for number, record in numbered}
    records = [record for _, record in numbered]
    before = {r.id: vault.get(r.id, include_deleted=True) for r in records}
    try:
        stored = vault.put_many(records)
    except RecordInvalid as exc:
        raise ImportFailed(
            [f"line {line_of.get(e.record_id, '?')}: {e}" for e in exc.errors]
        ) from None
    created = updated = unchanged = 0
    for record in stored:
        old = before[record.id]
        if old is None:
            created += 1
        elif old.deleted or dict(old.fields) != dict(record.fields):
            updated += 1
        else:
            unchanged += 1
    return ImportResult(created, updated, unchanged)


def import_file(vault: Vault, path: Path) -> ImportResult:
    """Import a file; a line that is not UTF-8 (a Shift_JIS export, say) is named."""
    lines = []
    bad = []
    with path.open("rb") as source:
        for number, raw in enumerate(source, start=1):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                bad.append(f"line {number}: -: not UTF-8 text (save the file as UTF-8)")
                lines.append("\n")
    if bad:
        raise ImportFailed(bad)
    return import_records(vault, io.StringIO("".join(lines)))


def export_lines_to(vault: Vault, out: TextIO) -> int:
    """Write the export to an open text stream (standard output, say)."""
    return write_export(vault, out)


def export_to(vault: Vault, out: Path | str) -> int:
    """Write the export to a file (atomically, owner-only), a pipe or device, or `-`
    (standard output): see output.py."""
    return write_text(out, lambda stream: write_export(vault, stream))
