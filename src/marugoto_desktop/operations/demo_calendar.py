"""The demo caseload's calendar: the fiscal years it spans and the working days in them."""

from __future__ import annotations

from datetime import date
from functools import cache

FISCAL_YEARS = (2024, 2025)

_FIRST = date(2024, 4, 1).toordinal()
_LAST = date(2026, 3, 31).toordinal()
_FY2025 = date(2025, 4, 1).toordinal()
# Some cases were found in FY2023 and carried over: a service that has run for years has a
# caseload on its first day, and the workload stays level over both years.
_CARRYOVER_FROM = date(2023, 4, 1).toordinal()
_CARRYOVER_SHARE = 0.3
_NEW_CASES_UNTIL = date(2026, 2, 27).toordinal()
_AGENCIES_REGISTERED = date(2024, 4, 1).toordinal()
_UNIX_EPOCH = date(1970, 1, 1).toordinal()
_HOUR_MS = 3_600_000


@cache
def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def _weekday(day: int) -> int:
    """The nearest working day: Saturday moves back to Friday, Sunday on to Monday."""
    weekday = (day - 1) % 7  # ordinal 1 (0001-01-01) was a Monday
    return day - 1 if weekday == 5 else day + 1 if weekday == 6 else day
