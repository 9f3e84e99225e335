"""The quick paths: a visit with what can be known filled in, and the outreach tally."""

from __future__ import annotations

from datetime import date

import pytest

from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.operations.sync import SERVER_KEY
from marugoto_desktop.operations.visits import (
    count_contacts,
    link_to_household,
    record_outreach,
    record_visit,
    set_consultant,
    signed_in_consultant,
    visit_draft,
)
from marugoto_desktop.vault import RecordNotFound, Vault
from marugoto_desktop.vault.replica import VaultReplica

TODAY = date(2025, 6, 2)


@pytest.fixture
def household(vault: Vault) -> str:
    saved = create_record(vault, "household", {"name": "勝賀家", "status": "active"}, area="shoga")
    return saved.record.id


def test_a_visit_is_dated_today_in_the_households_area_by_who_is_signed_in(
    vault: Vault, household: str
) -> None:
    set_consultant(vault, "相談員A")
    saved = record_visit(
        vault, household, {"kind": "outreach.home_visit", "content": "玄関先で話す"}, today=TODAY
    )
    activity = saved.record
    assert (activity.type, activity.parent_id, activity.area) == ("activity", household, "shoga")
    assert dict(activity.fields) == {
        "date": "2025-06-02",
        "kind": "outreach.home_visit",
        "content": "玄関先で話す",
        "recorded_by": "相談員A",
    }
    assert saved.changes.touches_household(household)
    assert saved.changes.types == {"activity"}


def test_what_a_person_typed_wins_over_the_prefill(vault: Vault, household: str) -> None:
    set_consultant(vault, "相談員A")
    fields = {"kind": "consult.phone", "date": "2025-06-01", "recorded_by": "相談員B"}
    activity = record_visit(vault, household, fields, today=TODAY).record
    assert activity.fields["date"] == "2025-06-01"
    assert activity.fields["recorded_by"] == "相談員B"


def test_the_draft_shows_the_prefill_before_anything_is_typed(vault: Vault, household: str) -> None:
    assert signed_in_consultant(vault) is None
    VaultReplica(vault).set_setting(SERVER_KEY, {"user": "tanaka", "token": "t"})
    assert signed_in_consultant(vault) == "tanaka"  # enrolled: the user's name
    set_consultant(vault, " 田中 ")
    draft = visit_draft(vault, household, today=TODAY)
    assert (draft.area, draft.date, draft.recorded_by) == ("shoga", "2025-06-02", "田中")
    assert draft.fields == {"date": "2025-06-02", "recorded_by": "田中"}


def test_a_visit_needs_a_kind_and_a_household(vault: Vault, household: str) -> None:
    with pytest.raises(RecordInvalid) as caught:
        record_visit(vault, household, {"content": "x"}, today=TODAY)
    assert [(e.field, e.code) for e in caught.value.errors] == [("kind", "required")]
    with pytest.raises(RecordNotFound):
        record_visit(vault, "01900000-0000-7000-8000-000000000001", {"kind": "consult.phone"})


def test_the_outreach_tally_counts_heads_without_a_household(vault: Vault) -> None:
    tally = record_outreach(vault, "shoga", {"place": "公民館"}, today=TODAY).record
    assert tally.parent_id is None and tally.area == "shoga"
    assert (tally.fields["kind"], tally.fields["contacts"]) == ("outreach.gathering", 0)
    for _ in range(3):
        count_contacts(vault, tally.id)
    assert count_contacts(vault, tally.id, -1).record.fields["contacts"] == 2
    assert count_contacts(vault, tally.id, -5).record.fields["contacts"] == 0


def test_a_concern_noted_at_a_gathering_is_linked_to_its_household_later(
    vault: Vault, household: str
) -> None:
    concern = record_outreach(
        vault, "shoga", {"content": "一人暮らしの高齢者が心配", "contacts": 1}, today=TODAY
    ).record
    linked = link_to_household(vault, concern.id, household)
    assert linked.record.parent_id == household
    assert linked.changes.touches_household(household)
    assert [a.id for a in vault.records("activity", parent_id=household)] == [concern.id]
