"""年度実績報告 as PDF."""

from __future__ import annotations

from datetime import datetime

from marugoto_desktop.reports.breakdowns import HouseholdRow
from marugoto_desktop.reports.figures import ActivityRow, MeetingRow, Period, ReferralRow, Sources
from marugoto_desktop.reports.figures_report import figures_report
from marugoto_desktop.reports.pdf.annual import annual_pdf
from marugoto_desktop.reports.pdf.layout import DocumentInfo

from .pdf_checks import check_document, plain


def test_the_annual_report() -> None:
    activities = [
        ActivityRow("a1", "mure", "h1", "2019-04-01", "outreach.home_visit"),
        ActivityRow("a2", "mure", "h1", "2020-03-31", "consult.visit"),
        ActivityRow("a3", "kagawa", None, "2019-06-01", "outreach.gathering"),
        ActivityRow("a4", "mure", "h1", "2018-06-01", "consult.visit"),  # the year before
    ]
    meetings = [
        MeetingRow("m1", "mure", None, "2019-05-01", "core_member", ["ag1"]),
        MeetingRow("m2", None, None, "2019-05-02", "regular", ["ag1", "ag2"]),
    ]
    referrals = [ReferralRow("r1", "mure", "h1", "2019-07-01", "in", "ag3")]
    households = [HouseholdRow("h1", "mure", None, "active", "agency_referral", "2019-04-01")]
    report = figures_report(
        Sources(activities, meetings, referrals), households, [], Period.of_fiscal_year(2019)
    )
    info = DocumentInfo("令和元年度 活動実績報告", "相談員 田中", datetime(2020, 5, 1, 9, 0))
    text = plain(check_document(annual_pdf(report, info)))
    for expected in (
        "令和元年度まるごと福祉相談員活動実績報告",
        # The days are in the era of each day: Reiwa began on 2019-05-01.
        "期間：平成31年4月1日～令和2年3月31日（前年度：平成30年4月1日～平成31年3月31日）",
        "対象エリア：全市",
        "エリアアウトリーチ相談対応・支援コーディネート（延べ件数）",
        "令和元年度前年度",
    ):
        assert expected in text, expected
    # 牟礼: outreach 1 (0 the year before), consultations 1 (1), households 1 (1).
    assert "牟礼101111" in text
    assert "香川100000" in text
    assert "合計201111" in text
    # Per area (本庁 … 香川), 全市, 合計, 前年度合計.
    assert "コアメンバー会議0100000010" in text
    assert "定例会議0000000110" in text
    assert "関係機関からの持込ケース数10+1" in text
    assert "連携した関係機関数30+3" in text
    assert "新規10+1" in text
