"""Conflicts as a person reviews them on 同期: who wrote each side and when, and what holds now.

A change carries only the replica (`site`) that made it and its clock: this laptop knows its
own site and the user it is enrolled as, but not which user or device another site belongs
to (the server does not send that), so another laptop's edit is named by its site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marugoto_sync.hlc import millis_of
from marugoto_sync.merge import PARENT_DELETED

from ..vault import Vault
from .sync import DELETION_KINDS, ConflictRow, conflict_rows, enrolled_settings
from .visits import signed_in_consultant

SETTLED_SHOWN = 20  # settled conflicts listed after the open ones, the latest first


@dataclass(frozen=True)
class Author:
    """Who wrote one side of a conflict, as far as this laptop knows, and when."""

    this_laptop: bool
    user: str | None  # known for this laptop's own edits: the enrolled user (or recorder)
    site: str  # the replica that wrote it: all that names another laptop
    at: datetime  # in this computer's time zone

    @property
    def device(self) -> str:
        """A short name for the other laptop: the start of its site id."""
        return self.site[:8]


@dataclass(frozen=True)
class ConflictReview:
    row: ConflictRow
    kept_by: Author
    other_by: Author
    # What the records hold now: the field's value (a field conflict), or whether the record
    # (a deletion conflict) or its parent (parent_deleted) is deleted.
    value_now: Any
    deleted_now: bool
    holds: str  # "kept", "other" or "new" (a value written since, or when settling)

    @property
    def settled(self) -> bool:
        return self.row.status != "open"


def author(vault: Vault, site: str, hlc: int) -> Author:
    at = datetime.fromtimestamp(millis_of(hlc) / 1000).astimezone()
    if site != vault.site:
        return Author(False, None, site, at)
    settings = enrolled_settings(vault) or {}
    user = settings.get("user") or signed_in_consultant(vault)
    return Author(True, str(user) if user else None, site, at)


def review(vault: Vault, row: ConflictRow) -> ConflictReview:
    record = vault.get(row.record_id, include_deleted=True)
    deleted_now = bool(record is None or record.deleted)
    value_now: Any = None
    if row.kind == PARENT_DELETED:
        deleted_now = row.parent_deleted
        holds = "kept" if deleted_now else "other"  # kept: it went with its parent
    elif row.kind in DELETION_KINDS:
        # kept: the state the record was in when the conflict was found (its winner).
        kept_deleted = row.kept_value is True
        holds = "kept" if deleted_now == kept_deleted else "other"
    else:
        value_now = None if record is None else record.fields.get(row.field)
        if value_now == row.kept_value:
            holds = "kept"
        elif value_now == row.other_value:
            holds = "other"
        else:
            holds = "new"
    return ConflictReview(
        row,
        author(vault, row.kept_site, row.kept_hlc),
        author(vault, row.other_site, row.other_hlc),
        value_now,
        deleted_now,
        holds,
    )


def conflicts_to_review(vault: Vault, *, settled: int = SETTLED_SHOWN) -> list[ConflictReview]:
    """The open conflicts, then the latest settled ones (with what they settled on)."""
    rows = conflict_rows(vault, include_resolved=settled > 0)
    open_rows = [r for r in rows if r.status == "open"]
    done = [r for r in rows if r.status != "open"]
    done.sort(key=lambda r: max(r.kept_hlc, r.other_hlc), reverse=True)
    return [review(vault, r) for r in (*open_rows, *done[:settled])]
