"""フェイスシート: the whole household for the team; for an agency, only what consent covers."""

from __future__ import annotations

from datetime import datetime

from marugoto_desktop.domain.records import Record
from marugoto_desktop.reports.consent_scope import consent_scope
from marugoto_desktop.reports.pdf.face_sheet import Household, face_sheet_pdf, shared_face_sheet_pdf
from marugoto_desktop.reports.pdf.layout import DocumentInfo

from .pdf_checks import check_document, page_texts, plain

INFO = DocumentInfo("フェイスシート", "相談員 田中", datetime(2025, 6, 14, 9, 5))
HOUSEHOLD = Record(
    "h",
    "household",
    "shoga",
    None,
    {
        "name": "香西 正一世帯",
        "district": "鶴尾",
        "address": "高松市鶴尾町1-2",
        "status": "active",
        "public_assistance": "applying",
        "how_found": "minsei",
        "first_known_on": "2024-11-05",
    },
)
FATHER = Record(
    "p1",
    "person",
    "shoga",
    "h",
    {
        "name": "香西 正一",
        "kana": "こうざい しょういち",
        "relationship": "head",
        "sex": "male",
        "birth_date": "1950-06-15",  # 74 on the print date, 75 the day after
        "care_level": "care_2",
        "health_insurance": "late_elderly",
    },
)
SON = Record(
    "p2",
    "person",
    "shoga",
    "h",
    {
        "name": "香西 健太",
        "relationship": "child",
        "birth_date": "1978-02-01",
        "disability_certificate": "mental",
        "disability_grade": "2級",
    },
)
ISSUES = [
    Record("i1", "issue", "shoga", "h", {"category": "hikikomori", "person_id": "p2",
                                         "identified_on": "2024-11-05", "note": "自室にこもる。"}),
    Record("i2", "issue", "shoga", "h", {"category": "elderly_care", "person_id": "p1",
                                         "is_main": True, "identified_on": "2024-11-05",
                                         "note": "健太さんが介護を担うが限界。"}),
]  # fmt: skip
CONSENT = Record(
    "c1",
    "consent",
    "shoga",
    "h",
    {
        "person_id": "p1",
        "granted_on": "2024-12-01",
        "method": "signature",
        "obtained_by": "田中 さくら",
        "agency_ids": ["houkatsu"],
        "purposes": ["information_sharing"],
        "document_version": "令和6年度版",
    },
)
REFERRAL = Record(
    "r1",
    "referral",
    "shoga",
    "h",
    {
        "agency_id": "houkatsu",
        "direction": "out",
        "date": "2025-01-10",
        "status": "acknowledged",
        "purpose": "介護保険の申請支援",
        "follow_up_on": "2025-07-01",
    },
)
ACTIVITIES = [
    Record(
        f"a{i:02d}",
        "activity",
        "shoga",
        "h",
        {"date": f"2025-05-{i:02d}", "kind": "consult.phone", "content": f"電話{i}回目。"},
    )
    for i in range(12, 0, -1)
]  # fmt: skip  newest first
AGENCIES = {"houkatsu": "勝賀地域包括支援センター"}


def whole(issues=ISSUES) -> bytes:
    data = Household(HOUSEHOLD, [FATHER, SON], issues, [CONSENT], [REFERRAL], ACTIVITIES, AGENCIES)
    return face_sheet_pdf(data, INFO)


def test_the_face_sheet_holds_the_household() -> None:
    text = plain(check_document(whole()))
    for expected in (
        "フェイスシート",
        "年齢は令和7年6月14日現在",
        "香西正一世帯",
        "高松市鶴尾町1-2",
        "申請中",  # 生活保護
        "民生委員",  # 把握経路
        "令和6年11月5日",
        "香西正一（こうざいしょういち）世帯主男昭和25年6月15日（74歳）要介護2―後期高齢者医療",
        "香西健太子―昭和53年2月1日（47歳）―精神障害者保健福祉手帳2級",
        "◎高齢・介護香西正一",  # the 主訴 marked, listed first
        "ひきこもり・不登校香西健太",
        "関係機関との情報共有",
        "勝賀地域包括支援センター",
        "有効",
        "令和7年1月10日勝賀地域包括支援センターつなぎ介護保険の申請支援受理令和7年7月1日",
        "電話12回目",
    ):
        assert expected in text, expected
    assert text.index("◎高齢・介護") < text.index("ひきこもり・不登校")
    assert "電話3回目" in text and "電話2回目" not in text  # the ten most recent


def test_a_long_table_repeats_its_header_on_every_page() -> None:
    many = [
        Record(
            f"x{i}",
            "issue",
            "shoga",
            "h",
            {"category": "other", "note": "書類の提出が遅れている。" * 8},
        )
        for i in range(60)
    ]
    data = whole(ISSUES + many)
    pages = page_texts(data)
    assert len(pages) >= 3
    with_issues = [plain(p) for p in pages if "書類の提出" in p]
    assert len(with_issues) >= 2
    for page in with_issues:
        assert "主訴分類本人把握日解決日内容" in page


def test_the_sheet_for_an_agency_leaves_out_what_consent_does_not_cover() -> None:
    scope = consent_scope(
        HOUSEHOLD, [FATHER, SON], ISSUES, [CONSENT], "houkatsu", "information_sharing", "2025-06-14"
    )
    data = shared_face_sheet_pdf(scope, AGENCIES["houkatsu"], INFO)
    text = plain(check_document(data))
    for expected in (
        "フェイスシート（関係機関提供用）",
        "提供先：勝賀地域包括支援センター",
        "記載していません",  # says plainly that the rest was withheld
        "香西正一",
        "高齢・介護",
        "（非開示）さんが介護を担うが限界。",
        "令和6年12月1日",
    ):
        assert expected in text, expected
    for withheld in (
        "健太",
        "けんた",
        "ひきこもり",
        "自室にこもる",
        "申請中",
        "介護保険の申請支援",
    ):
        assert withheld not in text, withheld
    assert "回目" not in text  # no activities
