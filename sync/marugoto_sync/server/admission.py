"""What a push must pass before it reaches storage: the change format and the clock.

A laptop whose clock runs ahead would stamp its edits "later" than everyone else's and win
every field for as long as the error lasts, so changes from the future are refused whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..changes import Change, ChangeInvalid, change_from_wire
from ..hlc import MAX_CLOCK_AHEAD_MS, millis_of
from .errors import ApiError
from .models import ChangeIn


def parsed_changes(models: Sequence[ChangeIn]) -> list[Change]:
    changes = []
    for index, model in enumerate(models):
        try:
            # change_from_wire also refuses NaN and Infinity: the log stores strict JSON.
            change = change_from_wire(dict(model.__dict__))
        except (ChangeInvalid, ValueError, RecursionError) as e:
            # ValueError includes UnicodeEncodeError: a lone surrogate is no UTF-8 text.
            raise ApiError(400, "bad_request", f"changes[{index}]: {e}.") from None
        changes.append(change)
    return changes


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
        rough = f" (about {minutes // (24 * 60)} days)"
    elif minutes >= 120:
        rough = f" (about {minutes // 60} hours)"
    raise ApiError(
        400,
        "clock_skew",
        f"The laptop's clock is ahead of the server's by {minutes} minutes{rough}: change "
        f"{latest.change_id} is stamped in the future. Set the laptop's date and time "
        "correctly, then sync again; nothing of this push was saved.",
    )
