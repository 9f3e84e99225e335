"""What a push must pass before it reaches storage: the change format, the change ids,
the record types, and the clock.

Each change is judged here on its own: its wire form (`change_from_wire`), and whether its
type, field and area are ones a laptop writes (`marugoto_sync.record_types`). What depends on
what the server holds (whose record, whose parent, whose conflict) is judged in storage.

A laptop whose clock runs ahead would stamp its edits "later" than everyone else's and win
every field for as long as the error lasts, so changes from the future are refused whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..changes import AREA, DELETED, ID_RE, PARENT, Change, ChangeInvalid, change_from_wire
from ..english import counted
from ..hlc import MAX_CLOCK_AHEAD_MS, millis_of
from ..record_types import RECORD_TYPES
from .errors import ApiError
from .models import ChangeIn
from .vocabulary import AREAS


def parsed_changes(models: Sequence[ChangeIn]) -> list[Change]:
    """The changes of a push, each checked on its own; the first bad one refuses the push."""
    changes = []
    for index, model in enumerate(models):
        wire = dict(model.__dict__)
        try:
            # change_from_wire also refuses NaN and Infinity: the log stores strict JSON.
            change = change_from_wire(wire)
            check_change_id(change)
            check_record_type(change)
        except (ChangeInvalid, ValueError, RecursionError) as e:
            # ValueError includes UnicodeEncodeError: a lone surrogate is no UTF-8 text.
            raise ApiError(
                400,
                "bad_request",
                f"changes[{index}] (change {wire.get('change_id')}): {e}; nothing of this "
                "push was saved.",
            ) from None
        changes.append(change)
    return changes


def check_change_id(change: Change) -> None:
    """The change's id is not of the kind the server names conflicts with.

    A conflict is named by a version-5 UUID derived from the change that raised it
    (merge.conflict_id_for), and shares the log's one column of ids with the changes. A
    change under such an id would take the name of a conflict, raised by this push or a
    later one, and that push could never be stored. Laptops name changes with version 7.
    """
    if change.change_id[14] == "5":
        raise ChangeInvalid(
            "change_id: a version-5 UUID is how the server names conflicts; a change needs "
            "an id of another version (the app uses version 7)"
        )


def check_record_type(change: Change) -> None:
    """The change names a known type and one of its fields; only a meeting is city-wide."""
    known = RECORD_TYPES.get(change.type)
    if known is None:
        raise ChangeInvalid(
            f"type: {change.type!r} is not a record type (the types are {', '.join(RECORD_TYPES)})"
        )
    if not known.knows(change.field):
        raise ChangeInvalid(f"field: a {change.type} has no field {change.field!r}")
    if change.area is None and not known.city_wide:
        raise ChangeInvalid(
            f"area: a {change.type} belongs to an area; only a meeting may be city-wide"
        )
    if change.field == DELETED and type(change.value) is not bool:
        raise ChangeInvalid(f"value: {DELETED} is true or false")
    if change.field == PARENT and not (
        isinstance(change.value, str) and ID_RE.fullmatch(change.value)
    ):
        raise ChangeInvalid(f"value: {PARENT} is the id of a {known.parent_type}")
    if change.field == AREA and change.value not in AREAS:
        raise ChangeInvalid(f"value: {AREA} is an area code (the areas are {', '.join(AREAS)})")


def refuse_clock_skew(changes: Sequence[Change], server_ms: int) -> None:
    if not changes:
        return
    latest = max(changes, key=lambda c: c.hlc)
    ahead_ms = millis_of(latest.hlc) - server_ms
    if ahead_ms <= MAX_CLOCK_AHEAD_MS:
        return
    minutes = math.ceil(ahead_ms / 60_000)
    rough = ""
    if minutes >= 48 * 60:
        rough = f" (about {counted(minutes // (24 * 60), 'day')})"
    elif minutes >= 120:
        rough = f" (about {counted(minutes // 60, 'hour')})"
    raise ApiError(
        400,
        "clock_skew",
        f"The laptop's clock is ahead of the server's by {counted(minutes, 'minute')}{rough}: "
        f"change {latest.change_id} is stamped in the future. Set the laptop's date and time "
        "correctly, then sync again; nothing of this push was saved.",
    )
