"""Where a household came from when it moved to another area (転居・引継ぎ), as this laptop
knows it.

A transfer is a change of the household's `_area`: every laptop that holds the household has
that field's stamp (when, and which laptop wrote it) and its value (where it went, the area
the household is in). Where it came from, the laptop that made the move noted; a laptop that
received it was told by its pull (marugoto_sync.transfer_notes). Earlier moves are listed as
far as the notes chain back to the latest (each one ending where the next began): a move that
lost to another made meanwhile did not happen, and its note is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from marugoto_sync.changes import AREA
from marugoto_sync.transfer_notes import TransferNote

from ..vault import Vault
from ..vault.replica import VaultReplica
from .conflict_review import Author, author


@dataclass(frozen=True)
class Move:
    """One move: who made it and when (`by.at`, local time), from where (None: this laptop
    was not told) to where."""

    from_area: str | None
    to_area: str
    by: Author


def household_moves(vault: Vault, household_id: str) -> list[Move]:
    """The household's moves to another area, the latest first; [] if it never moved."""
    clock = vault.field_clock(household_id, AREA)
    if clock is None:  # never moved: most households
        return []
    household = vault.get(household_id, include_deleted=True)
    if household is None or household.area is None:
        return []
    notes = sorted(vault.transfer_notes(household_id), key=lambda n: (n.hlc, n.site))
    latest = next((n for n in notes if (n.hlc, n.site) == clock), None)
    moves: list[tuple[tuple[int, str], TransferNote | None, str]] = [
        (clock, latest, household.area)
    ]
    for note in reversed(notes):
        coming_from = moves[-1][1]
        if coming_from is None:
            break
        if (note.hlc, note.site) < moves[-1][0] and note.to_area == coming_from.from_area:
            moves.append(((note.hlc, note.site), note, note.to_area))
    authors = VaultReplica(vault).authors()
    return [
        Move(None if note is None else note.from_area, to_area, _by(vault, stamp, note, authors))
        for stamp, note, to_area in moves
    ]


def _by(
    vault: Vault,
    stamp: tuple[int, str],
    note: TransferNote | None,
    authors: dict[str, dict[str, str]],
) -> Author:
    """Who moved it: the names the pull gave with the move, else as the laptop names the
    site that wrote it (conflict_review.author)."""
    hlc, site = stamp
    found = author(vault, site, hlc, authors)
    if note is not None and note.user is not None and not found.this_laptop:
        return replace(found, user=note.user, device_name=note.device)
    return found
