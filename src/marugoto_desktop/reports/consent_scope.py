"""What a household's consents let the team share with one agency for one purpose.

A consent (同意) is given by one member (`person_id`) for the agencies and purposes it names,
from `granted_on` until `withdrawn_on`. Shared with an agency are: the members whose own
consent covers that agency and purpose on the day, and the issues that concern them or the
household as a whole (an issue with no `person_id`). Everything else is withheld, and the
names of withheld members are blotted out of what is shared (the household's name, the issues'
notes). Without a covering
consent, nothing is shared and `ConsentRefused` says why, as a code (REFUSAL_REASONS) the
faces put into words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.records import Record

# Why nothing may be shared, from "nothing to go on" to "almost":
REFUSAL_REASONS = (
    "no_consent",  # the household has no consent on record
    "agency_not_covered",  # no consent names this agency
    "purpose_not_covered",  # consents name the agency, but not for this purpose
    "not_yet_granted",  # the consent that would cover it starts after the day
    "withdrawn",  # the consent that covered it has been withdrawn
    "consenter_not_member",  # it was given by someone no longer a member of the household
)

WITHHELD_NAME = "（非開示）"


class ConsentRefused(Exception):
    """Nothing may be shared with the agency for the purpose; `reason` is one of
    REFUSAL_REASONS."""

    def __init__(self, reason: str, agency_id: str, purpose: str) -> None:
        assert reason in REFUSAL_REASONS
        self.reason = reason
        self.agency_id = agency_id
        self.purpose = purpose
        super().__init__(f"{reason}: agency {agency_id}, purpose {purpose}")


@dataclass(frozen=True)
class SharedScope:
    """What may be shared: the household (withheld names blotted out of its name), the covering
    consents, and the members and issues they cover."""

    household: Record
    agency_id: str
    purpose: str
    consents: list[Record]
    members: list[Record]
    issues: list[Record]
    withheld_members: list[Record]


def _names(consent: Record, field: str) -> list[str]:
    value = consent.fields.get(field)
    return list(value) if isinstance(value, list) else []


def consent_scope(
    household: Record,
    members: Sequence[Record],
    issues: Sequence[Record],
    consents: Sequence[Record],
    agency_id: str,
    purpose: str,
    on: str,
) -> SharedScope:
    """The members and issues the household's live consents let us share on day `on`
    (YYYY-MM-DD); ConsentRefused when none covers the agency and purpose."""
    live = [c for c in consents if not c.deleted]
    member_ids = {m.id for m in members}
    if not live:
        raise ConsentRefused("no_consent", agency_id, purpose)
    naming = [c for c in live if agency_id in _names(c, "agency_ids")]
    matching = [c for c in naming if purpose in _names(c, "purposes")]
    if not matching:
        reason = "purpose_not_covered" if naming else "agency_not_covered"
        raise ConsentRefused(reason, agency_id, purpose)

    def started(c: Record) -> bool:
        return str(c.fields.get("granted_on", "9999")) <= on

    def withdrawn(c: Record) -> bool:
        ended = c.fields.get("withdrawn_on")
        return isinstance(ended, str) and ended <= on

    valid = [
        c for c in matching if started(c) and not withdrawn(c) and c.get("person_id") in member_ids
    ]
    if not valid:
        if any(withdrawn(c) for c in matching):
            reason = "withdrawn"
        elif any(not started(c) for c in matching):
            reason = "not_yet_granted"
        else:
            reason = "consenter_not_member"
        raise ConsentRefused(reason, agency_id, purpose)

    covered = {c.get("person_id") for c in valid}
    shared = [m for m in members if m.id in covered]
    withheld = [m for m in members if m.id not in covered]
    shown_issues = [
        _blot(i, withheld, "note")
        for i in issues
        if not i.deleted and (i.get("person_id") is None or i.get("person_id") in covered)
    ]
    shown_household = _blot(household, withheld, "name", "address")
    return SharedScope(shown_household, agency_id, purpose, valid, shared, shown_issues, withheld)


def _blot(record: Record, withheld: Sequence[Record], *fields: str) -> Record:
    """The record with the names of withheld members taken out of some text fields (a
    household is often named after its head: 山田 太郎世帯)."""
    changes = {
        name: blot_names(value, withheld)
        for name in fields
        if isinstance(value := record.fields.get(name), str)
    }
    return record.with_fields(**changes) if changes and withheld else record


def blot_names(text: str, people: Sequence[Record]) -> str:
    """`text` with every way of writing these people's names (full name with or without the
    space, given name, ふりがな) replaced by （非開示）."""
    variants: set[str] = set()
    for person in people:
        for field in ("name", "kana"):
            value = person.fields.get(field)
            if not isinstance(value, str) or not value.strip():
                continue
            parts = value.split()
            variants.update({value, "".join(parts), " ".join(parts), "　".join(parts)})
            if len(parts) > 1 and len(parts[-1]) > 1:
                variants.add(parts[-1])  # the given name alone (a one-character one is too
                # likely to be an ordinary word)
    if not variants:
        return text
    pattern = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    return re.sub(pattern, WITHHELD_NAME, text)
