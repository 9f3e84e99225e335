"""業務日報: a consultant's day — every activity of the date in time order, with its household,
kind and next action — and the day's outreach tally."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from reportlab.platypus import Flowable, Paragraph

from ...domain.calendar import wareki_weekday
from ...domain.records import Record
from ...domain.vocabularies import (
    ACTIVITY_GROUPS,
    ACTIVITY_KINDS,
    CONSULT_PREFIX,
    OUTREACH_PREFIX,
    RECORD_TYPES,
)
from . import values as v
from .layout import (
    CELL,
    NUMBER_BOLD,
    SUBTITLE,
    TITLE,
    DocumentInfo,
    build,
    number,
    section,
    table,
    text,
)

TITLE_TEXT = "業務日報"
EVERYONE = "全員"
TIME = v.label("activity", "time")
COUNT = "件数"
TOTAL = "合計"
TALLY = "本日のアウトリーチ"
NO_ACTIVITY = "この日の活動記録はありません。"
HOUSEHOLD_OR_PLACE = f"{RECORD_TYPES['household']}／{v.label('activity', 'place')}"


def _row(activity: Record, households: Mapping[str, Record]) -> list[Flowable | str]:
    household = households.get(activity.parent_id or "")
    where = str(household.get("name", "")) if household else ""
    if activity.get("place"):
        where += ("\n" if where else "") + str(activity.get("place"))
    follow = str(activity.get("next_action", ""))
    if activity.get("next_date"):
        follow += f"\n（{v.day(activity.get('next_date'))}）"
    return [
        str(activity.get("time", "")),
        where,
        v.kind_label(activity.get("kind")),
        text(activity.get("content"), CELL),
        follow,
    ]


def _tally(activities: Sequence[Record]) -> list[Flowable]:
    rows: list[list[Flowable | str]] = []
    outreach = [k for k in ACTIVITY_KINDS if k.startswith(OUTREACH_PREFIX)]
    contacts_label = v.label("activity", "contacts")
    total = total_contacts = 0
    for kind in outreach:
        done = [a for a in activities if a.get("kind") == kind]
        people = sum(int(a.get("contacts", 0)) for a in done)
        total += len(done)
        total_contacts += people
        rows.append([ACTIVITY_KINDS[kind], number(len(done)), number(people)])
    rows.append(
        [
            Paragraph(TOTAL, CELL),
            number(total, NUMBER_BOLD),
            number(total_contacts, NUMBER_BOLD),
        ]
    )
    consults = sum(1 for a in activities if str(a.get("kind", "")).startswith(CONSULT_PREFIX))
    rows.append([ACTIVITY_GROUPS["consult"], number(consults), ""])
    header = [ACTIVITY_GROUPS["outreach"], COUNT, contacts_label]
    return [*section(TALLY), table(header, rows, [0.5, 0.2, 0.2], numbers_from=1)]


def day_story(
    day: date,
    consultant: str | None,
    activities: Sequence[Record],
    households: Mapping[str, Record],
) -> list[Flowable]:
    who = f"{v.label('activity', 'recorded_by')}：{consultant or EVERYONE}"
    heading = [Paragraph(TITLE_TEXT, TITLE), text(f"{wareki_weekday(day)}　{who}", SUBTITLE)]
    if not activities:
        return [*heading, text(NO_ACTIVITY), *_tally(activities)]
    header = [
        TIME,
        HOUSEHOLD_OR_PLACE,
        v.label("activity", "kind"),
        v.label("activity", "content"),
        f"{v.label('activity', 'next_action')}（{v.label('activity', 'next_date')}）",
    ]
    rows = [_row(a, households) for a in activities]
    widths = [0.08, 0.18, 0.185, 0.335, 0.22]
    return [*heading, table(header, rows, widths), *_tally(activities)]


def day_pdf(
    day: date,
    consultant: str | None,
    activities: Sequence[Record],
    households: Mapping[str, Record],
    info: DocumentInfo,
) -> bytes:
    """The 業務日報 of a day: `activities` in time order, their households by id."""
    return build(lambda: day_story(day, consultant, activities, households), info)
