"""The audit trail as the faces use it: noting that a household was opened, and a household's
access history (who opened, wrote or printed what of it, and when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..vault import Vault


@dataclass(frozen=True)
class Access:
    """One entry of a household's history: when (local time), who, which laptop (site), what
    (an audit action code: open, create, edit, delete, restore, pdf…) and how many of its
    records it touched."""

    at: datetime
    who: str | None
    device: str | None
    action: str
    records: int


def note_opened(vault: Vault, household_id: str) -> None:
    """A person opened this household (its detail shown, not refreshed)."""
    vault.audit("open", [household_id])


def access_history(vault: Vault, household_id: str) -> list[Access]:
    """Every entry of the audit trail that names the household or a record under it, newest
    first. The trail is read whole and checked as it is read (AuditBroken where it breaks)."""
    ids = {household_id}
    for record_type in ("person", "issue", "activity", "referral", "consent"):
        ids.update(
            r.id for r in vault.records(record_type, parent_id=household_id, include_deleted=True)
        )
    found = []
    for entry in vault.audit_entries():
        touched = ids.intersection(entry.records)
        if touched:
            at = datetime.fromisoformat(entry.at.replace("Z", "+00:00")).astimezone()
            found.append(Access(at, entry.who, entry.device, entry.action, len(touched)))
    return found[::-1]
