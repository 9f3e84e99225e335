"""Everyday behaviour of the vault: writes, reads, deletes and what they refuse."""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.vault import Vault


def test_a_referenced_agency_cannot_be_deleted(vault: Vault) -> None:
    agency = vault.new_record("agency", "mure", name="包括", agency_type="chiiki_houkatsu")
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    referral = vault.new_record(
        "referral", "mure", household.id, agency_id=agency.id, direction="out",
        date="2025-05-01", status="open",
    )  # fmt: skip
    with pytest.raises(RecordInvalid, match=f"referral {referral.id}"):
        vault.delete(agency.id)
    assert vault.get(agency.id) is not None
    vault.delete(household.id)  # the referral goes with its household...
    assert vault.delete(agency.id) == [agency.id]  # ...and then the agency may go


def test_a_person_named_by_an_issue_of_the_same_household_goes_with_it(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    person = vault.new_record("person", "mure", household.id, name="牟礼 一郎")
    vault.new_record("issue", "mure", household.id, person_id=person.id, category="debt")
    with pytest.raises(RecordInvalid, match="issue"):
        vault.delete(person.id)
    deleted = vault.delete(household.id)
    assert person.id in deleted and len(deleted) == 3


def test_deleting_a_household_takes_its_records(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    vault.new_record("person", "mure", household.id, name="牟礼 花子")
    assert len(vault.delete(household.id)) == 2
    assert vault.records("person") == []
    assert len(vault.records("person", include_deleted=True)) == 1


def test_updates_record_only_what_changed(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    before = vault.outbox_size()
    vault.put(household.with_fields(status="active"))  # no change at all
    assert vault.outbox_size() == before
    vault.put(household.with_fields(phone="087-000-0001"))
    assert [c.field for c in vault.pending_changes()[before:]] == ["phone"]
