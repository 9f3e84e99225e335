"""What the vault refuses so that records keep pointing at the right things.

A person named by an issue or a consent is a member of that record's own household; a consent
a 重層的支援会議 relies on can be neither deleted nor edited out from under it.
"""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.vault import Vault

MEETING_DAY = "2025-06-10"


def household_with_member(vault: Vault, name: str, area: str = "mure") -> tuple[Record, Record]:
    household = vault.new_record("household", area, name=f"{name}家", status="active")
    person = vault.new_record("person", area, household.id, name=f"{name} 一郎")
    return household, person


def consent_of(vault: Vault, household: Record, person: Record, **fields: object) -> Record:
    values: dict[str, object] = {
        "person_id": person.id,
        "granted_on": "2025-05-01",
        "method": "signature",
        "purposes": ["multilayer_meeting", "information_sharing"],
    }
    values.update(fields)
    return vault.new_record("consent", household.area, household.id, **values)


def multilayer_meeting(vault: Vault, *households: Record, on: str = MEETING_DAY) -> Record:
    return vault.new_record(
        "meeting", "mure", date=on, meeting_type="individual",
        legal_basis="multilayer_meeting", household_ids=[h.id for h in households],
    )  # fmt: skip


def errors_of(caught: pytest.ExceptionInfo[RecordInvalid]) -> list[tuple[str, str]]:
    return [(e.record_id, e.field) for e in caught.value.errors]


# -- a person named is a member of the record's own household --------------------------------


@pytest.mark.parametrize("neighbour_area", ["mure", "shoga"])
def test_an_issue_naming_a_person_of_another_household_is_refused(
    vault: Vault, neighbour_area: str
) -> None:
    household, _ = household_with_member(vault, "牟礼")
    _, stranger = household_with_member(vault, "隣", neighbour_area)
    before = vault.outbox_size()
    with pytest.raises(RecordInvalid, match="another household") as caught:
        vault.new_record("issue", "mure", household.id, person_id=stranger.id, category="debt")
    [error] = caught.value.errors
    assert (error.record_type, error.field) == ("issue", "person_id")
    assert stranger.id in error.message and household.id in error.message
    assert vault.count("issue") == 0 and vault.outbox_size() == before


def test_a_consent_naming_a_person_of_another_household_is_refused(vault: Vault) -> None:
    household, _ = household_with_member(vault, "牟礼")
    _, stranger = household_with_member(vault, "隣")
    with pytest.raises(RecordInvalid) as caught:
        consent_of(vault, household, stranger)
    assert [e.field for e in caught.value.errors] == ["person_id"]
    assert vault.count("consent") == 0


def test_an_edit_cannot_move_an_issue_to_another_households_member(vault: Vault) -> None:
    household, member = household_with_member(vault, "牟礼")
    _, stranger = household_with_member(vault, "隣")
    issue = vault.new_record("issue", "mure", household.id, person_id=member.id, category="debt")
    with pytest.raises(RecordInvalid, match="person_id"):
        vault.put(issue.with_fields(person_id=stranger.id))
    stored = vault.get(issue.id)
    assert stored is not None and stored.fields["person_id"] == member.id


def test_a_member_written_in_the_same_batch_is_checked_through_the_batch(vault: Vault) -> None:
    """put_many sees the batch first: a new person's household is known before it is stored."""
    household, _ = household_with_member(vault, "牟礼")
    other, _ = household_with_member(vault, "隣")
    newcomer = Record(new_id(), "person", "mure", other.id, {"name": "隣 花子"})
    issue = Record(
        new_id(), "issue", "mure", household.id, {"person_id": newcomer.id, "category": "debt"}
    )
    with pytest.raises(RecordInvalid) as caught:
        vault.put_many([newcomer, issue])
    assert errors_of(caught) == [(issue.id, "person_id")]
    assert vault.get(newcomer.id) is None  # all or nothing
    own = Record(newcomer.id, "person", "mure", household.id, {"name": "牟礼 花子"})
    vault.put_many([own, issue])  # the same issue naming a member of its own household
    assert vault.get(issue.id) is not None


# -- a consent a 重層的支援会議 relies on ------------------------------------------------------


def test_a_consent_a_multilayer_meeting_relies_on_cannot_be_deleted(vault: Vault) -> None:
    household, person = household_with_member(vault, "牟礼")
    consent = consent_of(vault, household, person)
    meeting = multilayer_meeting(vault, household)
    before = vault.outbox_size()
    with pytest.raises(RecordInvalid, match=f"meeting {meeting.id}") as caught:
        vault.delete(consent.id)
    assert errors_of(caught) == [(consent.id, "id")]
    assert vault.get(consent.id) is not None and vault.outbox_size() == before
    # Once the meeting no longer needs it (held as a 支援会議 instead), the consent may go.
    vault.put(meeting.with_fields(legal_basis="support_meeting"))
    assert vault.delete(consent.id) == [consent.id]


def test_a_consent_may_go_when_another_covers_the_meeting(vault: Vault) -> None:
    household, person = household_with_member(vault, "牟礼")
    first = consent_of(vault, household, person)
    consent_of(vault, household, person, granted_on="2025-06-01")
    multilayer_meeting(vault, household)
    assert vault.delete(first.id) == [first.id]


def test_a_consent_no_multilayer_meeting_relies_on_may_go(vault: Vault) -> None:
    household, person = household_with_member(vault, "牟礼")
    other, other_person = household_with_member(vault, "隣")
    consent = consent_of(vault, household, person)
    consent_of(vault, other, other_person)
    multilayer_meeting(vault, other)  # another household's meeting
    vault.new_record(
        "meeting", "mure", date=MEETING_DAY, meeting_type="regular",
        legal_basis="support_meeting", household_ids=[household.id],
    )  # fmt: skip
    assert vault.delete(consent.id) == [consent.id]


def test_a_deleted_meeting_relies_on_nothing(vault: Vault) -> None:
    household, person = household_with_member(vault, "牟礼")
    consent = consent_of(vault, household, person)
    meeting = multilayer_meeting(vault, household)
    vault.delete(meeting.id)
    assert vault.delete(consent.id) == [consent.id]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"withdrawn_on": MEETING_DAY}, "withdrawn_on"),  # withdrawn on the day of the meeting
        ({"withdrawn_on": "2025-06-01"}, "withdrawn_on"),
        ({"granted_on": "2025-06-11"}, "granted_on"),
        ({"purposes": ["information_sharing"]}, "purposes"),
    ],
)
def test_an_edit_that_leaves_the_meeting_without_consent_is_refused(
    vault: Vault, change: dict[str, object], field: str
) -> None:
    household, person = household_with_member(vault, "牟礼")
    consent = consent_of(vault, household, person)
    meeting = multilayer_meeting(vault, household)
    before = vault.outbox_size()
    with pytest.raises(RecordInvalid, match=f"meeting {meeting.id}") as caught:
        vault.put(consent.with_fields(**change))
    assert errors_of(caught) == [(consent.id, field)]
    assert vault.get(consent.id) == consent and vault.outbox_size() == before


def test_a_withdrawal_after_the_meeting_is_recorded(vault: Vault) -> None:
    """Withdrawal is not retroactive: the meeting had valid consent on its day."""
    household, person = household_with_member(vault, "牟礼")
    consent = consent_of(vault, household, person)
    multilayer_meeting(vault, household)
    withdrawn = vault.put(consent.with_fields(withdrawn_on="2025-06-11"))
    assert withdrawn.fields["withdrawn_on"] == "2025-06-11"


def test_the_meeting_and_its_consent_may_change_together(vault: Vault) -> None:
    """One batch that moves the meeting off the household and withdraws the consent is fine."""
    household, person = household_with_member(vault, "牟礼")
    other, other_person = household_with_member(vault, "隣")
    consent = consent_of(vault, household, person)
    consent_of(vault, other, other_person)
    meeting = multilayer_meeting(vault, household, other)
    vault.put_many(
        [
            meeting.with_fields(household_ids=[other.id]),
            consent.with_fields(withdrawn_on="2025-06-01"),
        ]
    )
    stored = vault.get(consent.id)
    assert stored is not None and stored.fields["withdrawn_on"] == "2025-06-01"


def test_rewriting_a_consent_unchanged_is_not_an_edit(vault: Vault) -> None:
    household, person = household_with_member(vault, "牟礼")
    consent = consent_of(vault, household, person)
    multilayer_meeting(vault, household)
    before = vault.outbox_size()
    vault.put(consent)
    assert vault.outbox_size() == before
