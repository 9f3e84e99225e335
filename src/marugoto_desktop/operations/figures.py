"""The city's figures over the vault: what `report annual|period` and the 集計 screen show.

Each function reads what it needs (a few fields of the live records, see
`Vault.field_rows`) and hands it to the pure figures of reports/; none touches the GUI, so the
desktop app runs them in the background.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from ..reports.breakdowns import BREAKDOWN_FIELDS, HouseholdRow, IssueRow
from ..reports.figures import (
    ROW_FIELDS,
    ActivityRow,
    Figures,
    MeetingRow,
    Period,
    ReferralRow,
    Sources,
    figures,
    figures_json,
)
from ..reports.figures_report import FiguresReport, figures_report, report_csv, report_json
from ..vault import Vault

__all__ = ["Period", "annual_figures", "as_csv", "as_json", "period_figures", "report"]


def read_sources(vault: Vault) -> Sources:
    """The activities, meetings and referrals the figures count (live records only)."""
    # The activities are many: their plain (id, area, parent, date, kind) tuples are used as
    # they come, since the figures only unpack them; the few others get their names.
    activities = vault.field_rows("activity", ROW_FIELDS["activity"])
    return Sources(
        activities=cast(list[ActivityRow], activities),
        meetings=[MeetingRow._make(r) for r in vault.field_rows("meeting", ROW_FIELDS["meeting"])],
        referrals=[
            ReferralRow._make(r) for r in vault.field_rows("referral", ROW_FIELDS["referral"])
        ],
    )


def period_figures(vault: Vault, period: Period, areas: Iterable[str] | None = None) -> Figures:
    """The figures of DESIGN §3 for a period over the given areas (all and `city` if None)."""
    return figures(read_sources(vault), period, areas)


def annual_figures(vault: Vault, fiscal_year: int) -> Figures:
    """The figures of fiscal year N: what `report annual --format json` prints."""
    return period_figures(vault, Period.of_fiscal_year(fiscal_year))


def report(vault: Vault, period: Period, areas: Iterable[str] | None = None) -> FiguresReport:
    """The figures with the same days a year earlier and the breakdowns (PDF, CSV, screen)."""
    households = [
        HouseholdRow._make(r) for r in vault.field_rows("household", BREAKDOWN_FIELDS["household"])
    ]
    issues = [IssueRow._make(r) for r in vault.field_rows("issue", BREAKDOWN_FIELDS["issue"])]
    return figures_report(read_sources(vault), households, issues, period, areas)


def as_json(
    vault: Vault, period: Period, areas: Iterable[str] | None = None, *, detail: bool = False
) -> dict[str, Any]:
    """The figures in the contract's JSON shape (DESIGN §3); with `detail`, also the
    breakdowns and the same a year earlier (`breakdowns`, `previous`)."""
    if detail:
        return report_json(report(vault, period, areas))
    return figures_json(period_figures(vault, period, areas))


def as_csv(vault: Vault, period: Period, areas: Iterable[str] | None = None) -> bytes:
    """The report as CSV for Excel (UTF-8 with BOM, CRLF, Japanese headings)."""
    return report_csv(report(vault, period, areas))
