"""A period's figures as people read them: beside the same period a year earlier, with the
breakdowns; and the forms they travel in (JSON, CSV for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.vocabularies import (
    AREA_LABEL,
    AREAS,
    CITY_LABEL,
    CITY_PSEUDO_AREA,
    FIGURES,
    HOW_FOUND,
    ISSUE_CATEGORIES,
    MEETING_TYPES,
)
from .breakdowns import (
    HOW_FOUND_UNKNOWN,
    NO_MAIN_ISSUE,
    Breakdowns,
    HouseholdRow,
    IssueRow,
    breakdowns,
    breakdowns_json,
)
from .figures import AreaFigures, Figures, Period, Sources, areas_shown, figures, figures_json

TOTAL_LABEL = "合計"
MEETINGS_TOTAL_LABEL = "会議計"
NO_MAIN_ISSUE_LABEL = "主訴なし"
HOW_FOUND_UNKNOWN_LABEL = "不明"
CHANGE_LABEL = "増減"


def area_label(code: str) -> str:
    return CITY_LABEL if code == CITY_PSEUDO_AREA else AREAS.label(code)


def main_issue_label(code: str) -> str:
    return NO_MAIN_ISSUE_LABEL if code == NO_MAIN_ISSUE else ISSUE_CATEGORIES.label(code)


def how_found_label(code: str) -> str:
    return HOW_FOUND_UNKNOWN_LABEL if code == HOW_FOUND_UNKNOWN else HOW_FOUND.label(code)


@dataclass(frozen=True)
class FiguresReport:
    """A period's figures and breakdowns, and those of the same days a year earlier."""

    current: Figures
    previous: Figures
    breakdowns: Breakdowns
    previous_breakdowns: Breakdowns
    areas: tuple[str, ...] | None = None  # the areas chosen; None: the whole city

    @property
    def current_heading(self) -> str:
        """A column's heading for this period: 令和7年度, or 対象期間 (the days are too long)."""
        period = self.current.period
        return period.label if period.fiscal_year is not None else "対象期間"

    @property
    def previous_heading(self) -> str:
        """前年度 beside a fiscal year, else 前年同期."""
        return "前年度" if self.current.period.fiscal_year is not None else "前年同期"

    @property
    def scope_label(self) -> str:
        """全市, or the chosen areas: 牟礼・香川."""
        if self.areas is None:
            return CITY_LABEL
        return "・".join(area_label(a) for a in areas_shown(self.areas))


def figures_report(
    sources: Sources,
    households: Sequence[HouseholdRow],
    issues: Sequence[IssueRow],
    period: Period,
    areas: Iterable[str] | None = None,
) -> FiguresReport:
    chosen = None if areas is None else tuple(areas_shown(areas))
    before = period.year_before()
    return FiguresReport(
        current=figures(sources, period, chosen),
        previous=figures(sources, before, chosen),
        breakdowns=breakdowns(sources.activities, households, issues, period, chosen),
        previous_breakdowns=breakdowns(sources.activities, households, issues, before, chosen),
        areas=chosen,
    )


def report_json(report: FiguresReport) -> dict[str, Any]:
    """The contract's JSON of the period, plus `breakdowns` and `previous` (the same a year
    earlier)."""
    out = figures_json(report.current)
    out["breakdowns"] = breakdowns_json(report.breakdowns)
    previous = figures_json(report.previous)
    previous["breakdowns"] = breakdowns_json(report.previous_breakdowns)
    out["previous"] = previous
    return out


# -- CSV ----------------------------------------------------------------------------------

AREA_COLUMNS: tuple[str, ...] = (
    FIGURES["outreach"],
    FIGURES["consultation_contacts"],
    FIGURES["consultation_households"],
    *MEETING_TYPES.values(),
    MEETINGS_TOTAL_LABEL,
)


def area_cells(area: AreaFigures) -> list[int]:
    return [
        area.outreach,
        area.consultation_contacts,
        area.consultation_households,
        *area.meetings.values(),
        area.meetings_total,
    ]


def _area_table(found: Figures) -> list[list[Any]]:
    rows: list[list[Any]] = [[AREA_LABEL, *AREA_COLUMNS]]
    for code, area in found.areas.items():
        rows.append([area_label(code), *area_cells(area)])
    rows.append([TOTAL_LABEL, *area_cells(found.totals)])
    return rows


BREAKDOWN_COUNTS = (
    "households_supported",
    "new_households",
    "continuing_households",
    "closed_households",
)


def comparison_rows(report: FiguresReport) -> list[tuple[str, str, int, int]]:
    """(section, item, this period, a year earlier) for every city-wide figure and breakdown."""
    now, then = report.breakdowns, report.previous_breakdowns
    rows = [
        ("", FIGURES[name], getattr(report.current, name), getattr(report.previous, name))
        for name in ("referrals_in", "agencies_coordinated")
    ]
    rows += [
        ("", FIGURES[name], getattr(now, name), getattr(then, name)) for name in BREAKDOWN_COUNTS
    ]
    for name, label_of in (
        ("by_main_issue", main_issue_label),
        ("by_issue_category", ISSUE_CATEGORIES.label),
        ("by_how_found", how_found_label),
    ):
        earlier = getattr(then, name)
        rows += [
            (FIGURES[name], label_of(code), count, earlier[code])
            for code, count in getattr(now, name).items()
        ]
    return rows


def _period_row(heading: str, period: Period) -> list[Any]:
    return [heading, period.label, period.start.isoformat(), period.end.isoformat()]


def report_csv(report: FiguresReport) -> bytes:
    """The report as CSV for Excel: UTF-8 with a byte order mark, CRLF, Japanese headings.

    Blocks separated by an empty line: what the figures cover; the areas' table of the period;
    the same table a year earlier; the city-wide figures and breakdowns beside the year before.
    """
    now, then = report.current, report.previous
    rows: list[list[Any]] = [
        ["期間", now.period.label, now.period.start.isoformat(), now.period.end.isoformat()],
        [
            report.previous_heading,
            then.period.label,
            then.period.start.isoformat(),
            then.period.end.isoformat(),
        ],
        ["対象エリア", report.scope_label],
        [],
        [f"{now.period.label}　エリア別"],
        *_area_table(now),
        [],
        [f"{then.period.label}　エリア別（{report.previous_heading}）"],
        *_area_table(then),
        [],
        ["区分", "項目", now.period.label, then.period.label, CHANGE_LABEL],
    ]
    for section, item, current, previous in comparison_rows(report):
        rows.append([section, item, current, previous, current - previous])
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
