"""Import and export in the JSON Lines exchange format (DESIGN §3)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..domain.exchange import LineError, from_line
from ..domain.records import Record, is_empty
from ..domain.schema import SCHEMAS
from ..domain.validation import FieldError, RecordInvalid
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
class Update:
    """What an import changes in a record that exists: the fields it sets anew (`changed`)
    and those it empties (`cleared`: a line holds the whole record, so a field it leaves out
    is cleared)."""

    record_id: str
    record_type: str
    label: str  # the record's name, if it has one
    changed: tuple[str, ...]
    cleared: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    updates: tuple[Update, ...] = ()
    written: bool = True  # False: a dry run, nothing was written
    # Records the file's meetings name that are neither in it nor in the vault: of areas
    # this vault does not hold (an export of a laptop that holds only its user's areas).
    # They are kept as named; a vault that holds them (the office's) checks them.
    elsewhere: tuple[str, ...] = ()
    elsewhere_in: int = 0  # how many records name them

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def cleared_fields(self) -> int:
        return sum(len(u.cleared) for u in self.updates)

    @property
    def cleared_records(self) -> int:
        return sum(1 for u in self.updates if u.cleared)


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
        # Without its line end: JSON counts a newline as a new line, and an error at the end
        # of the line would be placed at column 1 of the next.
        parsed = from_line(text.rstrip("\r\n"), number)
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


def import_records(vault: Vault, source: TextIO, *, dry_run: bool = False) -> ImportResult:
    """Validate every line, then import all in one transaction, or nothing.

    With `dry_run`, everything is checked as an import checks it and the result says what
    would change, but nothing is written."""
    numbered = parse_lines(source)
    line_of = {record.id: number for number, record in numbered}
    records = [record for _, record in numbered]
    before = {r.id: vault.get(r.id, include_deleted=True) for r in records}
    try:
        if dry_run:
            errors = _unchangeable(records, before) + vault.check_many(records)
            if errors:
                raise RecordInvalid(errors)
            stored = records
        else:
            stored = vault.put_many(records)
    except RecordInvalid as exc:
        raise ImportFailed(
            [f"line {line_of.get(e.record_id, '?')}: {e}" for e in exc.errors],
            [
                ImportProblem(line_of.get(e.record_id), e.record_type, e.field, e.code, e.params)
                for e in exc.errors
            ],
        ) from None
    created = unchanged = 0
    updates: list[Update] = []
    for record in stored:
        old = before[record.id]
        if old is None:
            created += 1
            continue
        new_fields = {k: v for k, v in record.fields.items() if not is_empty(v)}
        changed = tuple(name for name, value in new_fields.items() if value != old.fields.get(name))
        cleared = tuple(
            name
            for name, value in old.fields.items()
            if not is_empty(value) and name not in new_fields
        )
        if old.deleted or changed or cleared:
            label = str(old.fields.get("name", ""))
            updates.append(Update(record.id, record.type, label, changed, cleared))
        else:
            unchanged += 1
    if not dry_run:
        vault.audit("import", detail={"created": created, "updated": len(updates)})
    elsewhere = _named_elsewhere(vault, records)
    return ImportResult(
        created,
        len(updates),
        unchanged,
        tuple(updates),
        written=not dry_run,
        elsewhere=tuple(sorted({i for ids in elsewhere.values() for i in ids})),
        elsewhere_in=len(elsewhere),
    )


def _named_elsewhere(vault: Vault, records: list[Record]) -> dict[str, list[str]]:
    """For each record, the ids it names that neither the file nor the vault holds, in the
    fields that may name another area's records (FieldSpec.elsewhere)."""
    in_file = {r.id for r in records}
    named: dict[str, list[str]] = {}
    for record in records:
        for spec in SCHEMAS[record.type].fields:
            if not spec.elsewhere:
                continue
            value = record.fields.get(spec.name)
            ids = value if isinstance(value, list) else [value] if value else []
            away = [i for i in ids if i not in in_file and not vault.holds(i)]
            if away:
                named.setdefault(record.id, []).extend(away)
    return named


def _unchangeable(records: list[Record], before: dict[str, Record | None]) -> list[FieldError]:
    """A record's type, area and parent never change (the vault refuses it as it writes)."""
    errors = []
    for record in records:
        old = before[record.id]
        if old is None:
            continue
        for name, now, then in (
            ("type", record.type, old.type),
            ("area", record.area, old.area),
            ("parent_id", record.parent_id, old.parent_id),
        ):
            if now != then:
                errors.append(
                    FieldError(
                        record.id,
                        record.type,
                        name,
                        f"cannot change from {then!r}",
                        "unchangeable",
                        {"was": then},
                    )
                )
    return errors


def import_file(vault: Vault, path: Path, *, dry_run: bool = False) -> ImportResult:
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
    return import_records(vault, io.StringIO("".join(lines)), dry_run=dry_run)


def export_lines_to(vault: Vault, out: TextIO) -> int:
    """Write the export to an open text stream (standard output, say)."""
    count = write_export(vault, out)
    vault.audit("export", detail={"records": count})
    return count


def export_to(vault: Vault, out: Path | str, *, replace: bool = True) -> int:
    """Write the export to a file (atomically, owner-only), a pipe or device, or `-`
    (standard output): see output.py. An existing file is replaced only if `replace`."""
    count = write_text(out, lambda stream: write_export(vault, stream), replace=replace)
    vault.audit("export", detail={"records": count})
    return count
