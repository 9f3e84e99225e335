"""Conflicts as a person reviews them on 同期: who wrote each side and when, and what holds now.

A change carries only the replica (`site`) that made it and its clock: this laptop knows its
own site and the user it is enrolled as; another site's user and device are those the
server named when it sent that site's changes (VaultReplica.authors). A site it never named
(a vault not synced since the server began to, or a write sent again after a restore) is
named by the start of its id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marugoto_sync.hlc import millis_of
from marugoto_sync.merge import PARENT_DELETED

from ..vault import Vault
from ..vault.replica import VaultReplica
from .sync import DELETION_KINDS, ConflictRow, conflict_rows, enrolled_settings
from .visits import signed_in_consultant

SETTLED_SHOWN = 20  # settled conflicts listed after the open ones, the latest first


@dataclass(frozen=True)
class Author:
    """Who wrote one side of a conflict, as far as this laptop knows, and when."""

    this_laptop: bool
    # This laptop's: the enrolled user (or recorder); another's: as the server named it.
    user: str | None
    site: str  # the replica that wrote it
    at: datetime  # in this computer's time zone
    device_name: str | None = None  # another laptop's, as the server named it

    @property
    def device(self) -> str:
        """The other laptop's name, or, unknown, the start of its site id."""
        return self.device_name or self.site[:8]


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


def author(
    vault: Vault, site: str, hlc: int, authors: Mapping[str, Mapping[str, str]] | None = None
) -> Author:
    """Who wrote a side: `authors` are the other sites' (VaultReplica.authors; read if not
    given)."""
    at = datetime.fromtimestamp(millis_of(hlc) / 1000).astimezone()
    if site != vault.site:
        named = (VaultReplica(vault).authors() if authors is None else authors).get(site, {})
        return Author(False, named.get("user"), site, at, named.get("device"))
    settings = enrolled_settings(vault) or {}
    user = settings.get("user") or signed_in_consultant(vault)
    return Author(True, str(user) if user else None, site, at)


def authors_of(vault: Vault, rows: Sequence[ConflictRow]) -> dict[str, tuple[Author, Author]]:
    """Who wrote each side (kept, other) of these conflicts, by conflict id."""
    authors = VaultReplica(vault).authors()
    return {
        row.conflict_id: (
            author(vault, row.kept_site, row.kept_hlc, authors),
            author(vault, row.other_site, row.other_hlc, authors),
        )
        for row in rows
    }


def review(
    vault: Vault, row: ConflictRow, authors: Mapping[str, Mapping[str, str]] | None = None
) -> ConflictReview:
    if authors is None:
        authors = VaultReplica(vault).authors()
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
        author(vault, row.kept_site, row.kept_hlc, authors),
        author(vault, row.other_site, row.other_hlc, authors),
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
    authors = VaultReplica(vault).authors()
    return [review(vault, r, authors) for r in (*open_rows, *done[:settled])]
