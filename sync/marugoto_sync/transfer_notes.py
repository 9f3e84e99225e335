"""Where the households a pulled page moves came from (server/storage/transfer_history.py).

A household's transfer (転居・引継ぎ) is a change of its `_area`, whose value is the area it
goes to. A laptop of the receiving area sees it only as the server's copy, in that area,
which cannot say which area the household left; the pull answer's `transfers` says so, by
the entry's change id, with the account and device that sent the move. Paired with the
entry, it is a note a laptop keeps to show where a household came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .authors import MAX_NAME
from .changes import AREA, ID_RE, NAME_RE
from .log_page import LogPage


@dataclass(frozen=True)
class Moved:
    """A move as a pull answer names it: the area left, who sent it (user, device names)."""

    from_area: str
    user: str | None = None
    device: str | None = None


@dataclass(frozen=True)
class TransferNote:
    """A household moved to `to_area` from `from_area` by the `_area` change stamped
    (hlc, site), sent by `user` on `device` as the server named them (None: not told, as for
    a move this laptop made)."""

    household: str
    hlc: int
    site: str
    from_area: str
    to_area: str
    user: str | None = None
    device: str | None = None


def read_transfers(obj: Any) -> dict[str, Moved]:
    """The `transfers` of a pull answer by change id, checked (ValueError); absent (an older
    server): {}."""
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise ValueError("transfers: not an object")
    found: dict[str, Moved] = {}
    for change_id, moved in obj.items():
        if not isinstance(change_id, str) or not ID_RE.fullmatch(change_id):
            raise ValueError(f"transfers: {change_id!r} is not a change id")
        if not isinstance(moved, dict):
            raise ValueError(f"transfers of {change_id}: not an object")
        area = moved.get("from_area")
        if not isinstance(area, str) or not NAME_RE.fullmatch(area):
            raise ValueError(f"transfers of {change_id}: from_area is not an area")
        names = {key: moved.get(key) for key in ("user", "device")}
        for key, name in names.items():
            if name is not None and (not isinstance(name, str) or not 0 < len(name) <= MAX_NAME):
                raise ValueError(f"transfers of {change_id}: {key} is not a name")
        found[change_id] = Moved(area, names["user"], names["device"])
    return found


def transfer_notes(page: LogPage, moves: Mapping[str, Moved]) -> list[TransferNote]:
    """The page's `_area` changes that moved a household, each with where it came from."""
    if not moves:
        return []
    notes = []
    for i in page.change_rows():
        moved = moves.get(page.change_id[i])
        to_area = page.value[i]
        if page.field[i] == AREA and moved is not None and isinstance(to_area, str):
            notes.append(
                TransferNote(
                    page.record_id[i],
                    page.hlc[i],
                    page.site[i],
                    moved.from_area,
                    to_area,
                    moved.user,
                    moved.device,
                )
            )
    return notes
