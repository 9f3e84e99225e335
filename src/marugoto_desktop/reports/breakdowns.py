"""The breakdowns the office asks for beside the city's figures: households supported in a
period by main issue, by issue category, by how they were found; new and continuing; closed.

Definitions (docs/documents.md):
- a household is *supported* in a period when it has at least one activity (outreach or
  consultation) dated in it;
- *new*: supported, and first known (`first_known_on`, else its first activity) in the period;
  *continuing*: the other supported households;
- *closed*: households whose status is `closed` and whose closing day (`closed_on`) lies in
  the period; for one closed without a closing day (recorded before households had one), its
  last activity stands for it;
- an issue is *open* in the period when identified on or before its end (or undated) and not
  resolved before its start; a household counts once per category of its open issues (so the
  categories add up to more than the households), and once per category of its open 主訴;
  households with no open 主訴 count under `none`, and households without a known way of
  being found under `unknown`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..domain.vocabularies import HOW_FOUND, ISSUE_CATEGORIES
from .figures import ActivityRow, Period, areas_shown

NO_MAIN_ISSUE = "none"
HOW_FOUND_UNKNOWN = "unknown"


class HouseholdRow(NamedTuple):
    id: str
    area: str | None
    parent_id: str | None
    status: str | None
    how_found: str | None
    first_known_on: str | None
    closed_on: str | None = None


class IssueRow(NamedTuple):
    id: str
    area: str | None
    household_id: str | None
    category: str | None
    is_main: bool | None
    identified_on: str | None
    resolved_on: str | None


BREAKDOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "household": HouseholdRow._fields[3:],
    "issue": IssueRow._fields[3:],
}


@dataclass(frozen=True)
class Breakdowns:
    households_supported: int
    new_households: int
    continuing_households: int
    closed_households: int
    by_main_issue: dict[str, int]  # every issue category, then `none`
    by_issue_category: dict[str, int]  # every issue category
    by_how_found: dict[str, int]  # every way of being found, then `unknown`


def breakdowns(
    activities: Sequence[ActivityRow],
    households: Sequence[HouseholdRow],
    issues: Sequence[IssueRow],
    period: Period,
    areas: Iterable[str] | None = None,
) -> Breakdowns:
    """The breakdowns of a period over the given areas (households belong to one area)."""
    wanted = set(areas_shown(areas))
    start, end = period.start.isoformat(), period.end.isoformat()
    supported: set[str] = set()
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for _, area, household_id, day, _kind, _recorded in activities:
        if household_id is None or day is None or area not in wanted:
            continue
        if start <= day <= end:
            supported.add(household_id)
        if day < first.get(household_id, "9999"):
            first[household_id] = day
        if day > last.get(household_id, ""):
            last[household_id] = day
    by_id = {h.id: h for h in households}

    new = 0
    how_found = dict.fromkeys([*HOW_FOUND, HOW_FOUND_UNKNOWN], 0)
    for household_id in supported:
        household = by_id.get(household_id)
        known = (household.first_known_on if household else None) or first.get(household_id)
        if known is not None and start <= known <= end:
            new += 1
        found = household.how_found if household else None
        how_found[found if found in how_found else HOW_FOUND_UNKNOWN] += 1

    closed = sum(
        1
        for h in households
        if h.status == "closed"
        and h.area in wanted
        and start <= (h.closed_on or last.get(h.id, "")) <= end
    )

    categories: dict[str, set[str]] = {c: set() for c in ISSUE_CATEGORIES}
    mains: dict[str, set[str]] = {c: set() for c in ISSUE_CATEGORIES}
    for _, _area, household_id, category, is_main, identified, resolved in issues:
        if household_id not in supported or category not in categories:
            continue
        if (identified is not None and identified > end) or (
            resolved is not None and resolved < start
        ):
            continue
        categories[category].add(household_id)
        if is_main:
            mains[category].add(household_id)
    with_main = set().union(*mains.values())
    by_main: dict[str, int] = {c: len(ids) for c, ids in mains.items()}
    by_main[NO_MAIN_ISSUE] = len(supported - with_main)

    return Breakdowns(
        households_supported=len(supported),
        new_households=new,
        continuing_households=len(supported) - new,
        closed_households=closed,
        by_main_issue=by_main,
        by_issue_category={c: len(ids) for c, ids in categories.items()},
        by_how_found=how_found,
    )


def breakdowns_json(found: Breakdowns) -> dict[str, Any]:
    return {
        "households_supported": found.households_supported,
        "new_households": found.new_households,
        "continuing_households": found.continuing_households,
        "closed_households": found.closed_households,
        "by_main_issue": dict(found.by_main_issue),
        "by_issue_category": dict(found.by_issue_category),
        "by_how_found": dict(found.by_how_found),
    }
