"""THIN ADAPTER — to be replaced by operations/ as the core's write operations and read models land.

Everything here is a stand-in over the vault's existing public API (no SQL, no vault internals),
kept in one module so that swapping it for the real operations touches one import per screen.
/work/notes/ui-needs.md names the operation each function waits for.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..domain.records import Record, is_empty
from ..domain.validation import has_valid_consent
from ..domain.vocabularies import OUTREACH_PREFIX
from ..operations.households import prepare_search
from ..vault import Vault


@dataclass(frozen=True)
class Changes:
    """What an operation changed (Anki's OpChanges): record types and ids."""

    types: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()

    def touches(self, *record_types: str) -> bool:
        return any(t in self.types for t in record_types)

    @staticmethod
    def of(records: Iterable[Record]) -> Changes:
        found = list(records)
        return Changes(frozenset(r.type for r in found), frozenset(r.id for r in found))


# -- writes ----------------------------------------------------------------------------------


def create_record(
    vault: Vault,
    record_type: str,
    area: str | None,
    parent_id: str | None,
    fields: Mapping[str, Any],
) -> tuple[Record, Changes]:
    """Waits for operations.records.create_record."""
    record = vault.new_record(record_type, area, parent_id, **dict(fields))
    return record, Changes.of([record])


def update_record(
    vault: Vault, record: Record, fields: Mapping[str, Any]
) -> tuple[Record, Changes]:
    """Waits for operations.records.update_record; `fields` replaces the record's fields."""
    clean = {k: v for k, v in fields.items() if not is_empty(v)}
    changed = Record(record.id, record.type, record.area, record.parent_id, clean)
    stored = vault.put(changed)
    return stored, Changes.of([stored])


def delete_record(vault: Vault, record: Record) -> Changes:
    """Waits for operations.records.delete_record."""
    ids = vault.delete(record.id)
    types = {record.type}
    for record_id in ids:
        gone = vault.get(record_id, include_deleted=True)
        if gone is not None:
            types.add(gone.type)
    return Changes(frozenset(types), frozenset(ids))


def record_visit(
    vault: Vault,
    household_id: str | None,
    area: str,
    fields: Mapping[str, Any],
) -> tuple[Record, Changes]:
    """Waits for operations.activities.record_visit."""
    return create_record(vault, "activity", area, household_id, fields)


# -- read models -------------------------------------------------------------------------------


def kana_key(text: str) -> str:
    """A sort key in 五十音 order: width-folded, katakana as hiragana."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in folded).casefold()


def fold(text: str) -> str:
    """Width- and kana-insensitive text for matching (waits for the vault's folded search)."""
    return kana_key(text).replace(" ", "").replace("　", "")


@dataclass(frozen=True)
class HouseholdSummary:
    id: str
    name: str
    kana: str  # the head's (or first member's) kana: the 五十音 sort key
    area: str
    status: str
    address: str
    phone: str
    members: int
    categories: frozenset[str] = field(default_factory=frozenset)
    consultant: str = ""


def _summary(household: Record, members: list[Record], issues: list[Record]) -> HouseholdSummary:
    head = next((m for m in members if m.get("relationship") == "head"), None)
    kana_source = head or next((m for m in members if m.get("kana")), None)
    return HouseholdSummary(
        id=household.id,
        name=str(household.get("name", "")),
        kana=str(kana_source.get("kana", "")) if kana_source else "",
        area=household.area or "",
        status=str(household.get("status", "")),
        address=str(household.get("address", "")),
        phone=str(household.get("phone", "")),
        members=len(members),
        categories=frozenset(str(i.get("category")) for i in issues if not i.get("resolved_on")),
        consultant=str(household.get("assigned_consultant", "")),
    )


def household_summaries(vault: Vault) -> list[HouseholdSummary]:
    """Waits for operations.households.household_list (with kana and issue categories)."""
    members: dict[str, list[Record]] = defaultdict(list)
    for person in vault.records("person"):
        if person.parent_id:
            members[person.parent_id].append(person)
    issues: dict[str, list[Record]] = defaultdict(list)
    for issue in vault.records("issue"):
        if issue.parent_id:
            issues[issue.parent_id].append(issue)
    return [_summary(h, members[h.id], issues[h.id]) for h in vault.records("household")]


def household_summary(vault: Vault, household_id: str) -> HouseholdSummary | None:
    household = vault.get(household_id)
    if household is None or household.type != "household":
        return None
    return _summary(
        household,
        vault.records("person", parent_id=household_id),
        vault.records("issue", parent_id=household_id),
    )


def search_ids(vault: Vault, text: str) -> set[str] | None:
    """Ids of households matching `text`, or None for no search (waits for folded search)."""
    if not text.strip():
        return None
    found = {r.id for r in vault.search(text, "household")}
    needle = fold(text)
    if needle and needle != text.strip().casefold():
        # Until the vault folds width and kana: match the folded text too.
        found |= {r.id for r in vault.search(needle, "household")}
    return found


def warm_search(vault: Vault) -> None:
    prepare_search(vault)


@dataclass(frozen=True)
class HouseholdDetail:
    household: Record
    members: list[Record]
    issues: list[Record]
    activities: list[Record]  # newest first
    referrals: list[Record]
    consents: list[Record]
    meetings: list[Record]


def _newest_first(records: list[Record], date_field: str) -> list[Record]:
    return sorted(
        records,
        key=lambda r: (str(r.get(date_field, "")), str(r.get("time", "")), r.id),
        reverse=True,
    )


def household_detail(vault: Vault, household_id: str) -> HouseholdDetail | None:
    """Waits for operations.households.household_detail."""
    household = vault.get(household_id)
    if household is None:
        return None

    def children(record_type: str) -> list[Record]:
        return vault.records(record_type, parent_id=household_id)

    meetings = [
        m for m in vault.records("meeting") if household_id in (m.get("household_ids") or [])
    ]
    return HouseholdDetail(
        household=household,
        members=children("person"),
        issues=children("issue"),
        activities=_newest_first(children("activity"), "date"),
        referrals=_newest_first(children("referral"), "date"),
        consents=children("consent"),
        meetings=_newest_first(meetings, "date"),
    )


@dataclass(frozen=True)
class FollowUp:
    due: str  # YYYY-MM-DD
    what: str  # "activity" or "referral"
    record_id: str
    household_id: str | None
    household_name: str
    text: str
    overdue: bool


def follow_ups(vault: Vault, today: date, days_ahead: int = 14) -> list[FollowUp]:
    """Waits for operations.home.follow_ups (activities' next_date, referrals' follow_up_on)."""
    until = (today + timedelta(days=days_ahead)).isoformat()
    now = today.isoformat()
    names = {h.id: str(h.get("name", "")) for h in vault.records("household")}
    # Only the latest activity of a household sets its next date: an older plan is done.
    latest: dict[str, Record] = {}
    for activity in vault.records("activity"):
        key = activity.parent_id or activity.id
        seen = latest.get(key)
        if seen is None or str(activity.get("date", "")) >= str(seen.get("date", "")):
            latest[key] = activity
    found: list[FollowUp] = []
    for activity in latest.values():
        due = activity.get("next_date")
        if isinstance(due, str) and due <= until:
            found.append(
                FollowUp(
                    due,
                    "activity",
                    activity.id,
                    activity.parent_id,
                    names.get(activity.parent_id or "", ""),
                    str(activity.get("next_action", "")),
                    due < now,
                )
            )
    for referral in vault.records("referral"):
        due = referral.get("follow_up_on")
        if (
            isinstance(due, str)
            and due <= until
            and referral.get("status") in ("open", "acknowledged")
        ):
            found.append(
                FollowUp(
                    due,
                    "referral",
                    referral.id,
                    referral.parent_id,
                    names.get(referral.parent_id or "", ""),
                    str(referral.get("purpose", "")),
                    due < now,
                )
            )
    found.sort(key=lambda f: (f.due, f.household_name))
    return found


def referrals_awaiting(vault: Vault) -> list[FollowUp]:
    """Waits for operations.home.referrals_awaiting_acknowledgement."""
    names = {h.id: str(h.get("name", "")) for h in vault.records("household")}
    agencies = {a.id: str(a.get("name", "")) for a in vault.records("agency")}
    found = [
        FollowUp(
            str(r.get("date", "")),
            "referral",
            r.id,
            r.parent_id,
            names.get(r.parent_id or "", ""),
            agencies.get(str(r.get("agency_id", "")), ""),
            False,
        )
        for r in vault.records("referral")
        if r.get("status") == "open" and r.get("direction") in ("out", "joint")
    ]
    found.sort(key=lambda f: (f.due, f.household_name))
    return found


def unsynced_count(vault: Vault) -> int:
    """Waits for operations.sync.unsynced_count."""
    return vault.outbox_size()


def consent_status(vault: Vault, household_ids: Iterable[str], on: str) -> dict[str, bool]:
    """Which households have valid consent for a 重層的支援会議 on `on` (the guard, shown early)."""
    return {
        h: has_valid_consent(vault.consents_of(h), "multilayer_meeting", on) for h in household_ids
    }


def gatherings(vault: Vault, area: str | None = None) -> list[Record]:
    """Outreach activities with no household: the gatherings of the tally mode, newest first."""
    found = [
        a
        for a in vault.records("activity", area=area)
        if a.parent_id is None and str(a.get("kind", "")).startswith(OUTREACH_PREFIX)
    ]
    return _newest_first(found, "date")
