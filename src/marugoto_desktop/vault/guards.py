"""Reference checks a person's write must pass besides validating each record on its own.

A record other live records point at (an agency a referral names) is not deleted; a consent
a live 重層的支援会議 relies on is neither deleted nor edited away; a batch is validated
against the vault as the batch will leave it. Sync applies what others wrote without these
checks (docs/architecture.md). They read the vault through its public reads, under the lock
the write holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from ..domain.records import Record
from ..domain.schema import SCHEMAS, Kind
from ..domain.validation import FieldError, RecordInvalid, References, lost_consent_errors


class Readable(References, Protocol):
    """What the checks read: the References of validation, and whole records."""

    def get(self, record_id: str, *, include_deleted: bool = False) -> Record | None: ...

    def records(self, record_type: str | None = None) -> list[Record]: ...


class BatchReferences:
    """References seen through a batch being written: the batch first, then the vault."""

    def __init__(self, vault: Readable, batch: Sequence[Record]) -> None:
        self._vault = vault
        self._batch = {r.id: r for r in batch}
        self._every_area: bool | None = None

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        record = self._batch.get(record_id)
        if record is not None:
            return None if record.deleted else (record.type, record.area)
        return self._vault.lookup(record_id)

    def holds(self, record_id: str) -> bool:
        return record_id in self._batch or self._vault.holds(record_id)

    def holds_every_area(self) -> bool:
        if self._every_area is None:  # read once a batch (a setting, decrypted)
            self._every_area = self._vault.holds_every_area()
        return self._every_area

    def parent_of(self, record_id: str) -> str | None:
        record = self._batch.get(record_id)
        if record is not None:
            return None if record.deleted else record.parent_id
        return self._vault.parent_of(record_id)

    def consents_of(self, household_id: str) -> Iterable[Record]:
        stored = [c for c in self._vault.consents_of(household_id) if c.id not in self._batch]
        fresh = [
            r
            for r in self._batch.values()
            if r.type == "consent" and r.parent_id == household_id and not r.deleted
        ]
        return stored + fresh


def refuse_if_referenced(vault: Readable, record_id: str, going: set[str]) -> None:
    """A record other live records point at (an agency a referral names, say) stays.

    Deleting it would leave records that no longer validate, and an export that no longer
    imports.
    """
    found = vault.lookup(record_id)
    if found is None:
        return
    target_type = found[0]
    for schema in SCHEMAS.values():
        refs = [
            spec.name
            for spec in schema.fields
            if spec.kind in (Kind.REF, Kind.REFS) and spec.ref_type == target_type
        ]
        if not refs:
            continue
        for other in vault.records(schema.type):
            if other.id in going:
                continue
            for name in refs:
                value = other.fields.get(name)
                if value == record_id or (isinstance(value, list) and record_id in value):
                    raise RecordInvalid(
                        [
                            FieldError(
                                record_id,
                                target_type,
                                "id",
                                f"is still referred to by {schema.type} {other.id} ({name})",
                                "referenced",
                                {"by_type": schema.type, "by_id": other.id, "by_field": name},
                            )
                        ]
                    )


def lost_consents(vault: Readable, batch: Sequence[Record], after: References) -> list[FieldError]:
    """Edited consents that stored multilayer meetings relied on and would lose.

    Only edits can take consent away (a new consent only adds some), so a batch of new
    records, or one that rewrites consents unchanged (a re-import), never reads a meeting.
    """
    changes: list[tuple[Record, Record | None]] = []
    for record in batch:
        if record.type != "consent":
            continue
        old = vault.get(record.id)
        if old is not None and dict(old.fields) != dict(record.fields):
            changes.append((old, record))
    if not changes:
        return []
    return lost_consent_errors(changes, _meetings_after(vault, batch), after)


def refuse_if_relied_on(vault: Readable, going: Sequence[str]) -> None:
    """A consent a live 重層的支援会議 relies on stays, like a record others point at."""
    consents = [r for r in map(vault.get, going) if r is not None and r.type == "consent"]
    if not consents:
        return
    gone = [Record(c.id, c.type, c.area, c.parent_id, c.fields, True) for c in consents]
    errors = lost_consent_errors(
        [(c, None) for c in consents], vault.records("meeting"), BatchReferences(vault, gone)
    )
    if errors:
        raise RecordInvalid(errors)


def _meetings_after(vault: Readable, batch: Sequence[Record]) -> list[Record]:
    """Live meetings as they will be once `batch` is written."""
    written = {r.id: r for r in batch if r.type == "meeting"}
    stored = [m for m in vault.records("meeting") if m.id not in written]
    return stored + list(written.values())
