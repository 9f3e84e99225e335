"""Import and export in the JSON Lines exchange format (DESIGN §3)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
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


@dataclass(frozen=True)
class ImportProblem:
    """One bad line, for a face to put in its words: the line (None: not known), the record
    type where known, the field ("-": the whole line), a code and its parameters. The codes
    are validation's (domain.validation.ERROR_CODES) and the exchange format's
    (domain.exchange.LineError), plus `duplicate_id` [first_line] and `not_utf8`."""

    line: int | None
    record_type: str | None
    field: str
    code: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)


class ImportFailed(ValueError):
    """The file has bad lines; nothing was imported. `errors` in English (the command
    line's), `problems` as codes."""

    def __init__(self, errors: list[str], problems: list[ImportProblem] | None = None) -> None:
        self.errors = errors
        self.problems = list(problems or [])
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
    problems: list[ImportProblem] = []
    first_line: dict[str, int] = {}
    for number, text in enumerate(source, start=1):
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        parsed = from_line(text, number)
        if isinstance(parsed, LineError):
            errors.append(str(parsed))
            kind = parsed.params.get("type")
            problems.append(
                ImportProblem(
                    number,
                    str(kind) if kind else None,
                    parsed.field,
                    parsed.code,
                    dict(parsed.params),
                )
            )
            continue
        if parsed.id in first_line:
            errors.append(f"line {number}: id: {parsed.id} already on line {first_line[parsed.id]}")
            problems.append(
                ImportProblem(
                    number, parsed.type, "id", "duplicate_id", {"first_line": first_line[parsed.id]}
                )
            )
            continue
        first_line[parsed.id] = number
        records.append((number, parsed))
    if errors:
        raise ImportFailed(errors, problems)
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
            [f"line {line_of.get(e.record_id, '?')}: {e}" for e in exc.errors],
            [
                ImportProblem(line_of.get(e.record_id), e.record_type, e.field, e.code, e.params)
                for e in exc.errors
            ],
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
    problems = []
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder: give the JSON Lines file to import")
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: give the JSON Lines file to import (as export writes it)"
        )
    with path.open("rb") as source:
        for number, raw in enumerate(source, start=1):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                bad.append(f"line {number}: -: not UTF-8 text (save the file as UTF-8)")
                problems.append(ImportProblem(number, None, "-", "not_utf8"))
                lines.append("\n")
    if bad:
        raise ImportFailed(bad, problems)
    return import_records(vault, io.StringIO("".join(lines)))


def export_lines_to(vault: Vault, out: TextIO) -> int:
    """Write the export to an open text stream (standard output, say)."""
    return write_export(vault, out)


def export_to(vault: Vault, out: Path | str, *, replace: bool = True) -> int:
    """Write the export to a file (atomically, owner-only), a pipe or device, or `-`
    (standard output): see output.py. An existing file is replaced only if `replace`."""
    return write_text(out, lambda stream: write_export(vault, stream), replace=replace)
