"""The breakdowns beside the figures, and the report's JSON and CSV (Excel) forms."""

from __future__ import annotations

import csv
import io
from datetime import date

from marugoto_desktop.operations import figures as ops
from marugoto_desktop.operations.records import create_record, edit_record
from marugoto_desktop.reports.breakdowns import HouseholdRow, IssueRow, breakdowns
from marugoto_desktop.reports.figures import ActivityRow, Period, Sources
from marugoto_desktop.reports.figures_report import figures_report, report_csv, report_json
from marugoto_desktop.vault import Vault

FY = Period.of_fiscal_year(2024)


def act(household: str, day: str, area: str = "mure", kind: str = "consult.visit") -> ActivityRow:
    return ActivityRow(f"act-{household}-{day}", area, household, day, kind)


HOUSEHOLDS = [
    # First known in the year: new.
    HouseholdRow("h-new", "mure", None, "active", "minsei", "2024-05-01"),
    # Known before: continuing; closed, its last activity in the year.
    HouseholdRow("h-old", "mure", None, "closed", "self", "2023-01-10"),
    # No first-known date: its first activity decides (in the year: new); way unknown.
    HouseholdRow("h-undated", "mure", None, "active", None, None),
    # Closed, but its last activity is after the year: not closed in it.
    HouseholdRow("h-later", "mure", None, "closed", "family", "2023-06-01"),
    # No activity in the year: not supported.
    HouseholdRow("h-quiet", "mure", None, "watching", "self", "2022-01-01"),
    # Another area.
    HouseholdRow("h-kagawa", "kagawa", None, "active", "outreach", "2024-04-01"),
]
ACTIVITIES = [
    act("h-new", "2024-05-01"),
    act("h-new", "2024-06-01"),
    act("h-old", "2023-02-01"),
    act("h-old", "2025-03-31"),
    act("h-undated", "2024-04-01", kind="outreach.home_visit"),
    act("h-later", "2024-07-01"),
    act("h-later", "2025-04-01"),
    act("h-quiet", "2024-03-31"),
    act("h-kagawa", "2024-04-02", area="kagawa"),
]
ISSUES = [
    IssueRow("i1", "mure", "h-new", "debt", True, "2024-05-01", None),
    IssueRow("i2", "mure", "h-new", "housing", False, "2024-06-01", None),
    # Resolved before the year: not open in it.
    IssueRow("i3", "mure", "h-old", "poverty", True, "2022-01-01", "2024-03-31"),
    IssueRow("i4", "mure", "h-old", "debt", False, None, "2024-04-01"),
    # Identified after the year.
    IssueRow("i5", "mure", "h-later", "health", True, "2025-04-01", None),
    IssueRow("i6", "mure", "h-quiet", "isolation", True, "2022-01-01", None),
    IssueRow("i7", "kagawa", "h-kagawa", "debt", True, "2024-04-02", None),
]


def test_breakdowns_of_a_year() -> None:
    found = breakdowns(ACTIVITIES, HOUSEHOLDS, ISSUES, FY)
    assert found.households_supported == 5
    assert (found.new_households, found.continuing_households) == (3, 2)
    assert found.closed_households == 1
    assert found.by_how_found == {
        "self": 1,
        "family": 1,
        "minsei": 1,
        "neighbour": 0,
        "agency_referral": 0,
        "outreach": 1,
        "unknown": 1,
    }
    assert found.by_issue_category["debt"] == 3  # h-new, h-old (i4, open on 04-01), h-kagawa
    assert found.by_issue_category["housing"] == 1
    assert found.by_issue_category["poverty"] == 0
    assert found.by_issue_category["health"] == 0
    assert found.by_issue_category["isolation"] == 0  # h-quiet is not supported in the year
    assert found.by_main_issue["debt"] == 2
    assert found.by_main_issue["none"] == 3  # h-old, h-undated, h-later
    assert sum(found.by_how_found.values()) == found.households_supported


def test_closed_in_the_period_is_by_the_closing_day() -> None:
    """A closing day decides, wherever the last activity lies; without one, the last
    activity stands for it."""
    households = [
        # Closed in the year, its last activity the year before (as wound up after a pause).
        HouseholdRow("c-in", "mure", None, "closed", "self", "2023-01-10", "2024-09-30"),
        # Closed in the year with no activity at all.
        HouseholdRow("c-quiet", "mure", None, "closed", "self", "2023-01-10", "2025-03-31"),
        # Closed after the year, though its last activity is in it.
        HouseholdRow("c-after", "mure", None, "closed", "self", "2023-01-10", "2025-04-01"),
        # Closed on the year's first day.
        HouseholdRow("c-edge", "mure", None, "closed", "self", "2023-01-10", "2024-04-01"),
        # No closing day: its last activity (in the year) decides.
        HouseholdRow("c-undated", "mure", None, "closed", "self", "2023-01-10", None),
        # Reopened: a closing day left over does not count.
        HouseholdRow("c-open", "mure", None, "active", "self", "2023-01-10", "2024-06-01"),
        # Closed in the year in another area.
        HouseholdRow("c-kagawa", "kagawa", None, "closed", "self", "2023-01-10", "2024-06-01"),
    ]
    activities = [
        act("c-in", "2024-03-01"),
        act("c-after", "2024-10-01"),
        act("c-edge", "2024-04-01"),
        act("c-undated", "2024-05-01"),
        act("c-open", "2024-05-01"),
    ]
    # c-in, c-quiet, c-edge, c-undated (by its last activity); not c-after nor c-open.
    assert breakdowns(activities, households, [], FY, ["mure"]).closed_households == 4
    assert breakdowns(activities, households, [], FY).closed_households == 5


def test_a_household_saved_as_closed_is_counted_closed_on_that_day(vault: Vault) -> None:
    home = create_record(vault, "household", {"name": "一", "status": "active"},
                         area="mure").record  # fmt: skip
    create_record(vault, "activity", {"date": "2024-05-01", "kind": "consult.visit"},
                  parent_id=home.id)  # fmt: skip
    edit_record(vault, home.id, {"status": "closed"}, today=date(2025, 4, 2))
    report = ops.report(vault, Period.of_fiscal_year(2025))
    assert report.breakdowns.closed_households == 1  # closed in FY2025, not when last seen
    assert report.previous_breakdowns.closed_households == 0


def test_breakdowns_of_one_area() -> None:
    found = breakdowns(ACTIVITIES, HOUSEHOLDS, ISSUES, FY, ["kagawa"])
    assert (found.households_supported, found.new_households, found.closed_households) == (1, 1, 0)
    assert found.by_issue_category["debt"] == 1


def test_the_report_json_and_csv() -> None:
    report = figures_report(Sources(activities=ACTIVITIES), HOUSEHOLDS, ISSUES, FY)
    as_json = report_json(report)
    assert as_json["fiscal_year"] == 2024 and as_json["label"] == "令和6年度"
    assert as_json["areas"]["mure"]["consultation_contacts"] == 4
    assert as_json["previous"]["label"] == "令和5年度"
    assert as_json["previous"]["areas"]["mure"]["consultation_contacts"] == 1
    assert as_json["breakdowns"]["households_supported"] == 5
    assert as_json["previous"]["breakdowns"]["households_supported"] == 1

    data = report_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["期間", "令和6年度", "2024-04-01", "2025-03-31"]
    assert rows[1] == ["前年度", "令和5年度", "2023-04-01", "2024-03-31"]
    header = rows.index(["令和6年度　エリア別"]) + 1
    assert rows[header][:4] == [
        "エリア",
        "アウトリーチ",
        "相談対応・支援コーディネート（延べ件数）",
        "相談対応・支援コーディネート（実世帯数）",
    ]
    assert rows[header][4] == "コアメンバー会議" and rows[header][-1] == "会議計"
    mure = next(r for r in rows[header:] if r[0] == "牟礼")
    assert mure[1:4] == ["1", "4", "3"]
    total = next(r for r in rows[header:] if r[0] == "合計")
    assert total[1:4] == ["1", "5", "4"]
    assert ["", "支援世帯数", "5", "1", "4"] in rows
    assert ["主訴別の支援世帯数", "債務", "2", "0", "2"] in rows
    assert ["把握経路別の支援世帯数", "不明", "1", "0", "1"] in rows


def test_the_report_over_a_vault(vault: Vault) -> None:
    household = vault.new_record(
        "household", "mure", name="牟礼家", status="active", first_known_on="2024-04-10"
    )
    vault.new_record("activity", "mure", household.id, date="2024-04-10", kind="consult.phone")
    vault.new_record("issue", "mure", household.id, category="debt", is_main=True)
    report = ops.report(vault, Period(date(2024, 4, 1), date(2024, 4, 30)), ["mure"])
    assert report.current.areas["mure"].consultation_households == 1
    assert report.breakdowns.new_households == 1
    assert report.breakdowns.by_main_issue["debt"] == 1
    assert report.previous.period == Period(date(2023, 4, 1), date(2023, 4, 30))
    assert report.previous_heading == "前年同期" and report.scope_label == "牟礼"
