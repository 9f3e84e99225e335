"""The lists of the 関係機関 and 会議 screens and the names forms choose from."""

from __future__ import annotations

from marugoto_desktop.operations.directory import (
    agencies,
    agency_choices,
    household_choices,
    meetings,
)
from marugoto_desktop.operations.records import create_record, delete_record
from marugoto_desktop.vault import Vault


def add(vault: Vault, record_type: str, area: str | None = "mure", **fields: object) -> str:
    return create_record(vault, record_type, fields, area=area).record.id


def test_agencies_are_listed_by_kind_then_by_name(vault: Vault) -> None:
    school = add(vault, "agency", name="あおば小学校", agency_type="school")
    houkatsu_b = add(vault, "agency", name="むれ包括", agency_type="chiiki_houkatsu")
    houkatsu_a = add(vault, "agency", name="カガワ包括", agency_type="chiiki_houkatsu")
    gone = add(vault, "agency", name="閉所した機関", agency_type="npo")
    delete_record(vault, gone)
    # カガワ (katakana) sorts before むれ as its hiragana would: the name is folded.
    assert [a.id for a in agencies(vault)] == [houkatsu_a, houkatsu_b, school]
    assert agency_choices(vault) == [
        (school, "あおば小学校"),
        (houkatsu_a, "カガワ包括"),
        (houkatsu_b, "むれ包括"),
    ]


def test_meetings_are_listed_newest_first(vault: Vault) -> None:
    older = add(vault, "meeting", date="2025-04-10", meeting_type="regular")
    newer = add(vault, "meeting", area=None, date="2025-06-01", meeting_type="core_member")
    same_day = add(vault, "meeting", date="2025-06-01", meeting_type="individual")
    assert [m.id for m in meetings(vault)] == [same_day, newer, older]


def test_household_choices_name_the_live_households(vault: Vault) -> None:
    kept = add(vault, "household", name="山田家", status="active")
    gone = add(vault, "household", name="佐藤家", status="active")
    delete_record(vault, gone)
    assert household_choices(vault) == [(kept, "山田家")]
