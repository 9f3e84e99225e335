"""What a household's consents let the team share with an agency, and why not when they don't."""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.records import Record
from marugoto_desktop.reports.consent_scope import (
    REFUSAL_REASONS,
    ConsentRefused,
    blot_names,
    consent_scope,
)

HOUSEHOLD = Record("h", "household", "mure", None, {"name": "香西 正一世帯", "status": "active"})
FATHER = Record("p1", "person", "mure", "h", {"name": "香西 正一", "kana": "こうざい しょういち"})
SON = Record("p2", "person", "mure", "h", {"name": "香西 健太", "kana": "こうざい けんた"})
MEMBERS = [FATHER, SON]
ISSUES = [
    Record("i1", "issue", "mure", "h", {"category": "elderly_care", "person_id": "p1",
                                        "is_main": True, "note": "健太さんが介護を担う。"}),
    Record("i2", "issue", "mure", "h", {"category": "hikikomori", "person_id": "p2"}),
    Record("i3", "issue", "mure", "h", {"category": "poverty", "note": "香西健太の収入なし。"}),
]  # fmt: skip


def consent(person: str = "p1", **fields: object) -> Record:
    values = {
        "person_id": person,
        "granted_on": "2025-04-01",
        "method": "signature",
        "agency_ids": ["houkatsu"],
        "purposes": ["information_sharing", "records"],
    }
    values.update(fields)
    return Record(f"c-{person}-{len(fields)}", "consent", "mure", "h", values)


def scope(*consents: Record, agency: str = "houkatsu", purpose: str = "information_sharing"):
    return consent_scope(HOUSEHOLD, MEMBERS, ISSUES, list(consents), agency, purpose, "2025-06-01")


def test_only_the_consenting_member_and_their_issues_are_shared() -> None:
    shared = scope(consent("p1"))
    assert [m.id for m in shared.members] == ["p1"]
    assert [m.id for m in shared.withheld_members] == ["p2"]
    # The father's issue and the household's own; not the son's.
    assert [i.id for i in shared.issues] == ["i1", "i3"]
    # The son's name is blotted out of what is shared, in every way it is written.
    assert shared.issues[0].fields["note"] == "（非開示）さんが介護を担う。"
    assert shared.issues[1].fields["note"] == "（非開示）の収入なし。"
    assert shared.household.fields["name"] == "香西 正一世帯"  # the father may be named


def test_the_household_name_of_a_withheld_head_is_blotted() -> None:
    shared = scope(consent("p2"))
    assert [m.id for m in shared.members] == ["p2"]
    assert shared.household.fields["name"] == "（非開示）世帯"


def test_both_members_consenting_share_both() -> None:
    shared = scope(consent("p1"), consent("p2"))
    assert [m.id for m in shared.members] == ["p1", "p2"]
    assert [i.id for i in shared.issues] == ["i1", "i2", "i3"]
    assert shared.issues[0].fields["note"] == "健太さんが介護を担う。"


@pytest.mark.parametrize(
    ("consents", "reason"),
    [
        ([], "no_consent"),
        ([consent(agency_ids=["school"])], "agency_not_covered"),
        ([consent(purposes=["records"])], "purpose_not_covered"),
        ([consent(granted_on="2025-07-01")], "not_yet_granted"),
        ([consent(withdrawn_on="2025-05-31")], "withdrawn"),
        ([consent(withdrawn_on="2025-06-01")], "withdrawn"),  # withdrawn that very day
        ([consent("p9")], "consenter_not_member"),
        # Deleted consents count for nothing.
        ([Record("c", "consent", "mure", "h", dict(consent().fields), deleted=True)], "no_consent"),
    ],
)
def test_without_a_covering_consent_nothing_is_shared(consents, reason) -> None:
    with pytest.raises(ConsentRefused) as refused:
        scope(*consents)
    assert refused.value.reason == reason
    assert reason in REFUSAL_REASONS
    assert (refused.value.agency_id, refused.value.purpose) == ("houkatsu", "information_sharing")


def test_a_consent_withdrawn_later_still_covers_the_day() -> None:
    assert scope(consent(withdrawn_on="2025-06-02")).members == [FATHER]


def test_names_are_blotted_however_they_are_written() -> None:
    text = "香西 健太、香西　健太、香西健太、健太、こうざい けんた、けんた、香西さん"
    assert blot_names(text, [SON]) == (
        "（非開示）、（非開示）、（非開示）、（非開示）、（非開示）、（非開示）、香西さん"
    )
    one_letter = Record("p3", "person", "mure", "h", {"name": "香西 光"})
    assert blot_names("光が差す。香西 光", [one_letter]) == "光が差す。（非開示）"
