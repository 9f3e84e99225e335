"""The annual figures (DESIGN §3) on constructed records: year edges, deleted records, outreach
without a household, city-wide meetings, agencies met twice; and a year is the sum of its months."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marugoto_desktop.domain.vocabularies import ACTIVITY_KINDS, AREAS, MEETING_TYPES
from marugoto_desktop.operations import figures as ops
from marugoto_desktop.reports.figures import (
    ROW_FIELDS,
    ActivityRow,
    MeetingRow,
    Period,
    ReferralRow,
    Sources,
    figures,
    figures_json,
)
from marugoto_desktop.vault import Vault
from marugoto_desktop.vault.summaries import SUMMARY_FIELDS


def add(vault: Vault, record_type: str, area: str | None, parent: str | None = None, **fields):
    return vault.new_record(record_type, area, parent, **fields).id


@pytest.fixture
def year(vault: Vault) -> dict[str, str]:
    """FY2019 (2019-04-01 to 2020-03-31) with records on and around its edges."""
    ids: dict[str, str] = {}
    for name in ("a1", "a2", "a3"):
        ids[name] = add(vault, "agency", "mure", name=f"機関{name}", agency_type="shakyo")
    h1 = ids["h1"] = add(vault, "household", "mure", name="一ノ瀬家", status="active")
    h2 = ids["h2"] = add(vault, "household", "mure", name="二宮家", status="active")
    h3 = ids["h3"] = add(vault, "household", "kagawa", name="三浦家", status="active")
    gone = add(vault, "household", "shoga", name="削除家", status="active")

    def activity(area: str, household: str | None, day: str, kind: str, **more) -> str:
        return add(vault, "activity", area, household, date=day, kind=kind, **more)

    # One household with many consultations, two of them on the year's first and last day.
    activity("mure", h1, "2019-04-01", "consult.visit")
    activity("mure", h1, "2020-03-31", "consult.phone")
    for day in ("2019-05-01", "2019-06-01", "2019-07-01", "2019-08-01", "2019-09-01"):
        activity("mure", h1, day, "consult.office")
    activity("mure", h1, "2019-03-31", "consult.office")  # FY2018
    activity("mure", h1, "2020-04-01", "consult.office")  # FY2020
    activity("mure", h2, "2019-06-01", "consult.phone")
    vault.delete(activity("mure", h2, "2019-08-01", "consult.visit"))  # deleted: never counts
    # Outreach at a gathering: no household, counted under its area.
    activity("mure", None, "2019-05-10", "outreach.gathering", contacts=30)
    activity("kagawa", h3, "2019-07-01", "outreach.home_visit")
    activity("shoga", gone, "2019-07-01", "consult.visit")
    activity("shoga", None, "2019-07-02", "outreach.ibasho", contacts=12)
    vault.delete(gone)  # with its activity
    vault.delete(vault.records("activity", area="shoga")[0].id)

    add(vault, "meeting", "mure", date="2019-04-01", meeting_type="core_member",
        attendee_agency_ids=[ids["a1"]])  # fmt: skip
    # A city-wide meeting on the year's last day, counted under `city`.
    add(vault, "meeting", None, date="2020-03-31", meeting_type="regular",
        attendee_agency_ids=[ids["a2"]])  # fmt: skip
    add(vault, "meeting", "kagawa", date="2020-04-01", meeting_type="core_member",
        attendee_agency_ids=[ids["a3"]])  # fmt: skip
    deleted_meeting = add(vault, "meeting", "mure", date="2019-10-01", meeting_type="individual",
                          attendee_agency_ids=[ids["a3"]])  # fmt: skip
    vault.delete(deleted_meeting)

    # a1 is met both in a referral and at a meeting: one agency.
    add(vault, "referral", "mure", h1, agency_id=ids["a1"], direction="in", date="2019-05-01",
        status="open")  # fmt: skip
    add(vault, "referral", "mure", h2, agency_id=ids["a2"], direction="out", date="2019-09-01",
        status="done")  # fmt: skip
    add(vault, "referral", "kagawa", h3, agency_id=ids["a3"], direction="in", date="2019-03-31",
        status="done")  # fmt: skip
    add(vault, "referral", "kagawa", h3, agency_id=ids["a3"], direction="in", date="2020-04-01",
        status="open")  # fmt: skip
    return ids


def meetings(**counts: int) -> dict[str, int]:
    found = dict.fromkeys(MEETING_TYPES, 0)
    found.update(counts)
    return found


def zero() -> dict[str, object]:
    return {
        "outreach": 0,
        "consultation_contacts": 0,
        "consultation_households": 0,
        "meetings": meetings(),
    }


def test_fiscal_year_2019(vault: Vault, year: dict[str, str]) -> None:
    found = figures_json(ops.annual_figures(vault, 2019))
    expected_areas = {code: zero() for code in [*AREAS, "city"]}
    expected_areas["mure"] = {
        "outreach": 1,
        "consultation_contacts": 8,
        "consultation_households": 2,
        "meetings": meetings(core_member=1),
    }
    expected_areas["kagawa"] = dict(zero(), outreach=1)
    expected_areas["city"] = dict(zero(), meetings=meetings(regular=1))
    assert found == {
        "fiscal_year": 2019,
        "label": "令和元年度",
        "from": "2019-04-01",
        "to": "2020-03-31",
        "areas": expected_areas,
        "totals": {
            "outreach": 2,
            "consultation_contacts": 8,
            "consultation_households": 2,
            "meetings": meetings(core_member=1, regular=1),
        },
        "referrals_in": 1,
        "agencies_coordinated": 2,
    }
    # The contract's key order, areas in the city's order with `city` last.
    assert list(found) == [
        "fiscal_year",
        "label",
        "from",
        "to",
        "areas",
        "totals",
        "referrals_in",
        "agencies_coordinated",
    ]
    assert list(found["areas"]) == [*AREAS.codes, "city"]
    assert json.loads(json.dumps(found, ensure_ascii=False)) == found


def test_the_days_either_side_of_the_year_fall_in_the_neighbouring_years(
    vault: Vault, year: dict[str, str]
) -> None:
    before = ops.annual_figures(vault, 2018)
    assert before.period.label == "平成30年度"
    assert before.areas["mure"].consultation_contacts == 1
    assert before.referrals_in == 1 and before.agencies_coordinated == 1
    after = ops.annual_figures(vault, 2020)
    assert after.period.label == "令和2年度"
    assert after.areas["mure"].consultation_contacts == 1
    assert after.areas["kagawa"].meetings["core_member"] == 1
    assert after.referrals_in == 1 and after.agencies_coordinated == 1  # a3, met twice


def test_a_period_over_chosen_areas(vault: Vault, year: dict[str, str]) -> None:
    april = Period(date(2019, 4, 1), date(2019, 4, 30))
    found = ops.period_figures(vault, april, ["mure"])
    assert list(found.areas) == ["mure"]
    assert found.areas["mure"].consultation_contacts == 1
    assert found.areas["mure"].meetings["core_member"] == 1
    assert found.agencies_coordinated == 1
    march = Period(date(2020, 3, 1), date(2020, 3, 31))
    # City-wide meetings belong to no area: only a choice that names `city` shows them.
    assert ops.period_figures(vault, march, ["mure"]).totals.meetings_total == 0
    with_city = ops.period_figures(vault, march, ["city", "mure"])
    assert list(with_city.areas) == ["mure", "city"]
    assert with_city.areas["city"].meetings["regular"] == 1
    assert with_city.agencies_coordinated == 1
    json_of = figures_json(with_city)
    assert "fiscal_year" not in json_of and json_of["label"] == "令和2年3月1日～令和2年3月31日"


def test_an_unknown_area_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown area nowhere"):
        figures(Sources(), Period.of_fiscal_year(2019), ["mure", "nowhere"])


def test_periods() -> None:
    fy = Period.of_fiscal_year(2019)
    assert [m.start.month for m in fy.months()] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    assert fy.months()[-1].end == date(2020, 3, 31) and fy.months()[10].end == date(2020, 2, 29)
    assert fy.year_before() == Period.of_fiscal_year(2018)
    leap = Period(date(2020, 2, 1), date(2020, 2, 29))
    assert leap.year_before() == Period(date(2019, 2, 1), date(2019, 2, 28))
    assert Period(date(2019, 4, 10), date(2019, 5, 5)).months() == [
        Period(date(2019, 4, 10), date(2019, 4, 30)),
        Period(date(2019, 5, 1), date(2019, 5, 5)),
    ]
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2019, 4, 2), date(2019, 4, 1))


# -- a year is the sum of its months --------------------------------------------------------

FY = Period.of_fiscal_year(2019)
_days = st.dates(date(2019, 2, 1), date(2020, 5, 31)).map(date.isoformat)
_areas = st.sampled_from(AREAS.codes)
_households = st.sampled_from([f"h{i}" for i in range(6)])
_agencies = st.sampled_from([f"a{i}" for i in range(6)])
_ids = st.uuids().map(str)

_activities = st.builds(
    ActivityRow,
    _ids,
    _areas,
    st.none() | _households,
    _days,
    st.sampled_from(ACTIVITY_KINDS.codes),
)
_meetings = st.builds(
    MeetingRow,
    _ids,
    st.none() | _areas,
    st.none(),
    _days,
    st.sampled_from(MEETING_TYPES.codes),
    st.none() | st.lists(_agencies, max_size=3),
)
_directions = st.sampled_from(["in", "out", "joint"])
_referrals = st.builds(ReferralRow, _ids, _areas, _households, _days, _directions, _agencies)


def _counts(found) -> dict[str, int]:
    """Every record count of a figure, by name."""
    counts = {"referrals_in": found.referrals_in}
    for code, area in [*found.areas.items(), ("totals", found.totals)]:
        counts[f"{code}.outreach"] = area.outreach
        counts[f"{code}.consultation_contacts"] = area.consultation_contacts
        for meeting_type, n in area.meetings.items():
            counts[f"{code}.meetings.{meeting_type}"] = n
    return counts


def _distinct(found) -> dict[str, int]:
    """Every distinct count of a figure, by name."""
    counts = {"agencies_coordinated": found.agencies_coordinated}
    for code, area in found.areas.items():
        counts[f"{code}.consultation_households"] = area.consultation_households
    return counts


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_activities, max_size=60),
    st.lists(_meetings, max_size=20),
    st.lists(_referrals, max_size=20),
)
def test_a_year_is_the_sum_of_its_months(activities, meetings_, referrals) -> None:
    sources = Sources(activities, meetings_, referrals)
    year_figures = figures(sources, FY)
    months = [figures(sources, month) for month in FY.months()]
    assert len(months) == 12
    year_counts = _counts(year_figures)
    for name, total in year_counts.items():
        assert total == sum(_counts(m)[name] for m in months), name
    for name, total in _distinct(year_figures).items():
        per_month = [_distinct(m)[name] for m in months]
        assert max(per_month) <= total <= sum(per_month), name


def test_the_figures_read_what_the_vault_keeps_in_its_sealed_summaries() -> None:
    """The annual figures read the summaries (vault/summaries.py), not every body: the rows
    they count hold exactly the fields summarised."""
    assert {t: ROW_FIELDS[t] for t in SUMMARY_FIELDS} == SUMMARY_FIELDS
    assert set(ROW_FIELDS) == set(SUMMARY_FIELDS)
