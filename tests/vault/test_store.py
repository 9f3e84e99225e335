"""Everyday behaviour of the vault: writes, reads, deletes and what they refuse."""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.vault import RecordNotFound, Vault


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


def test_restore_brings_back_what_was_deleted_with_the_record(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    alone = vault.new_record("person", "mure", household.id, name="牟礼 一郎")
    member = vault.new_record("person", "mure", household.id, name="牟礼 花子")
    vault.delete(alone.id)  # on its own, before the household
    assert vault.delete(household.id) == [household.id, member.id]
    assert vault.restore(household.id) == [household.id, member.id]
    assert vault.get(member.id) is not None
    assert vault.get(alone.id) is None  # deleted on its own: stays deleted
    assert vault.restore(alone.id) == [alone.id]


def test_restore_under_a_deleted_household_is_refused_on_the_parent(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    member = vault.new_record("person", "mure", household.id, name="牟礼 花子")
    vault.delete(household.id)
    before = vault.outbox_size()
    with pytest.raises(RecordInvalid) as caught:
        vault.restore(member.id)
    assert [(e.field, e.code) for e in caught.value.errors] == [("parent_id", "missing")]
    assert vault.outbox_size() == before and vault.get(member.id) is None


def test_restore_and_delete_name_what_is_not_there(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    with pytest.raises(RecordNotFound):
        vault.restore(household.id)  # it is live
    vault.delete(household.id)
    with pytest.raises(RecordNotFound):
        vault.delete(household.id)  # deleted already
    with pytest.raises(RecordNotFound):
        vault.edit(household.id, {"phone": "087-000-0001"})


def test_a_refused_delete_names_the_referring_record_by_code(vault: Vault) -> None:
    agency = vault.new_record("agency", "mure", name="包括", agency_type="chiiki_houkatsu")
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    referral = vault.new_record(
        "referral", "mure", household.id, agency_id=agency.id, direction="out",
        date="2025-05-01", status="open",
    )  # fmt: skip
    with pytest.raises(RecordInvalid) as caught:
        vault.delete(agency.id)
    (error,) = caught.value.errors
    assert error.code == "referenced"
    assert dict(error.params) == {
        "by_type": "referral",
        "by_id": referral.id,
        "by_field": "agency_id",
    }


def test_edit_changes_only_the_fields_named(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active", phone="1")
    before, after = vault.edit(household.id, {"status": "watching", "phone": None})
    assert before == household
    assert dict(after.fields) == {"name": "牟礼家", "status": "watching"}
    _, counted = vault.edit(household.id, lambda r: {"name": r.fields["name"] + "（仮）"})
    assert counted.fields["name"] == "牟礼家（仮）"


def test_a_record_without_a_household_is_linked_to_one_once(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    elsewhere = vault.new_record("household", "shoga", name="勝賀家", status="active")
    note = vault.new_record(
        "activity", "mure", kind="outreach.gathering", date="2025-05-01", content="気になる人"
    )
    with pytest.raises(RecordInvalid) as caught:
        vault.set_parent(note.id, elsewhere.id)
    assert [e.code for e in caught.value.errors] == ["parent_area"]
    before = vault.outbox_size()
    linked = vault.set_parent(note.id, household.id)
    assert linked.parent_id == household.id
    assert [c.field for c in vault.pending_changes()[before:]] == ["_parent_id"]
    assert vault.records("activity", parent_id=household.id) == [linked]
    other = vault.new_record("household", "mure", name="別の家", status="active")
    with pytest.raises(RecordInvalid) as caught:
        vault.set_parent(note.id, other.id)
    assert [e.code for e in caught.value.errors] == ["unchangeable"]


def test_an_edit_may_not_move_a_record(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    with pytest.raises(RecordInvalid) as caught:
        vault.put(Record(household.id, "household", "shoga", None, household.fields))
    assert [(e.field, e.code) for e in caught.value.errors] == [("area", "unchangeable")]
