"""Field schemas of every record type (DESIGN §3).

The field names here are contracts: the exchange format, the reports and checks outside the
project rely on them. Each field has a kind that validation, the exchange format, the UI and
the documents read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from . import vocabularies as v
from .vocabularies import Vocabulary


class Kind(Enum):
    TEXT = "text"
    DATE = "date"  # YYYY-MM-DD
    TIME = "time"  # HH:MM
    INT = "int"
    BOOL = "bool"
    CODE = "code"  # one code of `vocabulary`
    CODES = "codes"  # a list of codes of `vocabulary`
    REF = "ref"  # the id of a record of type `ref_type`
    REFS = "refs"  # a list of ids of records of type `ref_type`


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    label: str
    required: bool = False
    max_length: int = 200
    vocabulary: Vocabulary | None = None
    ref_type: str | None = None
    minimum: int = 0
    maximum: int = 1_000_000
    max_items: int = 200
    # A reference that may name a record of an area this vault does not hold (a city-wide
    # meeting discussing households of every area): a laptop holds only its user's areas,
    # so such a record is not there to check. Only one this vault holds deleted is refused.
    elsewhere: bool = False


def text(name: str, label: str, max_length: int = 200, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, Kind.TEXT, label, required, max_length)


def note(name: str, label: str, max_length: int = 4000) -> FieldSpec:
    return FieldSpec(name, Kind.TEXT, label, False, max_length)


def day(name: str, label: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, Kind.DATE, label, required)


def code(name: str, label: str, vocabulary: Vocabulary, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, Kind.CODE, label, required, vocabulary=vocabulary)


def codes(name: str, label: str, vocabulary: Vocabulary) -> FieldSpec:
    return FieldSpec(name, Kind.CODES, label, vocabulary=vocabulary, max_items=len(vocabulary))


def ref(name: str, label: str, ref_type: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, Kind.REF, label, required, ref_type=ref_type)


def refs(name: str, label: str, ref_type: str, *, elsewhere: bool = False) -> FieldSpec:
    return FieldSpec(name, Kind.REFS, label, ref_type=ref_type, elsewhere=elsewhere)


def flag(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, Kind.BOOL, label)


@dataclass(frozen=True)
class RecordSchema:
    type: str
    label: str
    fields: tuple[FieldSpec, ...]
    # The type `parent_id` must point to; None means the record has no parent.
    parent_type: str | None = None
    parent_required: bool = False
    # Only a meeting may be city-wide (no area).
    area_required: bool = True

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


HOUSEHOLD = RecordSchema(
    "household",
    "世帯",
    (
        text("name", "世帯名", 60, required=True),
        text("district", "地区", 40),
        text("address", "住所", 200),
        text("phone", "電話", 30),
        code("household_type", "世帯類型", v.HOUSEHOLD_TYPE),
        code("housing", "住居", v.HOUSING),
        code("public_assistance", "生活保護", v.PUBLIC_ASSISTANCE),
        code("status", "状況", v.HOUSEHOLD_STATUS, required=True),
        day("closed_on", "終結日"),
        day("first_known_on", "把握日"),
        code("how_found", "把握経路", v.HOW_FOUND),
        text("assigned_consultant", "担当相談員", 60),
        note("note", "備考"),
    ),
)

PERSON = RecordSchema(
    "person",
    "世帯員",
    (
        text("name", "氏名", 60, required=True),
        text("kana", "ふりがな", 60),
        code("sex", "性別", v.SEX),
        day("birth_date", "生年月日"),
        code("relationship", "続柄", v.RELATIONSHIP),
        flag("lives_with_household", "同居"),
        code("care_level", "要介護度", v.CARE_LEVEL),
        code("disability_certificate", "障害者手帳", v.DISABILITY_CERTIFICATE),
        text("disability_grade", "手帳の等級", 20),
        code("health_insurance", "医療保険", v.HEALTH_INSURANCE),
        code("pension", "年金", v.PENSION),
        code("occupation", "就労・就学", v.OCCUPATION),
        text("work_or_school", "勤務先・学校", 100),
        text("phone", "電話", 30),
        note("note", "備考"),
    ),
    parent_type="household",
    parent_required=True,
)

ISSUE = RecordSchema(
    "issue",
    "課題",
    (
        ref("person_id", "本人", "person"),
        code("category", "分類", v.ISSUE_CATEGORIES, required=True),
        flag("is_main", "主訴"),
        day("identified_on", "把握日"),
        day("resolved_on", "解決日"),
        note("note", "内容"),
    ),
    parent_type="household",
    parent_required=True,
)

ACTIVITY = RecordSchema(
    "activity",
    "活動記録",
    (
        day("date", "日付", required=True),
        FieldSpec("time", Kind.TIME, "時刻"),
        code("kind", "種別", v.ACTIVITY_KINDS, required=True),
        text("place", "場所", 100),
        text("participants", "参加者・対応者", 200),
        note("content", "内容"),
        note("next_action", "今後の対応", 1000),
        day("next_date", "次回予定日"),
        FieldSpec("contacts", Kind.INT, "接触人数", maximum=10_000),
        text("recorded_by", "記録者", 60),
        # The area the activity was recorded in, kept when its household moves to another
        # (転居・引継ぎ): the annual figures count it there. Empty: the activity's own area.
        code("recorded_area", "記録エリア", v.AREAS),
    ),
    parent_type="household",
    parent_required=False,
)

AGENCY = RecordSchema(
    "agency",
    "関係機関",
    (
        text("name", "機関名", 100, required=True),
        code("agency_type", "種別", v.AGENCY_TYPES, required=True),
        text("contact", "担当者・連絡先", 200),
        text("phone", "電話", 30),
        text("address", "所在地", 200),
        note("note", "備考", 2000),
    ),
)

REFERRAL = RecordSchema(
    "referral",
    "連携",
    (
        ref("agency_id", "関係機関", "agency", required=True),
        code("direction", "方向", v.REFERRAL_DIRECTIONS, required=True),
        day("date", "日付", required=True),
        note("purpose", "目的", 1000),
        code("status", "状況", v.REFERRAL_STATUS, required=True),
        day("follow_up_on", "フォロー予定日"),
        note("outcome", "結果", 2000),
    ),
    parent_type="household",
    parent_required=True,
)

MEETING = RecordSchema(
    "meeting",
    "まるごと福祉会議",
    (
        day("date", "開催日", required=True),
        code("meeting_type", "会議の種類", v.MEETING_TYPES, required=True),
        code("legal_basis", "根拠", v.MEETING_LEGAL_BASIS),
        text("title", "件名", 100),
        refs("attendee_agency_ids", "出席機関", "agency"),
        refs("household_ids", "検討世帯", "household", elsewhere=True),
        note("decisions", "決定事項"),
        note("roles", "役割分担", 2000),
        day("next_date", "次回予定日"),
    ),
    area_required=False,
)

CONSENT = RecordSchema(
    "consent",
    "同意",
    (
        ref("person_id", "同意者", "person", required=True),
        day("granted_on", "同意日", required=True),
        code("method", "方法", v.CONSENT_METHODS, required=True),
        text("obtained_by", "取得者", 60),
        refs("agency_ids", "共有先機関", "agency"),
        codes("purposes", "目的", v.CONSENT_PURPOSES),
        text("document_version", "説明文書の版", 20),
        day("withdrawn_on", "撤回日"),
    ),
    parent_type="household",
    parent_required=True,
)

SCHEMAS: dict[str, RecordSchema] = {
    s.type: s for s in (HOUSEHOLD, PERSON, ISSUE, ACTIVITY, AGENCY, REFERRAL, MEETING, CONSENT)
}

# Records are exported and imported in this order so references point backwards.
TYPE_ORDER: tuple[str, ...] = (
    "agency",
    "household",
    "person",
    "issue",
    "activity",
    "referral",
    "meeting",
    "consent",
)

assert set(SCHEMAS) == set(v.RECORD_TYPES) == set(TYPE_ORDER)
