"""Recording what a consultant did: a visit to a household, an outreach tally at a gathering.

These are the quick paths of the field: what can be known is filled in (today, the
household's area, who is signed in), so a person types only the kind and what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.records import Record
from ..vault import RecordNotFound, Vault
from ..vault.replica import VaultReplica
from .changes import SETTINGS, OpChanges, Saved
from .records import create_record
from .sync import SERVER_KEY

CONSULTANT_KEY = "profile.consultant"
GATHERING_KIND = "outreach.gathering"


def signed_in_consultant(vault: Vault) -> str | None:
    """Who records on this laptop: the name set here, else the user it is enrolled as."""
    replica = VaultReplica(vault)
    name = replica.get_setting(CONSULTANT_KEY)
    if name:
        return str(name)
    server = replica.get_setting(SERVER_KEY)
    user = server.get("user") if isinstance(server, dict) else None
    return str(user) if user else None


def set_consultant(vault: Vault, name: str | None) -> OpChanges:
    """The name new activities are recorded by (None: the enrolled user's)."""
    VaultReplica(vault).set_setting(CONSULTANT_KEY, (name or "").strip() or None)
    return OpChanges(frozenset({SETTINGS}))


@dataclass(frozen=True)
class VisitDraft:
    """What a new activity for a household starts with, before a person types anything."""

    household_id: str
    area: str | None
    date: str
    recorded_by: str | None

    @property
    def fields(self) -> dict[str, Any]:
        found = {"date": self.date, "recorded_by": self.recorded_by}
        return {name: value for name, value in found.items() if value}


def visit_draft(vault: Vault, household_id: str, *, today: date | None = None) -> VisitDraft:
    """The prefilled start of an activity for a household: today, its area, who records."""
    household = vault.get(household_id)
    if household is None or household.type != "household":
        raise RecordNotFound(household_id)
    day = (today or date.today()).isoformat()
    return VisitDraft(household_id, household.area, day, signed_in_consultant(vault))


def record_visit(
    vault: Vault, household_id: str, fields: Mapping[str, Any], *, today: date | None = None
) -> Saved:
    """One activity for a household. `fields` needs the kind (and usually the content); the
    date (today) and who recorded it (who is signed in) are filled in when left out, and the
    area is always the household's."""
    draft = visit_draft(vault, household_id, today=today)
    return create_record(vault, "activity", {**draft.fields, **fields}, parent_id=household_id)


def record_outreach(
    vault: Vault, area: str, fields: Mapping[str, Any], *, today: date | None = None
) -> Saved:
    """An outreach tally at a gathering, with no household: the head count is `contacts`
    (default 0, raised by `count_contacts`), a concern goes in `content` without naming
    anyone. Kind (default 地域の会合), date (today) and recorder are filled in."""
    defaults: dict[str, Any] = {
        "kind": GATHERING_KIND,
        "date": (today or date.today()).isoformat(),
        "contacts": 0,
        "recorded_by": signed_in_consultant(vault),
    }
    return create_record(vault, "activity", {**defaults, **fields}, area=area)


def count_contacts(vault: Vault, activity_id: str, delta: int = 1) -> Saved:
    """Add `delta` people to a tally's head count (a tap per person; never below zero)."""

    def more(activity: Record) -> dict[str, Any]:
        current = activity.fields.get("contacts", 0)
        return {"contacts": max(0, (current if isinstance(current, int) else 0) + delta)}

    _, after = vault.edit(activity_id, more)
    return Saved(after, OpChanges.of([after]))


def link_to_household(vault: Vault, activity_id: str, household_id: str) -> Saved:
    """Link an activity recorded without a household (a concern noted at a gathering) to the
    household it turned out to be about. It must be of the same area; once linked, it stays."""
    record = vault.set_parent(activity_id, household_id)
    return Saved(record, OpChanges.of([record]))


def gatherings(vault: Vault, *, area: str | None = None, since: date | None = None) -> list[Record]:
    """Activities recorded without a household (outreach tallies), newest first: what the
    アウトリーチ集計 mode picks from, and where concerns wait to be linked."""
    after = since.isoformat() if since is not None else ""
    found = [
        a
        for a in vault.records("activity")
        if a.parent_id is None
        and (area is None or a.area == area)
        and str(a.fields.get("date", "")) >= after
    ]
    found.sort(key=lambda a: (a.fields.get("date", ""), a.fields.get("time", ""), a.id))
    found.reverse()
    return found
