"""Fiscal years (年度) and Japanese era dates (和暦).

A fiscal year N runs from N-04-01 to (N+1)-03-31. Its label uses the era in force on its first
day, except that the whole of FY2019 is conventionally 令和元年度 (Reiwa began on 2019-05-01,
but the city calls April 2019 part of 令和元年度 too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str
    start: date


# Newest first: the first era whose start is on or before a date is the one in force.
ERAS: tuple[Era, ...] = (
    Era("令和", date(2019, 5, 1)),
    Era("平成", date(1989, 1, 8)),
    Era("昭和", date(1926, 12, 25)),
    Era("大正", date(1912, 7, 30)),
    Era("明治", date(1868, 1, 25)),
)


def era_of(day: date) -> tuple[Era, int]:
    """The era in force on a day and the era year (1 for the first year)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era")


def _year_label(era: Era, year: int) -> str:
    return f"{era.name}{'元' if year == 1 else year}年"


def wareki(day: date) -> str:
    """A date in 和暦, e.g. 2021-02-18 -> 令和3年2月18日, 2019-05-01 -> 令和元年5月1日."""
    era, year = era_of(day)
    return f"{_year_label(era, year)}{day.month}月{day.day}日"


def fiscal_year_of(day: date) -> int:
    """The fiscal year a day belongs to: 2020-03-31 -> 2019, 2020-04-01 -> 2020."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day (inclusive) of fiscal year N."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def fiscal_year_label(fiscal_year: int) -> str:
    """令和元年度 for 2019, 平成30年度 for 2018, 令和2年度 for 2020."""
    if fiscal_year == 2019:
        return "令和元年度"
    first_day, _ = fiscal_year_bounds(fiscal_year)
    era, year = era_of(first_day)
    return f"{era.name}{'元' if year == 1 else year}年度"


WEEKDAYS = "月火水木金土日"


def wareki_weekday(day: date) -> str:
    """A date in 和暦 with its weekday: 2021-02-18 -> 令和3年2月18日（木）."""
    return f"{wareki(day)}（{WEEKDAYS[day.weekday()]}）"


def age_on(birth: date, on: date) -> int:
    """Full years of age on a day (a 29 February birthday counts from 1 March in other years)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
