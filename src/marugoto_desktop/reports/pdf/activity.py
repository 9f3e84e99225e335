"""活動記録票: one activity as a page to file or hand over."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Paragraph

from ...domain.records import Record
from ...domain.vocabularies import AREA_LABEL, RECORD_TYPES
from . import values as v
from .layout import (
    BODY,
    NOTE,
    SUBTITLE,
    TITLE,
    DocumentInfo,
    build,
    fields_table,
    section,
    spacer,
    text,
)

TITLE_TEXT = "活動記録票"
SUBTITLE_TEXT = "支援経過記録"
WHEN = "日時"
NO_HOUSEHOLD = "世帯なし（地域での活動）"
RECORD_ID = "記録ID"


def activity_story(
    activity: Record, household: Record | None, members: Sequence[Record]
) -> list[Flowable]:
    when = v.day(activity.get("date"), weekday=True)
    if activity.get("time"):
        when += f"　{activity.get('time')}"
    if household is None:
        household_text = NO_HOUSEHOLD
    else:
        household_text = str(household.get("name", ""))
        if household.get("district"):
            household_text += f"（{household.get('district')}）"
    rows: list[tuple[str, object]] = [
        (WHEN, when),
        (v.label("activity", "kind"), v.kind(activity.get("kind"))),
        (AREA_LABEL, v.area(activity.area)),
        (RECORD_TYPES["household"], household_text),
    ]
    if household is not None:
        rows.append((RECORD_TYPES["person"], "、".join(v.member(m) for m in members)))
    for field in ("place", "participants", "contacts"):
        if activity.get(field) is not None:
            rows.append((v.label("activity", field), activity.get(field)))
    follow = [
        (v.label("activity", "next_action"), activity.get("next_action")),
        (v.label("activity", "next_date"), v.day(activity.get("next_date"), weekday=True)),
        (v.label("activity", "recorded_by"), activity.get("recorded_by")),
    ]
    content = str(activity.get("content", "")).strip()
    paragraphs = [p for p in content.split("\n\n") if p.strip()] or [""]
    return [
        Paragraph(TITLE_TEXT, TITLE),
        Paragraph(SUBTITLE_TEXT, SUBTITLE),
        fields_table(rows),
        *section(v.label("activity", "content")),
        *(text(p, BODY) for p in paragraphs),
        spacer(4),
        fields_table(follow),
        spacer(2),
        Paragraph(f"{RECORD_ID}：{activity.id}", NOTE),
    ]


def activity_pdf(
    activity: Record, household: Record | None, members: Sequence[Record], info: DocumentInfo
) -> bytes:
    """The 活動記録票 of one activity, as PDF bytes."""
    return build(lambda: activity_story(activity, household, members), info)
