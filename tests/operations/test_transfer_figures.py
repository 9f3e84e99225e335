"""The annual figures count each activity under the area it was recorded in, also after its
household moved to another area (転居・引継ぎ)."""

from __future__ import annotations

from marugoto_desktop.operations.figures import annual_figures
from marugoto_desktop.operations.records import transfer_household
from marugoto_desktop.vault import Vault


def test_activities_count_where_they_were_recorded_after_a_transfer(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="高松家", status="active")
    for day, kind in (("2026-05-10", "outreach.home_visit"), ("2026-06-01", "consult.phone")):
        vault.new_record("activity", "mure", household.id, date=day, kind=kind)
    transfer_household(vault, household.id, "kagawa")
    visit = vault.new_record(
        "activity", "kagawa", household.id, date="2026-07-01", kind="outreach.home_visit"
    )
    assert visit.fields.get("recorded_area") is None
    found = annual_figures(vault, 2026)
    mure, kagawa = found.areas["mure"], found.areas["kagawa"]
    assert (mure.outreach, mure.consultation_contacts, mure.consultation_households) == (1, 1, 1)
    assert (kagawa.outreach, kagawa.consultation_contacts) == (1, 0)
    assert found.totals.outreach == 2
    # Moving it on keeps where each was recorded.
    transfer_household(vault, household.id, "shoga")
    again = annual_figures(vault, 2026)
    assert (again.areas["mure"].outreach, again.areas["kagawa"].outreach) == (1, 1)
    assert again.areas["shoga"].outreach == 0
