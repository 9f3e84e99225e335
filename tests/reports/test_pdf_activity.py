"""活動記録票 and what every document shares: A4, embedded fonts, the mark, page numbers, who
made it; password protection."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from pypdf import PasswordType, PdfReader
from pypdf.errors import FileNotDecryptedError

from marugoto_desktop.domain.records import Record
from marugoto_desktop.reports.pdf.activity import activity_pdf
from marugoto_desktop.reports.pdf.layout import DocumentInfo
from marugoto_desktop.reports.pdf.protect import protect

from .pdf_checks import check_document, plain, qpdf_problems, read

INFO = DocumentInfo("活動記録票", "相談員 田中", datetime(2025, 6, 2, 17, 45))
HOUSEHOLD = Record("h1", "household", "mure", None, {"name": "牟礼 一郎世帯", "district": "牟礼北"})
MEMBERS = [
    Record("p1", "person", "mure", "h1", {"name": "牟礼 一郎", "relationship": "head"}),
    Record("p2", "person", "mure", "h1", {"name": "牟礼 花子", "relationship": "spouse"}),
]
VISIT = Record(
    "a1",
    "activity",
    "mure",
    "h1",
    {
        "date": "2025-04-01",
        "time": "10:30",
        "kind": "consult.visit",
        "place": "自宅",
        "participants": "田中（相談員）、本人、地域包括支援センター職員",
        "content": "本人宅を訪問し、生活の様子を確認した。",
        "next_action": "地域包括支援センターと同行訪問する。",
        "next_date": "2025-04-15",
        "recorded_by": "田中 さくら",
    },
)


def test_an_activity_sheet_says_what_happened_in_japanese() -> None:
    text = plain(check_document(activity_pdf(VISIT, HOUSEHOLD, MEMBERS, INFO)))
    for expected in (
        "活動記録票",
        "令和7年4月1日（火）10:30",  # 和暦 with the weekday
        "相談対応・支援コーディネート／訪問",
        "牟礼一郎世帯（牟礼北）",
        "牟礼一郎（世帯主）、牟礼花子（配偶者）",
        "本人宅を訪問し、生活の様子を確認した。",
        "地域包括支援センターと同行訪問する。",
        "令和7年4月15日（火）",
        "田中さくら",
        "作成：相談員田中令和7年6月2日17:45",
    ):
        assert expected in text, expected


def test_an_outreach_without_a_household_says_so() -> None:
    gathering = Record(
        "a2",
        "activity",
        "kagawa",
        None,
        {"date": "2019-04-30", "kind": "outreach.gathering", "contacts": 24, "content": "会合"},
    )
    text = plain(check_document(activity_pdf(gathering, None, [], INFO)))
    assert "世帯なし（地域での活動）" in text
    assert "平成31年4月30日（火）" in text  # the last day of Heisei
    assert "接触人数24" in text and "香川" in text


def test_long_content_flows_onto_numbered_pages() -> None:
    said = "本人と家族の状況を詳しく聞き取った。" * 12
    long_text = "\n\n".join(f"第{i}段落。{said}" for i in range(40))
    data = activity_pdf(VISIT.with_fields(content=long_text), HOUSEHOLD, MEMBERS, INFO)
    text = check_document(data)  # every page: mark, 「n / total」, who made it
    pages = read(data).pages
    assert len(pages) >= 3
    assert "第39段落" in plain(text)
    for page in pages:  # A4 portrait
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_a_protected_document_does_not_open_without_its_password() -> None:
    data = protect(activity_pdf(VISIT, HOUSEHOLD, MEMBERS, INFO), "kagi-2025")
    reader = PdfReader(BytesIO(data))
    assert reader.is_encrypted
    encryption = reader.trailer["/Encrypt"].get_object()
    assert (encryption["/V"], encryption["/R"]) == (5, 6)  # AES-256 of PDF 2.0
    assert encryption["/CF"]["/StdCF"]["/CFM"] == "/AESV3"
    assert reader.decrypt("wrong password") == PasswordType.NOT_DECRYPTED
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    text = plain(check_document(data, password="kagi-2025"))
    assert "本人宅を訪問し、生活の様子を確認した。" in text


def test_an_empty_password_is_refused() -> None:
    with pytest.raises(ValueError, match="empty password"):
        protect(b"%PDF-1.4", "")


def test_the_qpdf_check_every_document_passes_finds_a_damaged_one() -> None:
    data = activity_pdf(VISIT, HOUSEHOLD, MEMBERS, INFO)
    assert qpdf_problems(data) == []
    # The cross-reference table's offsets no longer point at the objects: qpdf repairs the
    # file as it reads it, and says so.
    offset = data.rindex(b"startxref")
    damaged = data[:offset] + b"startxref\n7\n%%EOF\n"
    assert any("damaged" in problem or "xref" in problem for problem in qpdf_problems(damaged))
