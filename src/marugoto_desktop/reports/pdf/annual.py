"""年度実績報告 (or the same for any period): the city's table of outreach and consultations per
area, meetings by type and area, cases referred in and agencies worked with, each beside the
year before; then the breakdowns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from ...domain.vocabularies import (
    AREA_LABEL,
    AREAS,
    CITY_LABEL,
    CITY_PSEUDO_AREA,
    FIGURES,
    MEETING_TYPES,
    RECORD_TYPES,
)
from ..figures_report import (
    CHANGE_LABEL,
    MEETINGS_TOTAL_LABEL,
    TOTAL_LABEL,
    FiguresReport,
    area_label,
    comparison_rows,
)
from .layout import (
    CELL,
    CELL_HEAD,
    NOTE,
    NUMBER,
    NUMBER_BOLD,
    NUMBER_HEAD,
    SHADE,
    SUBTITLE,
    TITLE,
    WIDTH,
    DocumentInfo,
    _table_style,
    build,
    number,
    section,
    spacer,
    table,
    text,
)

TITLE_TEXT = "まるごと福祉相談員 活動実績報告"
PERIOD = "期間"
SCOPE = "対象エリア"
SECTION_AREAS = "エリア別のアウトリーチと相談対応"
SECTION_MEETINGS = f"{RECORD_TYPES['meeting']}（種類別・エリア別）"
SECTION_CITY = "関係機関との連携"
SECTION_HOUSEHOLDS = "支援世帯"
ITEM = "項目"
DEFINITIONS = (
    "件数は記録の日付が期間内（初日・末日を含む）のもので、削除した記録は含みません。"
    "世帯のない地域でのアウトリーチはそのエリアに、エリアのない全市の会議は「全市」に計上しています。"
    "実世帯数・機関数は期間内に重複なく数えています。"
)


def _change(now: int, before: int) -> str:
    return f"{now - before:+,}" if now != before else "±0"


def _areas_table(report: FiguresReport) -> Table:
    """The city's table: each area's outreach and consultations, this period and the last."""
    now, then = report.current, report.previous
    this, last = report.current_heading, report.previous_heading
    names = [
        FIGURES["outreach"],
        FIGURES["consultation_contacts"],
        FIGURES["consultation_households"],
    ]
    head: list[Any] = [Paragraph(AREA_LABEL, CELL_HEAD)]
    sub: list[Any] = [""]
    for name in names:
        # 相談対応・支援コーディネート / （延べ件数）: break before the bracket, not inside it.
        head += [Paragraph(name.replace("（", "<br/>（"), NUMBER_HEAD), ""]
        sub += [Paragraph(this, NUMBER_HEAD), Paragraph(last, NUMBER_HEAD)]
    rows: list[list[Any]] = [head, sub]

    def cells(a: Any, b: Any, style: Any = NUMBER) -> list[Any]:
        return [
            number(a.outreach, style),
            number(b.outreach, style),
            number(a.consultation_contacts, style),
            number(b.consultation_contacts, style),
            number(a.consultation_households, style),
            number(b.consultation_households, style),
        ]

    for code, area in now.areas.items():
        if code == CITY_PSEUDO_AREA:
            continue  # only meetings are city-wide
        rows.append([Paragraph(area_label(code), CELL), *cells(area, then.areas[code])])
    rows.append([Paragraph(TOTAL_LABEL, CELL_HEAD), *cells(now.totals, then.totals, NUMBER_BOLD)])
    widths = [0.16] + [0.14] * 6
    found = Table(rows, colWidths=[WIDTH * w for w in widths], repeatRows=2, hAlign="LEFT")
    style = [
        *_table_style(2, numbers_from=1),
        ("SPAN", (0, 0), (0, 1)),
        *[("SPAN", (c, 0), (c + 1, 0)) for c in (1, 3, 5)],
        ("BACKGROUND", (0, -1), (-1, -1), SHADE),
    ]
    found.setStyle(TableStyle(style))
    return found


def _meetings_table(report: FiguresReport) -> Table:
    now, then = report.current, report.previous
    areas = list(now.areas)
    header = [
        RECORD_TYPES["meeting"],
        *[CITY_LABEL if a == CITY_PSEUDO_AREA else AREAS.label(a) for a in areas],
        TOTAL_LABEL,
        f"{report.previous_heading}{TOTAL_LABEL}",
    ]
    totals, before = now.totals, then.totals
    rows: list[Sequence[Flowable | str]] = [
        [
            MEETING_TYPES[t],
            *[number(now.areas[a].meetings[t]) for a in areas],
            number(totals.meetings[t], NUMBER_BOLD),
            number(before.meetings[t]),
        ]
        for t in MEETING_TYPES
    ]
    rows.append(
        [
            Paragraph(MEETINGS_TOTAL_LABEL, CELL_HEAD),
            *[number(now.areas[a].meetings_total, NUMBER_BOLD) for a in areas],
            number(totals.meetings_total, NUMBER_BOLD),
            number(before.meetings_total, NUMBER_BOLD),
        ]
    )
    widths = [0.29, *[0.07] * len(areas), 0.07, 0.08]
    return table(
        header, rows, widths, numbers_from=1, extra_style=[("BACKGROUND", (0, -1), (-1, -1), SHADE)]
    )


def _comparison_table(rows: Sequence[tuple[str, int, int]], this: str, last: str) -> Table:
    body: list[list[Flowable | str]] = [
        [item, number(now), number(before), Paragraph(_change(now, before), NUMBER)]
        for item, now, before in rows
    ]
    return table([ITEM, this, last, CHANGE_LABEL], body, [0.46, 0.18, 0.18, 0.18], numbers_from=1)


def annual_story(report: FiguresReport) -> list[Flowable]:
    now = report.current
    this, last = report.current_heading, report.previous_heading
    title = f"{now.period.label}　{TITLE_TEXT}" if now.period.fiscal_year else TITLE_TEXT
    sections: dict[str, list[tuple[str, int, int]]] = {}
    for part, item, current, previous in comparison_rows(report):
        sections.setdefault(part, []).append((item, current, previous))
    city = sections.pop("")
    story: list[Flowable] = [
        Paragraph(title, TITLE),
        text(
            f"{PERIOD}：{now.period.span}（{last}：{report.previous.period.span}）\n"
            f"{SCOPE}：{report.scope_label}",
            SUBTITLE,
        ),
        *section(SECTION_AREAS),
        _areas_table(report),
        *section(SECTION_MEETINGS),
        _meetings_table(report),
        *section(SECTION_CITY),
        _comparison_table(city[:2], this, last),
        *section(SECTION_HOUSEHOLDS),
        _comparison_table(city[2:], this, last),
    ]
    for heading, rows in sections.items():
        # Categories with nothing in either period are left out to keep the tables readable.
        shown = [r for r in rows if r[1] or r[2]] or rows[:1]
        story += [*section(heading), _comparison_table(shown, this, last)]
    story += [spacer(3), Paragraph(DEFINITIONS, NOTE)]
    return story


def annual_pdf(report: FiguresReport, info: DocumentInfo) -> bytes:
    """The figures of a fiscal year (or any period) as the report the city hands in."""
    return build(lambda: annual_story(report), info)
