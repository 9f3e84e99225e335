"""Creating, editing, deleting and restoring records of every type.

Each returns what it changed (changes.py). A refusal is a RecordInvalid whose FieldErrors
carry codes the faces translate; a record that is not there is a RecordNotFound.

A household that is closed has the day it was closed (`closed_on`): the day given, else the
day it is saved as closed; a household reopened is no longer closed and loses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..domain.ids import new_id
from ..domain.records import Record, is_empty
from ..vault import RecordNotFound, Vault
from .changes import NOTHING, OpChanges, Saved


def create_record(
    vault: Vault,
    record_type: str,
    fields: Mapping[str, Any],
    *,
    area: str | None = None,
    parent_id: str | None = None,
    today: date | None = None,
) -> Saved:
    """A new record with a fresh id. A record under a household takes the household's area
    when `area` is left out; a household, agency or meeting names its own (a meeting may
    have none: city-wide)."""
    if parent_id is not None and area is None:
        parent = vault.get(parent_id)
        area = parent.area if parent is not None else None  # no parent: validation says so
    clean = {name: value for name, value in fields.items() if not is_empty(value)}
    if record_type == "household":
        clean.update(_closing({}, clean, today))
    record = vault.put(Record(new_id(), record_type, area, parent_id, clean))
    return Saved(record, OpChanges.of([record]))


def edit_record(
    vault: Vault, record_id: str, changes: Mapping[str, Any], *, today: date | None = None
) -> Saved:
    """Change only the fields named in `changes` (None, "" or [] clears one)."""

    def wanted(current: Record) -> Mapping[str, Any]:
        if current.type != "household":
            return changes
        return {**changes, **_closing(current.fields, changes, today)}

    before, after = vault.edit(record_id, wanted)
    if dict(before.fields) == dict(after.fields):
        return Saved(after, NOTHING)
    return Saved(after, OpChanges.of([before, after]))


def _closing(
    current: Mapping[str, Any], changes: Mapping[str, Any], today: date | None
) -> dict[str, Any]:
    """What a household's write does to its closing day: set to `today` when it is closed
    without one, cleared when it is no longer closed."""
    after = {**current, **changes}
    if after.get("status") == "closed":
        if is_empty(after.get("closed_on")):
            return {"closed_on": (today or date.today()).isoformat()}
        return {}
    return {"closed_on": None} if not is_empty(after.get("closed_on")) else {}


def delete_record(vault: Vault, record_id: str) -> OpChanges:
    """Delete a record and the records that belong to it (a household's members, issues…).

    Refused while other live records need it: an agency a referral names, a consent a
    重層的支援会議 relies on.
    """
    return OpChanges.of(_written(vault, vault.delete(record_id)))


def transfer_household(vault: Vault, household_id: str, to_area: str) -> OpChanges:
    """Move a household, with everything under it, to another area (転居・引継ぎ).

    At their next sync the receiving area's devices get it whole and the sending area's
    drop it (what they had not sent yet is kept on the server, flagged for the receiving
    area). A device that does not hold the new area lets it go at its next sync.
    """
    return OpChanges.of(vault.transfer(household_id, to_area))


def restore_record(vault: Vault, record_id: str) -> OpChanges:
    """Bring back a deleted record with the records that were deleted with it.

    Refused when what comes back would not fit: a member whose household is deleted (restore
    the household), a referral whose agency has gone.
    """
    return OpChanges.of(_written(vault, vault.restore(record_id)))


def get_record(vault: Vault, record_id: str, *, include_deleted: bool = False) -> Record:
    """One record; RecordNotFound if there is none (or it is deleted)."""
    record = vault.get(record_id, include_deleted=include_deleted)
    if record is None:
        raise RecordNotFound(record_id)
    return record


def _written(vault: Vault, ids: list[str]) -> list[Record]:
    found = (vault.get(record_id, include_deleted=True) for record_id in ids)
    return [record for record in found if record is not None]
