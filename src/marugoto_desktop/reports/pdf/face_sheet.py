"""フェイスシート: a household on paper — members, issues with the 主訴 marked, consents,
referrals and recent activities; or, for an agency, only what the household's consents let the
team share with it, saying so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, Paragraph

from ...domain.records import Record
from ...domain.vocabularies import AREA_LABEL, CONSENT_PURPOSES, RECORD_TYPES
from ..consent_scope import SharedScope
from . import values as v
from .layout import (
    CELL,
    NOTICE,
    SUBTITLE,
    TITLE,
    DocumentInfo,
    build,
    pairs_table,
    section,
    table,
    text,
)

TITLE_TEXT = "フェイスシート"
FOR_AGENCY = "関係機関提供用"
RECENT_ACTIVITIES = 10
MAIN_MARK = "◎"
WHOLE_HOUSEHOLD = "世帯全体"
LIVES_APART = "別居"
VALID = "有効"
WITHDRAWN = "撤回"
AGE_ON = "年齢は{day}現在"
AGE = "年齢"
NONE_RECORDED = "記録なし"
SECTION_RECENT = f"最近の{RECORD_TYPES['activity']}（新しい順、{RECENT_ACTIVITIES}件まで）"
STATE = "状態"
RECIPIENT = "提供先"
PURPOSE = "目的"
WITHHELD_NOTICE = (
    "この資料は、{agency}への「{purpose}」について世帯員本人から得た同意（{consents}）の"
    "範囲に限って作成したものです。同意の範囲外の世帯員と課題、支援経過、連携の記録、"
    "世帯の状況などは記載していません。目的外の利用・第三者への提供はできません。"
)


@dataclass(frozen=True)
class Household:
    """A household and what belongs to it, as the face sheet shows it."""

    household: Record
    members: Sequence[Record]
    issues: Sequence[Record]
    consents: Sequence[Record] = ()
    referrals: Sequence[Record] = ()
    activities: Sequence[Record] = ()  # newest first
    agency_names: Mapping[str, str] = field(default_factory=dict)


def _household_section(h: Record, *, shared: bool) -> list[Flowable]:
    pairs: list[tuple[str, object]] = [
        (v.label("household", "name"), h.get("name")),
        (AREA_LABEL, v.area(h.area)),
        (v.label("household", "district"), h.get("district")),
        (v.label("household", "assigned_consultant"), h.get("assigned_consultant")),
        (v.label("household", "address"), h.get("address")),
        (v.label("household", "phone"), h.get("phone")),
    ]
    if not shared:
        pairs += [
            (v.label("household", "status"), v.coded(h, "status")),
            (v.label("household", "household_type"), v.coded(h, "household_type")),
            (v.label("household", "housing"), v.coded(h, "housing")),
            (v.label("household", "public_assistance"), v.coded(h, "public_assistance")),
            (v.label("household", "first_known_on"), v.day(h.get("first_known_on"))),
            (v.label("household", "how_found"), v.coded(h, "how_found")),
            (v.label("household", "note"), h.get("note")),
        ]
    wide = [v.label("household", "address"), v.label("household", "note")]
    return [*section(RECORD_TYPES["household"]), pairs_table(pairs, wide)]


def _members_section(members: Sequence[Record], on: date) -> list[Flowable]:
    heading = section(RECORD_TYPES["person"])
    if not members:
        return [*heading, text(NONE_RECORDED)]
    header = [
        f"{v.label('person', 'name')}（{v.label('person', 'kana')}）",
        v.label("person", "relationship"),
        v.label("person", "sex"),
        f"{v.label('person', 'birth_date')}（{AGE}）",
        v.label("person", "care_level"),
        v.label("person", "disability_certificate"),
        v.label("person", "health_insurance"),
        v.label("person", "occupation"),
    ]
    rows = []
    for m in members:
        name = str(m.get("name", ""))
        if m.get("kana"):
            name += f"\n（{m.get('kana')}）"
        relationship = v.coded(m, "relationship")
        if m.get("lives_with_household") is False:
            relationship += f"（{LIVES_APART}）"
        certificate = v.coded(m, "disability_certificate")
        if m.get("disability_grade"):
            certificate += f"\n{m.get('disability_grade')}"
        occupation = v.coded(m, "occupation")
        if m.get("work_or_school"):
            occupation += f"\n{m.get('work_or_school')}"
        rows.append(
            [
                name,
                relationship,
                v.coded(m, "sex"),
                v.age(m, on),
                v.coded(m, "care_level"),
                certificate,
                v.coded(m, "health_insurance"),
                occupation,
            ]
        )
    widths = [0.16, 0.09, 0.06, 0.17, 0.09, 0.18, 0.12, 0.13]
    return [*heading, table(header, rows, widths)]


def _issues_section(issues: Sequence[Record], members: Sequence[Record]) -> list[Flowable]:
    heading = section(RECORD_TYPES["issue"])
    if not issues:
        return [*heading, text(NONE_RECORDED)]
    names = {m.id: str(m.get("name", "")) for m in members}
    ordered = sorted(issues, key=lambda i: (not i.get("is_main"), str(i.get("identified_on", ""))))
    header = [
        v.label("issue", "is_main"),
        v.label("issue", "category"),
        v.label("issue", "person_id"),
        v.label("issue", "identified_on"),
        v.label("issue", "resolved_on"),
        v.label("issue", "note"),
    ]
    rows = [
        [
            MAIN_MARK if i.get("is_main") else Paragraph("", CELL),
            v.coded(i, "category"),
            names.get(str(i.get("person_id")), "") if i.get("person_id") else WHOLE_HOUSEHOLD,
            v.day_cell(i.get("identified_on")),
            v.day_cell(i.get("resolved_on")),
            i.get("note"),
        ]
        for i in ordered
    ]
    widths = [0.06, 0.17, 0.14, 0.11, 0.11, 0.41]
    return [*heading, table(header, rows, widths)]


def _consents_section(
    consents: Sequence[Record],
    members: Sequence[Record],
    agency_names: Mapping[str, str],
    on: date,
) -> list[Flowable]:
    heading = section(RECORD_TYPES["consent"])
    if not consents:
        return [*heading, text(NONE_RECORDED)]
    names = {m.id: str(m.get("name", "")) for m in members}
    header = [
        v.label("consent", "person_id"),
        v.label("consent", "granted_on"),
        v.label("consent", "method"),
        v.label("consent", "purposes"),
        v.label("consent", "agency_ids"),
        STATE,
    ]
    rows = []
    for c in consents:
        ended = c.get("withdrawn_on")
        state = VALID
        if isinstance(ended, str) and ended <= on.isoformat():
            state = f"{WITHDRAWN}\n{v.day_cell(ended)}"
        agencies = "、".join(agency_names.get(a, a) for a in c.get("agency_ids", []))
        rows.append(
            [
                names.get(str(c.get("person_id")), ""),
                v.day_cell(c.get("granted_on")),
                v.coded(c, "method"),
                v.coded(c, "purposes").replace("、", "\n"),
                agencies,
                state,
            ]
        )
    widths = [0.14, 0.11, 0.08, 0.26, 0.29, 0.12]
    return [*heading, table(header, rows, widths)]


def _referrals_section(
    referrals: Sequence[Record], agency_names: Mapping[str, str]
) -> list[Flowable]:
    heading = section(RECORD_TYPES["referral"])
    if not referrals:
        return [*heading, text(NONE_RECORDED)]
    header = [
        v.label("referral", "date"),
        v.label("referral", "agency_id"),
        v.label("referral", "direction"),
        v.label("referral", "purpose"),
        v.label("referral", "status"),
        v.label("referral", "follow_up_on"),
        v.label("referral", "outcome"),
    ]
    rows = [
        [
            v.day_cell(r.get("date")),
            agency_names.get(str(r.get("agency_id")), ""),
            v.coded(r, "direction"),
            r.get("purpose"),
            v.coded(r, "status"),
            v.day_cell(r.get("follow_up_on")),
            r.get("outcome"),
        ]
        for r in referrals
    ]
    widths = [0.11, 0.17, 0.07, 0.22, 0.08, 0.13, 0.22]
    return [*heading, table(header, rows, widths)]


def _activities_section(activities: Sequence[Record]) -> list[Flowable]:
    heading = section(SECTION_RECENT)
    if not activities:
        return [*heading, text(NONE_RECORDED)]
    header = [
        v.label("activity", "date"),
        v.label("activity", "kind"),
        v.label("activity", "content"),
        v.label("activity", "next_action"),
    ]
    rows = [
        [
            v.day_cell(a.get("date")) + (f"\n{a.get('time')}" if a.get("time") else ""),
            v.kind_label(a.get("kind")),
            a.get("content"),
            a.get("next_action"),
        ]
        for a in activities[:RECENT_ACTIVITIES]
    ]
    widths = [0.11, 0.13, 0.5, 0.26]
    return [*heading, table(header, rows, widths)]


def face_sheet_story(data: Household, on: date) -> list[Flowable]:
    return [
        Paragraph(TITLE_TEXT, TITLE),
        Paragraph(AGE_ON.format(day=v.day(on.isoformat())), SUBTITLE),
        *_household_section(data.household, shared=False),
        *_members_section(data.members, on),
        *_issues_section(data.issues, data.members),
        *_consents_section(data.consents, data.members, data.agency_names, on),
        *_referrals_section(data.referrals, data.agency_names),
        *_activities_section(data.activities),
    ]


def _basis_section(scope: SharedScope) -> list[Flowable]:
    """The consents the shared sheet rests on (no other agency they name)."""
    names = {m.id: str(m.get("name", "")) for m in scope.members}
    header = [
        v.label("consent", "person_id"),
        v.label("consent", "granted_on"),
        v.label("consent", "method"),
        v.label("consent", "obtained_by"),
        v.label("consent", "document_version"),
    ]
    rows = [
        [
            names.get(str(c.get("person_id")), ""),
            v.day(c.get("granted_on")),
            v.coded(c, "method"),
            c.get("obtained_by"),
            c.get("document_version"),
        ]
        for c in scope.consents
    ]
    heading = section(RECORD_TYPES["consent"])
    return [*heading, table(header, rows, [0.22, 0.2, 0.14, 0.22, 0.22])]


def shared_face_sheet_story(scope: SharedScope, agency_name: str, on: date) -> list[Flowable]:
    purpose = CONSENT_PURPOSES.label(scope.purpose)
    names = {m.id: str(m.get("name", "")) for m in scope.members}
    given = "、".join(
        f"{names.get(str(c.get('person_id')), '')} {v.day(c.get('granted_on'))}"
        for c in scope.consents
    )
    notice = WITHHELD_NOTICE.format(agency=agency_name, purpose=purpose, consents=given)
    return [
        Paragraph(f"{TITLE_TEXT}（{FOR_AGENCY}）", TITLE),
        text(
            f"{RECIPIENT}：{agency_name}　{PURPOSE}：{purpose}　"
            f"{AGE_ON.format(day=v.day(on.isoformat()))}",
            SUBTITLE,
        ),
        text(notice, NOTICE),
        *_household_section(scope.household, shared=True),
        *_members_section(scope.members, on),
        *_issues_section(scope.issues, scope.members),
        *_basis_section(scope),
    ]


def face_sheet_pdf(data: Household, info: DocumentInfo) -> bytes:
    """The whole face sheet of a household, for the team."""
    return build(lambda: face_sheet_story(data, info.generated_at.date()), info)


def shared_face_sheet_pdf(scope: SharedScope, agency_name: str, info: DocumentInfo) -> bytes:
    """The face sheet made for an agency: only what the consents in `scope` cover."""
    on = info.generated_at.date()
    return build(lambda: shared_face_sheet_story(scope, agency_name, on), info)
