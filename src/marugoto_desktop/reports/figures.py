"""The city's figures (DESIGN §3): outreach and consultations per area, meetings by type and
area, cases referred in, agencies worked with; for a fiscal year, or any period and set of areas.

Pure: the figures count rows read from the vault (live records only, a few fields each, see
`Vault.field_rows`), so they run off the GUI thread and in tests on constructed rows alike. The
definitions are those of DESIGN §3, written out in docs/documents.md:

- a record counts in a period when its `date` lies in it, both ends included;
- `outreach` / `consultation_contacts`: activities of kind `outreach.*` / `consult.*`;
  an activity without a household counts under its own area;
- `consultation_households`: distinct households among an area's consultation activities;
- `meetings`: meetings per type; a city-wide meeting (no area) under the `city` pseudo-area;
- `referrals_in`: referrals with direction `in`;
- `agencies_coordinated`: distinct agencies named by a referral (any direction) or as a
  meeting attendee, in the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple, TypeVar

from ..domain.calendar import fiscal_year_bounds, fiscal_year_label, wareki
from ..domain.records import Record
from ..domain.vocabularies import (
    AREAS,
    CITY_PSEUDO_AREA,
    CONSULT_PREFIX,
    MEETING_TYPES,
    OUTREACH_PREFIX,
)

# -- what the figures read: (id, area, parent_id, then a few fields) of live records --------


class ActivityRow(NamedTuple):
    id: str
    area: str | None
    household_id: str | None
    date: str | None
    kind: str | None
    # Where it was recorded, if its household moved to another area since (転居・引継ぎ).
    recorded_area: str | None = None


class MeetingRow(NamedTuple):
    id: str
    area: str | None
    parent_id: str | None
    date: str | None
    meeting_type: str | None
    attendee_agency_ids: list[str] | None


class ReferralRow(NamedTuple):
    id: str
    area: str | None
    household_id: str | None
    date: str | None
    direction: str | None
    agency_id: str | None


Row = TypeVar("Row", ActivityRow, MeetingRow, ReferralRow)

# The fields each row holds after the clear columns, in order: what `Vault.field_rows` reads.
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "activity": ActivityRow._fields[3:],
    "meeting": MeetingRow._fields[3:],
    "referral": ReferralRow._fields[3:],
}


def rows_of(records: Iterable[Record], row_type: type[Row]) -> list[Row]:
    """The rows of whole records (deleted ones left out), for callers that hold records."""
    names: tuple[str, ...] = row_type._fields[3:]
    rows: list[Row] = []
    for record in records:
        if not record.deleted:
            values: list[Any] = [record.fields.get(name) for name in names]
            rows.append(row_type._make([record.id, record.area, record.parent_id, *values]))
    return rows


@dataclass(frozen=True)
class Sources:
    """The rows the figures count."""

    activities: Sequence[ActivityRow] = ()
    meetings: Sequence[MeetingRow] = ()
    referrals: Sequence[ReferralRow] = ()


# -- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included; a fiscal year knows its number."""

    start: date
    end: date
    fiscal_year: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def of_fiscal_year(cls, fiscal_year: int) -> Period:
        start, end = fiscal_year_bounds(fiscal_year)
        return cls(start, end, fiscal_year)

    @property
    def label(self) -> str:
        """令和元年度 for a fiscal year, else 令和7年4月1日～令和7年4月30日."""
        if self.fiscal_year is not None:
            return fiscal_year_label(self.fiscal_year)
        return f"{wareki(self.start)}～{wareki(self.end)}"

    @property
    def span(self) -> str:
        """The days, in 和暦: 令和元年4月1日～令和2年3月31日."""
        return f"{wareki(self.start)}～{wareki(self.end)}"

    def year_before(self) -> Period:
        """The same days one year earlier (29 February becomes the 28th)."""
        if self.fiscal_year is not None:
            return Period.of_fiscal_year(self.fiscal_year - 1)
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def months(self) -> list[Period]:
        """The calendar months the period covers, each cut to the period."""
        found = []
        first = self.start
        while first <= self.end:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            found.append(Period(first, min(self.end, following - timedelta(days=1))))
            first = following
        return found


def _year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


# -- the figures --------------------------------------------------------------------------

ALL_AREAS: tuple[str, ...] = (*AREAS.codes, CITY_PSEUDO_AREA)


@dataclass(frozen=True)
class AreaFigures:
    outreach: int = 0
    consultation_contacts: int = 0
    consultation_households: int = 0
    meetings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEETING_TYPES, 0))

    @property
    def meetings_total(self) -> int:
        return sum(self.meetings.values())


@dataclass(frozen=True)
class Figures:
    """The figures of one period over a set of areas (every area and `city` by default)."""

    period: Period
    areas: dict[str, AreaFigures]
    referrals_in: int
    agencies_coordinated: int

    @property
    def totals(self) -> AreaFigures:
        """The sum of the areas."""
        parts = self.areas.values()
        return AreaFigures(
            outreach=sum(a.outreach for a in parts),
            consultation_contacts=sum(a.consultation_contacts for a in parts),
            consultation_households=sum(a.consultation_households for a in parts),
            meetings={t: sum(a.meetings[t] for a in parts) for t in MEETING_TYPES},
        )


def areas_shown(areas: Iterable[str] | None) -> tuple[str, ...]:
    """The areas a figure covers, in the city's order: all of them and `city` by default.

    A chosen set leaves out city-wide meetings unless it names `city`.
    """
    if areas is None:
        return ALL_AREAS
    chosen = set(areas)
    unknown = chosen - set(ALL_AREAS)
    if unknown:
        raise ValueError(f"unknown area {', '.join(sorted(unknown))}")
    return tuple(a for a in ALL_AREAS if a in chosen)


_OUTREACH, _CONSULT, _OTHER = 1, 2, 0


def _kind_class(kind: str) -> int:
    if kind.startswith(OUTREACH_PREFIX):
        return _OUTREACH
    return _CONSULT if kind.startswith(CONSULT_PREFIX) else _OTHER


def figures(sources: Sources, period: Period, areas: Iterable[str] | None = None) -> Figures:
    """The figures of a period (DESIGN §3) over the given areas."""
    shown = areas_shown(areas)
    start, end = period.start.isoformat(), period.end.isoformat()
    outreach = dict.fromkeys(shown, 0)
    contacts = dict.fromkeys(shown, 0)
    households: dict[str, set[str]] = {a: set() for a in shown}
    # Each kind's class, worked out once: the loop runs over every activity of the vault.
    classes: dict[str, int] = {}
    for _, area, household_id, day, kind, recorded_area in sources.activities:
        # Counted where it was recorded: a household's transfer does not move its past.
        place = recorded_area or area or CITY_PSEUDO_AREA
        if day is None or kind is None or not start <= day <= end or place not in outreach:
            continue
        kind_class = classes.get(kind)
        if kind_class is None:
            kind_class = classes[kind] = _kind_class(kind)
        if kind_class == _OUTREACH:
            outreach[place] += 1
        elif kind_class == _CONSULT:
            contacts[place] += 1
            if household_id is not None:
                households[place].add(household_id)

    meetings = {a: dict.fromkeys(MEETING_TYPES, 0) for a in shown}
    agencies: set[str] = set()
    for _, area, _parent, day, meeting_type, attendees in sources.meetings:
        place = area or CITY_PSEUDO_AREA
        if day is None or not start <= day <= end or place not in meetings:
            continue
        by_type = meetings[place]
        if meeting_type in by_type:
            by_type[meeting_type] += 1
        agencies.update(attendees or ())

    referrals_in = 0
    for _, area, _household, day, direction, agency_id in sources.referrals:
        if day is None or not start <= day <= end or (area or CITY_PSEUDO_AREA) not in shown:
            continue
        if direction == "in":
            referrals_in += 1
        if agency_id is not None:
            agencies.add(agency_id)

    return Figures(
        period=period,
        areas={
            a: AreaFigures(outreach[a], contacts[a], len(households[a]), meetings[a]) for a in shown
        },
        referrals_in=referrals_in,
        agencies_coordinated=len(agencies),
    )


def annual_figures(sources: Sources, fiscal_year: int) -> Figures:
    """The figures of fiscal year N (N-04-01 to N+1-03-31), every area and `city`."""
    return figures(sources, Period.of_fiscal_year(fiscal_year))


# -- the contract's JSON ------------------------------------------------------------------


def area_json(area: AreaFigures) -> dict[str, Any]:
    return {
        "outreach": area.outreach,
        "consultation_contacts": area.consultation_contacts,
        "consultation_households": area.consultation_households,
        "meetings": dict(area.meetings),
    }


def figures_json(found: Figures) -> dict[str, Any]:
    """The shape of `report annual --format json` (DESIGN §3); a period has no fiscal_year."""
    out: dict[str, Any] = {}
    if found.period.fiscal_year is not None:
        out["fiscal_year"] = found.period.fiscal_year
    out["label"] = found.period.label
    out["from"] = found.period.start.isoformat()
    out["to"] = found.period.end.isoformat()
    out["areas"] = {code: area_json(a) for code, a in found.areas.items()}
    out["totals"] = area_json(found.totals)
    out["referrals_in"] = found.referrals_in
    out["agencies_coordinated"] = found.agencies_coordinated
    return out
