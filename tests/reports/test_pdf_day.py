"""業務日報 as PDF."""

from __future__ import annotations

from datetime import date, datetime

from marugoto_desktop.domain.records import Record
from marugoto_desktop.reports.pdf.day import day_pdf
from marugoto_desktop.reports.pdf.layout import DocumentInfo

from .pdf_checks import check_document, plain

INFO = DocumentInfo("業務日報", "相談員 田中", datetime(2025, 6, 2, 18, 0))


def activity(i: int, time: str, kind: str, household: str | None, **more: object) -> Record:
    fields = {"date": "2025-06-02", "time": time, "kind": kind, "content": f"内容{i}。"}
    fields.update(more)
    return Record(f"a{i}", "activity", "mure", household, fields)


def test_the_day_in_time_order_with_the_outreach_tally() -> None:
    households = {"h1": Record("h1", "household", "mure", None, {"name": "一ノ瀬家"})}
    activities = [
        activity(1, "09:30", "outreach.home_visit", "h1", next_action="再訪問する。",
                 next_date="2025-06-09"),
        activity(2, "10:00", "outreach.gathering", None, place="牟礼公民館", contacts=18),
        activity(3, "13:30", "outreach.ibasho", None, place="サロンむれ", contacts=7),
        activity(4, "15:00", "consult.phone", "h1"),
    ]  # fmt: skip
    text = plain(
        check_document(day_pdf(date(2025, 6, 2), "田中 さくら", activities, households, INFO))
    )
    assert "業務日報" in text and "令和7年6月2日（月）" in text and "記録者：田中さくら" in text
    assert text.index("内容1") < text.index("内容2") < text.index("内容3") < text.index("内容4")
    assert "09:30一ノ瀬家戸別訪問内容1。再訪問する。（令和7年6月9日）" in text
    assert "10:00牟礼公民館地域の会合" in text
    # The tally: outreach by kind with head counts, then the consultations.
    assert "戸別訪問10地域の会合118居場所・サロン17" in text
    assert "合計325" in text
    assert "相談対応・支援コーディネート1" in text


def test_a_day_without_activities() -> None:
    text = plain(check_document(day_pdf(date(2025, 6, 1), None, [], {}, INFO)))
    assert "この日の活動記録はありません。" in text and "記録者：全員" in text
    assert "合計00" in text
