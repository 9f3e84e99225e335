"""What the vault refuses so that records keep pointing at the right things.

A person named by an issue or a consent is a member of that record's own household.
"""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.vault import Vault


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
