"""The documents a person prints or saves (DESIGN §6), as PDF bytes built in memory.

Each function reads what its document needs from the vault and hands it to reports/pdf; none
writes a file (the caller saves the bytes where the person chooses, or in the private print
folder, see print_folder.py) and none touches the GUI, so the desktop app runs them in the
background.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..domain.records import Record
from ..domain.vocabularies import CONSENT_PURPOSES, RELATIONSHIP
from ..reports.consent_scope import consent_scope
from ..reports.figures import Period
from ..vault import Vault
from .figures import report
from .sync import enrolled_settings

# reportlab and pypdf take over half a second to import: the documents' modules load on the
# first document (or in the background after unlock, prepare()), not when the app starts.
if TYPE_CHECKING:
    from ..reports.pdf.layout import DocumentInfo


class RecordMissing(LookupError):
    """The record a document is about does not exist, or was deleted."""

    def __init__(self, record_type: str, record_id: str) -> None:
        self.record_type = record_type
        self.record_id = record_id
        super().__init__(f"no {record_type} {record_id}")


def prepare() -> None:
    """Load the fonts every document embeds (about half a second, once per process): the
    desktop app does it in the background after unlock, so the first print is quick too."""
    from ..reports.pdf.fonts import register_fonts

    register_fonts()


def author(vault: Vault) -> str:
    """Who a document says made it: the user the laptop is enrolled as, else the login name."""
    settings = enrolled_settings(vault)
    if settings and settings.get("user"):
        return str(settings["user"])
    return getpass.getuser()


def _info(vault: Vault, title: str, generated_by: str | None, now: datetime | None) -> DocumentInfo:
    from ..reports.pdf.layout import DocumentInfo

    return DocumentInfo(title, generated_by or author(vault), now or datetime.now())


def _finish(pdf: bytes, password: str | None) -> bytes:
    from ..reports.pdf.protect import protect

    return protect(pdf, password) if password else pdf


def _get(vault: Vault, record_type: str, record_id: str) -> Record:
    record = vault.get(record_id)
    if record is None or record.type != record_type:
        raise RecordMissing(record_type, record_id)
    return record


def members_of(vault: Vault, household_id: str) -> list[Record]:
    """The household's live members, head of household first (by 続柄, then as entered)."""
    order = {code: i for i, code in enumerate(RELATIONSHIP)}
    return sorted(
        vault.records("person", parent_id=household_id),
        key=lambda p: order.get(str(p.fields.get("relationship")), len(order)),
    )


def activity_document(
    vault: Vault,
    activity_id: str,
    *,
    generated_by: str | None = None,
    now: datetime | None = None,
    password: str | None = None,
) -> bytes:
    """活動記録票 of one activity."""
    from ..reports.pdf.activity import TITLE_TEXT as ACTIVITY_TITLE
    from ..reports.pdf.activity import activity_pdf

    activity = _get(vault, "activity", activity_id)
    household = vault.get(activity.parent_id) if activity.parent_id else None
    members = members_of(vault, household.id) if household else []
    info = _info(vault, ACTIVITY_TITLE, generated_by, now)
    pdf = _finish(activity_pdf(activity, household, members, info), password)
    vault.audit("pdf", [activity_id], {"document": "activity"})
    return pdf


SHARING_PURPOSE = "information_sharing"


def household_document(
    vault: Vault,
    household_id: str,
    *,
    for_agency: str | None = None,
    purpose: str = SHARING_PURPOSE,
    generated_by: str | None = None,
    now: datetime | None = None,
    password: str | None = None,
) -> bytes:
    """フェイスシート of a household: whole, for the team; or, `for_agency`, only what the
    household's consents cover for that agency and purpose (ConsentRefused otherwise)."""
    from ..reports.pdf.face_sheet import TITLE_TEXT as FACE_SHEET_TITLE
    from ..reports.pdf.face_sheet import Household, face_sheet_pdf, shared_face_sheet_pdf

    household = _get(vault, "household", household_id)
    members = members_of(vault, household_id)
    issues = vault.records("issue", parent_id=household_id)
    consents = _by_date(vault.records("consent", parent_id=household_id), "granted_on")
    info = _info(vault, FACE_SHEET_TITLE, generated_by, now)
    if for_agency is not None:
        if purpose not in CONSENT_PURPOSES:
            raise ValueError(f"unknown purpose {purpose}")
        agency = _get(vault, "agency", for_agency)
        on = info.generated_at.date().isoformat()
        scope = consent_scope(household, members, issues, consents, agency.id, purpose, on)
        name = str(agency.fields.get("name", ""))
        pdf = _finish(shared_face_sheet_pdf(scope, name, info), password)
        vault.audit("pdf", [household_id, agency.id], {"document": "face_sheet_shared"})
        return pdf
    referrals = _by_date(vault.records("referral", parent_id=household_id))
    activities = _by_date(vault.records("activity", parent_id=household_id))[::-1]
    named = {r.fields.get("agency_id") for r in referrals}
    named.update(a for c in consents for a in c.fields.get("agency_ids", []))
    data = Household(
        household=household,
        members=members,
        issues=issues,
        consents=consents,
        referrals=referrals,
        activities=activities,
        agency_names=_agency_names(vault, named),
    )
    pdf = _finish(face_sheet_pdf(data, info), password)
    vault.audit("pdf", [household_id], {"document": "face_sheet"})
    return pdf


def _agency_names(vault: Vault, ids: Iterable[object]) -> dict[str, str]:
    names = {}
    for agency_id in ids:
        agency = vault.get(str(agency_id)) if agency_id else None
        if agency is not None:
            names[agency.id] = str(agency.fields.get("name", ""))
    return names


def day_document(
    vault: Vault,
    day: date,
    *,
    consultant: str | None = None,
    generated_by: str | None = None,
    now: datetime | None = None,
    password: str | None = None,
) -> bytes:
    """業務日報: every activity of a date (recorded by `consultant`, if given) in time order."""
    from ..reports.pdf.day import TITLE_TEXT as DAY_TITLE
    from ..reports.pdf.day import day_pdf

    wanted = day.isoformat()
    who = _plain(consultant) if consultant else None
    chosen = [
        row[0]
        for row in vault.field_rows("activity", ("date", "recorded_by"))
        if row[3] == wanted and (who is None or _plain(row[4]) == who)
    ]
    activities = sorted(
        (a for a in map(vault.get, chosen) if a is not None),
        key=lambda a: (str(a.fields.get("time", "")), a.id),
    )
    households = {}
    for activity in activities:
        if activity.parent_id and activity.parent_id not in households:
            household = vault.get(activity.parent_id)
            if household is not None:
                households[household.id] = household
    info = _info(vault, DAY_TITLE, generated_by, now)
    pdf = _finish(day_pdf(day, consultant, activities, households, info), password)
    vault.audit("pdf", [a.id for a in activities], {"document": "day"})
    return pdf


def _plain(name: object) -> str:
    """A name without its spaces (山田　花子 and 山田 花子 are the same person)."""
    return "".join(str(name or "").split())


def figures_document(
    vault: Vault,
    period: Period,
    areas: Iterable[str] | None = None,
    *,
    generated_by: str | None = None,
    now: datetime | None = None,
    password: str | None = None,
) -> bytes:
    """年度実績報告 of a fiscal year, or the same for any period and areas."""
    from ..reports.pdf.annual import TITLE_TEXT as FIGURES_TITLE
    from ..reports.pdf.annual import annual_pdf

    found = report(vault, period, areas)
    title = f"{period.label} {FIGURES_TITLE}" if period.fiscal_year else FIGURES_TITLE
    info = _info(vault, title, generated_by, now)
    pdf = _finish(annual_pdf(found, info), password)
    vault.audit("pdf", [], {"document": "figures"})
    return pdf


def _by_date(records: Iterable[Record], field: str = "date") -> list[Record]:
    return sorted(records, key=lambda r: (str(r.fields.get(field, "")), r.id))
