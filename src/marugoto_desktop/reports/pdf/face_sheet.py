"""フェイスシート: a household on paper — members, issues with the 主訴 marked, consents,
referrals and recent activities; or, for an agency, only what the household's consents let the
team share with it, saying so."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
            *(
                [(v.label("household", "closed_on"), v.day(h.get("closed_on")))]
                if h.get("closed_on")
                else []
            ),
            (v.label("household", "household_type"), v.coded(h, "household_type")),
            (v.label("household", "housing"), v.coded(h, "housing")),
            (v.label("household", "public_assistance"), v.coded(h, "public_assistance")),
            (v.label("household", "first_known_on"), v.day(h.get("first_known_on"))),
            (v.label("household", "how_found"), v.coded(h, "how_found")),
            (v.label("household", "note"), h.get("note")),
        ]
    wide = [v.label("household", "address"), v.label("household", "note")]
    return [*section(RECORD_TYPES["household"]), pairs_table(pairs, wide)]


@dataclass(frozen=True)
class Column:
    """One column of a listing: its header, what a record shows in it, its share of the width."""

    header: str
    cell: Callable[[Record], Flowable | str]
    width: float


def _listing(title: str, records: Sequence[Record], columns: Sequence[Column]) -> list[Flowable]:
    """A section of one row per record, or 記録なし when there is none."""
    heading = section(title)
    if not records:
        return [*heading, text(NONE_RECORDED)]
    header = [c.header for c in columns]
    rows = [[c.cell(r) for c in columns] for r in records]
    return [*heading, table(header, rows, [c.width for c in columns])]


def _with_line(main: str, extra: object, template: str = "\n{}") -> str:
    """`main`, and `extra` on a line of its own when there is one."""
    return main + template.format(extra) if extra else main


def _member_name(m: Record) -> str:
    return _with_line(str(m.get("name", "")), m.get("kana"), "\n（{}）")


def _relationship(m: Record) -> str:
    lives_apart = m.get("lives_with_household") is False
    return v.coded(m, "relationship") + (f"（{LIVES_APART}）" if lives_apart else "")


def _members_section(members: Sequence[Record], on: date) -> list[Flowable]:
    columns = [
        Column(f"{v.label('person', 'name')}（{v.label('person', 'kana')}）", _member_name, 0.16),
        Column(v.label("person", "relationship"), _relationship, 0.09),
        Column(v.label("person", "sex"), lambda m: v.coded(m, "sex"), 0.06),
        Column(f"{v.label('person', 'birth_date')}（{AGE}）", lambda m: v.age(m, on), 0.17),
        Column(v.label("person", "care_level"), lambda m: v.coded(m, "care_level"), 0.09),
        Column(
            v.label("person", "disability_certificate"),
            lambda m: _with_line(v.coded(m, "disability_certificate"), m.get("disability_grade")),
            0.18,
        ),
        Column(
            v.label("person", "health_insurance"), lambda m: v.coded(m, "health_insurance"), 0.12
        ),
        Column(
            v.label("person", "occupation"),
            lambda m: _with_line(v.coded(m, "occupation"), m.get("work_or_school")),
            0.13,
        ),
    ]
    return _listing(RECORD_TYPES["person"], members, columns)


def _names(members: Sequence[Record]) -> dict[str, str]:
    return {m.id: str(m.get("name", "")) for m in members}


def _issues_section(issues: Sequence[Record], members: Sequence[Record]) -> list[Flowable]:
    names = _names(members)
    ordered = sorted(issues, key=lambda i: (not i.get("is_main"), str(i.get("identified_on", ""))))

    def concerned(i: Record) -> str:
        return names.get(str(i.get("person_id")), "") if i.get("person_id") else WHOLE_HOUSEHOLD

    columns = [
        Column(
            v.label("issue", "is_main"),
            lambda i: MAIN_MARK if i.get("is_main") else Paragraph("", CELL),
            0.06,
        ),
        Column(v.label("issue", "category"), lambda i: v.coded(i, "category"), 0.17),
        Column(v.label("issue", "person_id"), concerned, 0.14),
        Column(
            v.label("issue", "identified_on"), lambda i: v.day_cell(i.get("identified_on")), 0.11
        ),
        Column(v.label("issue", "resolved_on"), lambda i: v.day_cell(i.get("resolved_on")), 0.11),
        Column(v.label("issue", "note"), lambda i: i.get("note"), 0.41),
    ]
    return _listing(RECORD_TYPES["issue"], ordered, columns)


def _consents_section(
    consents: Sequence[Record],
    members: Sequence[Record],
    agency_names: Mapping[str, str],
    on: date,
) -> list[Flowable]:
    names = _names(members)

    def state(c: Record) -> str:
        ended = c.get("withdrawn_on")
        if isinstance(ended, str) and ended <= on.isoformat():
            return f"{WITHDRAWN}\n{v.day_cell(ended)}"
        return VALID

    columns = [
        Column(
            v.label("consent", "person_id"), lambda c: names.get(str(c.get("person_id")), ""), 0.14
        ),
        Column(v.label("consent", "granted_on"), lambda c: v.day_cell(c.get("granted_on")), 0.11),
        Column(v.label("consent", "method"), lambda c: v.coded(c, "method"), 0.08),
        Column(
            v.label("consent", "purposes"),
            lambda c: v.coded(c, "purposes").replace("、", "\n"),
            0.26,
        ),
        Column(
            v.label("consent", "agency_ids"),
            lambda c: "、".join(agency_names.get(a, a) for a in c.get("agency_ids", [])),
            0.29,
        ),
        Column(STATE, state, 0.12),
    ]
    return _listing(RECORD_TYPES["consent"], consents, columns)


def _referrals_section(
    referrals: Sequence[Record], agency_names: Mapping[str, str]
) -> list[Flowable]:
    columns = [
        Column(v.label("referral", "date"), lambda r: v.day_cell(r.get("date")), 0.11),
        Column(
            v.label("referral", "agency_id"),
            lambda r: agency_names.get(str(r.get("agency_id")), ""),
            0.17,
        ),
        Column(v.label("referral", "direction"), lambda r: v.coded(r, "direction"), 0.07),
        Column(v.label("referral", "purpose"), lambda r: r.get("purpose"), 0.22),
        Column(v.label("referral", "status"), lambda r: v.coded(r, "status"), 0.08),
        Column(
            v.label("referral", "follow_up_on"), lambda r: v.day_cell(r.get("follow_up_on")), 0.13
        ),
        Column(v.label("referral", "outcome"), lambda r: r.get("outcome"), 0.22),
    ]
    return _listing(RECORD_TYPES["referral"], referrals, columns)


def _activities_section(activities: Sequence[Record]) -> list[Flowable]:
    columns = [
        Column(
            v.label("activity", "date"),
            lambda a: _with_line(v.day_cell(a.get("date")), a.get("time")),
            0.11,
        ),
        Column(v.label("activity", "kind"), lambda a: v.kind_label(a.get("kind")), 0.13),
        Column(v.label("activity", "content"), lambda a: a.get("content"), 0.5),
        Column(v.label("activity", "next_action"), lambda a: a.get("next_action"), 0.26),
    ]
    return _listing(SECTION_RECENT, activities[:RECENT_ACTIVITIES], columns)


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
    names = _names(scope.members)
    columns = [
        Column(
            v.label("consent", "person_id"), lambda c: names.get(str(c.get("person_id")), ""), 0.22
        ),
        Column(v.label("consent", "granted_on"), lambda c: v.day(c.get("granted_on")), 0.2),
        Column(v.label("consent", "method"), lambda c: v.coded(c, "method"), 0.14),
        Column(v.label("consent", "obtained_by"), lambda c: c.get("obtained_by"), 0.22),
        Column(v.label("consent", "document_version"), lambda c: c.get("document_version"), 0.22),
    ]
    return _listing(RECORD_TYPES["consent"], scope.consents, columns)


def shared_face_sheet_story(scope: SharedScope, agency_name: str, on: date) -> list[Flowable]:
    purpose = CONSENT_PURPOSES.label(scope.purpose)
    names = _names(scope.members)
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
