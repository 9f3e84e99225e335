"""The home screen's read models: follow-ups, referrals awaiting acknowledgement, sync state."""

from __future__ import annotations

from datetime import date

import pytest

from marugoto_desktop.operations.home import (
    awaiting_acknowledgement,
    follow_ups,
    last_sync,
    prepare_home,
    unsynced_changes,
)
from marugoto_desktop.operations.households import find_households, prepare_search
from marugoto_desktop.operations.records import (
    create_record,
    delete_record,
    edit_record,
    restore_record,
)
from marugoto_desktop.operations.visits import link_to_household, record_outreach, record_visit
from marugoto_desktop.vault import Vault

from ..conftest import PASSPHRASE

TODAY = date(2025, 6, 10)


def add(vault: Vault, record_type: str, parent: str | None = None, area: str | None = None,
        **fields: object) -> str:  # fmt: skip
    return create_record(vault, record_type, fields, area=area, parent_id=parent).record.id


@pytest.fixture
def agency(vault: Vault) -> str:
    return add(vault, "agency", area="mure", name="包括（仮）", agency_type="chiiki_houkatsu")


def household(vault: Vault, name: str, status: str = "active", area: str = "mure") -> str:
    return add(vault, "household", area=area, name=name, status=status)


def visit(vault: Vault, household_id: str, on: str, next_date: str | None = None) -> str:
    fields = {"kind": "consult.visit", "date": on, "next_date": next_date}
    return record_visit(vault, household_id, fields).record.id


def test_a_households_next_date_is_the_one_its_latest_activity_set(vault: Vault) -> None:
    overdue = household(vault, "遅れ家")
    visit(vault, overdue, "2025-05-01", "2025-06-01")
    answered = household(vault, "済み家")
    visit(vault, answered, "2025-05-01", "2025-06-01")
    visit(vault, answered, "2025-06-02")  # the visit came: nothing more is planned
    soon = household(vault, "予定家")
    planned = visit(vault, soon, "2025-06-03", "2025-06-12")
    far = household(vault, "先の家")
    visit(vault, far, "2025-06-03", "2025-07-30")
    closed = household(vault, "終結家", status="closed")
    visit(vault, closed, "2025-05-01", "2025-06-01")
    due = follow_ups(vault, TODAY)
    assert [(f.household_name, f.due_on, f.overdue) for f in due] == [
        ("遅れ家", "2025-06-01", True),
        ("予定家", "2025-06-12", False),
    ]
    assert due[1].record.id == planned and due[1].household_id == soon
    assert [f.household_name for f in follow_ups(vault, TODAY, within_days=60)][-1] == "先の家"


def test_open_referrals_ask_for_their_follow_up(vault: Vault, agency: str) -> None:
    home = household(vault, "連携家")
    for status, follow in [("open", "2025-06-09"), ("acknowledged", "2025-06-10"),
                           ("done", "2025-06-01"), ("dropped", "2025-06-01")]:  # fmt: skip
        add(vault, "referral", home, agency_id=agency, direction="out", date="2025-05-01",
            status=status, follow_up_on=follow)  # fmt: skip
    due = follow_ups(vault, TODAY)
    assert [(f.record.fields["status"], f.overdue) for f in due] == [
        ("open", True),
        ("acknowledged", False),  # due today is not overdue
    ]


def test_a_gatherings_next_date_and_the_area_filter(vault: Vault) -> None:
    record_outreach(
        vault, "mure", {"place": "公民館", "date": "2025-06-01", "next_date": "2025-06-15"}
    )
    record_outreach(
        vault, "shoga", {"place": "公民館", "date": "2025-06-01", "next_date": "2025-06-11"}
    )
    due = follow_ups(vault, TODAY, area="shoga")
    assert [(f.household_id, f.record.area, f.due_on) for f in due] == [
        (None, "shoga", "2025-06-11")
    ]
    assert len(follow_ups(vault, TODAY, within_days=10)) == 2


def test_referrals_awaiting_acknowledgement_longest_first(vault: Vault, agency: str) -> None:
    home = household(vault, "連携家")
    later = add(vault, "referral", home, agency_id=agency, direction="out", date="2025-06-01",
                status="open")  # fmt: skip
    first = add(vault, "referral", home, agency_id=agency, direction="in", date="2025-05-01",
                status="open")  # fmt: skip
    taken = add(vault, "referral", home, agency_id=agency, direction="out", date="2025-04-01",
                status="open")  # fmt: skip
    edit_record(vault, taken, {"status": "acknowledged"})
    rows = awaiting_acknowledgement(vault)
    assert [r.referral.id for r in rows] == [first, later]
    assert (rows[0].household_name, rows[0].agency_name) == ("連携家", "包括（仮）")
    assert awaiting_acknowledgement(vault, area="shoga") == []


def test_unsynced_changes_count_every_field_written(vault: Vault) -> None:
    assert unsynced_changes(vault) == 0
    home = household(vault, "家")  # name and status
    assert unsynced_changes(vault) == 2
    edit_record(vault, home, {"phone": "087-000-0001"})
    assert unsynced_changes(vault) == 3
    assert last_sync(vault) is None


def test_views_kept_by_writes_agree_with_views_built_afresh(vault: Vault, agency: str) -> None:
    """The read models follow writes in place; what they say must be what a fresh unlock
    would build from the records."""
    prepare_search(vault)
    prepare_home(vault)

    def seen(v: Vault) -> tuple[object, ...]:
        return (
            [(f.record.id, f.due_on, f.overdue) for f in follow_ups(v, TODAY, within_days=30)],
            [r.referral.id for r in awaiting_acknowledgement(v)],
            find_households(v, ""),
            find_households(v, "かがわ"),
            find_households(v, "", issue_category="debt"),
            unsynced_changes(v),
        )

    one = household(vault, "香川家")
    seen(vault)  # every step is read, so the views settle each change as the screens would
    other = household(vault, "勝賀家", area="shoga")
    seen(vault)
    add(vault, "person", one, name="香川 一郎", kana="かがわ いちろう", relationship="head")
    seen(vault)
    first = visit(vault, one, "2025-05-01", "2025-06-01")
    seen(vault)
    visit(vault, other, "2025-05-02", "2025-06-20")
    later = visit(vault, one, "2025-05-20", "2025-06-05")
    seen(vault)
    edit_record(vault, later, {"date": "2025-04-01"})  # now the older one: first is latest
    seen(vault)
    debt = add(vault, "issue", one, category="debt")
    seen(vault)
    referral = add(vault, "referral", other, agency_id=agency, direction="out",
                   date="2025-05-01", status="open", follow_up_on="2025-06-12")  # fmt: skip
    seen(vault)
    edit_record(vault, referral, {"status": "acknowledged"})
    seen(vault)
    waiting = add(vault, "referral", one, agency_id=agency, direction="in", date="2025-06-01",
                  status="open")  # fmt: skip
    seen(vault)
    concern = record_outreach(vault, "mure", {"date": "2025-06-01", "next_date": "2025-06-09"})
    seen(vault)
    link_to_household(vault, concern.record.id, one)
    seen(vault)
    delete_record(vault, one)
    seen(vault)
    restore_record(vault, one)
    seen(vault)
    delete_record(vault, first)
    seen(vault)
    delete_record(vault, debt)
    seen(vault)
    edit_record(vault, other, {"status": "closed"})
    seen(vault)
    add(vault, "person", one, name="香川 花子", kana="かがわ はなこ")
    kept = seen(vault)
    folder = vault.folder
    vault.close()
    with Vault.open(folder, PASSPHRASE) as fresh:
        prepare_search(fresh)
        assert seen(fresh) == kept
    assert kept[0] == [(concern.record.id, "2025-06-09", True)]
    assert kept[1] == [waiting]
