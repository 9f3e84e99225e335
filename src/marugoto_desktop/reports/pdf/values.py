"""A record's values as a document prints them: labels from the vocabularies and schemas,
dates in 和暦."""

from __future__ import annotations

from datetime import date

from ...domain.calendar import age_on, wareki, wareki_weekday
from ...domain.records import Record
from ...domain.schema import SCHEMAS
from ...domain.vocabularies import ACTIVITY_GROUPS, ACTIVITY_KINDS, AREAS, RELATIONSHIP


def label(record_type: str, field: str) -> str:
    """The field's name as people read it (the schema's label)."""
    return SCHEMAS[record_type].field(field).label


def coded(record: Record, field: str) -> str:
    """A coded field's label (several joined with 、), or empty."""
    spec = SCHEMAS[record.type].field(field)
    value = record.fields.get(field)
    if value is None or spec.vocabulary is None:
        return "" if value is None else str(value)
    if isinstance(value, list):
        return "、".join(spec.vocabulary.label(v) for v in value)
    return spec.vocabulary.label(str(value))


def day(value: object, *, weekday: bool = False) -> str:
    """YYYY-MM-DD in 和暦 (令和3年2月18日), or empty."""
    if not isinstance(value, str) or not value:
        return ""
    parsed = date.fromisoformat(value)
    return wareki_weekday(parsed) if weekday else wareki(parsed)


def day_cell(value: object) -> str:
    """A date for a narrow table column, the era year on its own line: 令和3年\n2月18日."""
    if not isinstance(value, str) or not value:
        return ""
    parsed = date.fromisoformat(value)
    whole = wareki(parsed)
    year_end = whole.index("年") + 1
    return f"{whole[:year_end]}\n{whole[year_end:]}"


def kind_label(code: object) -> str:
    """The activity kind alone (戸別訪問): enough in a table, where space is short."""
    return ACTIVITY_KINDS.label(code) if isinstance(code, str) else ""


def kind(code: object) -> str:
    """アウトリーチ／戸別訪問: an activity kind under its group."""
    if not isinstance(code, str):
        return ""
    group = ACTIVITY_GROUPS.label(code.split(".", 1)[0])
    return f"{group}／{ACTIVITY_KINDS.label(code)}"


def area(code: str | None) -> str:
    return AREAS.label(code) if code else ""


def age(person: Record, on: date) -> str:
    """生年月日 in 和暦 with the age on a day below it: 昭和25年6月15日 /（75歳）."""
    born = person.fields.get("birth_date")
    if not isinstance(born, str):
        return ""
    birth = date.fromisoformat(born)
    return f"{wareki(birth)}\n（{age_on(birth, on)}歳）"


def member(person: Record) -> str:
    """氏名（続柄）."""
    name = str(person.fields.get("name", ""))
    relationship = person.fields.get("relationship")
    return f"{name}（{RELATIONSHIP.label(relationship)}）" if relationship else name
