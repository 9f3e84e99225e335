"""Fiscal years (年度) and 和暦 dates (DESIGN §3, "Fiscal year and the annual figures")."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marugoto_desktop.domain.calendar import (
    ERAS,
    age_on,
    era_of,
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    wareki,
    wareki_weekday,
)

# ---------------------------------------------------------------------------------------------
# 和暦 dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Shōwa -> Heisei (Emperor Shōwa died on 1989-01-07).
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 12, 31), "平成元年12月31日"),
        (date(1990, 1, 1), "平成2年1月1日"),
        # Heisei -> Reiwa.
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        # The city's briefing date.
        (date(2021, 2, 18), "令和3年2月18日"),
        (date(2024, 2, 29), "令和6年2月29日"),
        # Taishō -> Shōwa.
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1927, 1, 1), "昭和2年1月1日"),
        # Meiji -> Taishō, and the very first day of Meiji.
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1868, 1, 25), "明治元年1月25日"),
    ],
)
def test_wareki_at_era_boundaries(day: date, expected: str) -> None:
    assert wareki(day) == expected


@pytest.mark.parametrize(
    ("day", "era_name", "era_year"),
    [
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
        (date(2026, 3, 31), "令和", 8),
    ],
)
def test_era_of(day: date, era_name: str, era_year: int) -> None:
    era, year = era_of(day)
    assert (era.name, year) == (era_name, era_year)


def test_dates_before_meiji_are_refused() -> None:
    with pytest.raises(ValueError, match="1868-01-24"):
        era_of(date(1868, 1, 24))
    with pytest.raises(ValueError, match="before the Meiji era"):
        wareki(date(1700, 1, 1))


def test_eras_are_newest_first() -> None:
    starts = [era.start for era in ERAS]
    assert starts == sorted(starts, reverse=True)
    assert [era.name for era in ERAS] == ["令和", "平成", "昭和", "大正", "明治"]


_WAREKI_RE = re.compile(r"^(令和|平成|昭和|大正|明治)(元|[1-9]\d*)年([1-9]\d?)月([1-9]\d?)日$")
_ERA_START = {era.name: era.start for era in ERAS}


@given(st.dates(min_value=date(1868, 1, 25), max_value=date(2200, 12, 31)))
def test_wareki_reads_back_to_the_same_day(day: date) -> None:
    """Parsing the 和暦 string with the era table gives back the Gregorian date."""
    text = wareki(day)
    match = _WAREKI_RE.match(text)
    assert match is not None, text
    era_name, year_text, month, dom = match.groups()
    assert year_text != "1", "the first year of an era is written 元年, never 1年"
    era_year = 1 if year_text == "元" else int(year_text)
    start = _ERA_START[era_name]
    assert date(start.year + era_year - 1, int(month), int(dom)) == day
    # The era named is the one in force on that day: started on/before it, and no newer era
    # had started yet.
    assert start <= day
    newer = [era.start for era in ERAS if era.start > start]
    assert all(day < s for s in newer)


# ---------------------------------------------------------------------------------------------
# Fiscal years
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2020, 3, 31), 2019),
        (date(2020, 4, 1), 2020),
        (date(2019, 3, 31), 2018),
        (date(2019, 4, 1), 2019),
        (date(2019, 1, 1), 2018),
        (date(2019, 12, 31), 2019),
        (date(2024, 2, 29), 2023),
        (date(2026, 4, 1), 2026),
    ],
)
def test_fiscal_year_of(day: date, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year


@pytest.mark.parametrize(
    ("fiscal_year", "bounds"),
    [
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (2020, (date(2020, 4, 1), date(2021, 3, 31))),
        (2023, (date(2023, 4, 1), date(2024, 3, 31))),
        (1988, (date(1988, 4, 1), date(1989, 3, 31))),
    ],
)
def test_fiscal_year_bounds(fiscal_year: int, bounds: tuple[date, date]) -> None:
    assert fiscal_year_bounds(fiscal_year) == bounds


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        # DESIGN §3: the whole of FY2019 is 令和元年度 although Reiwa began on 2019-05-01.
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (2020, "令和2年度"),
        (2026, "令和8年度"),
        (2030, "令和12年度"),
        # FY1988 runs into Heisei (from 1989-01-08) but is conventionally 昭和63年度.
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
        (1990, "平成2年度"),
        (2017, "平成29年度"),
        (1927, "昭和2年度"),
    ],
)
def test_fiscal_year_label(fiscal_year: int, label: str) -> None:
    assert fiscal_year_label(fiscal_year) == label


@given(st.integers(min_value=2020, max_value=2300))
def test_reiwa_fiscal_year_labels(fiscal_year: int) -> None:
    assert fiscal_year_label(fiscal_year) == f"令和{fiscal_year - 2018}年度"


@given(st.integers(min_value=1990, max_value=2018))
def test_heisei_fiscal_year_labels(fiscal_year: int) -> None:
    assert fiscal_year_label(fiscal_year) == f"平成{fiscal_year - 1988}年度"


@given(st.integers(min_value=1927, max_value=1988))
def test_showa_fiscal_year_labels(fiscal_year: int) -> None:
    assert fiscal_year_label(fiscal_year) == f"昭和{fiscal_year - 1925}年度"


# date(1, 1, 1) belongs to FY0 and 9999-04-01 to FY9999, whose last day would be in year 10000:
# neither has bounds that Python's date can hold, so the property is over every other date.
_ANY_DAY = st.dates(min_value=date(1, 4, 1), max_value=date(9998, 12, 31))


@given(_ANY_DAY)
def test_every_day_lies_within_the_bounds_of_its_fiscal_year(day: date) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(day))
    assert first <= day <= last


@given(st.integers(min_value=1, max_value=9997))
def test_fiscal_years_tile_the_calendar(fiscal_year: int) -> None:
    """Consecutive fiscal years abut with no gap or overlap; each is a full year long."""
    first, last = fiscal_year_bounds(fiscal_year)
    next_first, _ = fiscal_year_bounds(fiscal_year + 1)
    assert last + timedelta(days=1) == next_first
    assert (last - first).days + 1 in (365, 366)
    assert fiscal_year_of(first) == fiscal_year
    assert fiscal_year_of(last) == fiscal_year
    assert fiscal_year_of(first - timedelta(days=1)) == fiscal_year - 1
    assert fiscal_year_of(last + timedelta(days=1)) == fiscal_year + 1


def test_the_weekday_follows_the_date() -> None:
    assert wareki_weekday(date(2021, 2, 18)) == "令和3年2月18日（木）"
    assert wareki_weekday(date(2019, 4, 30)) == "平成31年4月30日（火）"


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1950, 6, 15), date(2025, 6, 14), 74),
        (date(1950, 6, 15), date(2025, 6, 15), 75),
        (date(2000, 2, 29), date(2025, 2, 28), 24),
        (date(2000, 2, 29), date(2025, 3, 1), 25),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(2025, 4, 1), date(2025, 4, 1), 0),
    ],
)
def test_age_on_a_day(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age
