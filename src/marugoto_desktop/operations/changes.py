"""What an operation changed: the one signal views refresh from (Anki's OpChanges).

Every write operation returns an `OpChanges` (or a `Saved`, which carries one). A view asks
it whether what it shows was touched (`touches`, `touches_household`) and redraws only then,
never re-reading everything after each save.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ..domain.records import Record
from ..domain.schema import TYPE_ORDER

# Pseudo-types for what is not a record: the last sync result and the outbox count
# (changed by a sync), the conflicts to review, the vault's settings.
SYNC = "sync"
CONFLICTS = "conflict"
SETTINGS = "settings"


@dataclass(frozen=True)
class OpChanges:
    """Record types and ids an operation wrote, and the households they belong to.

    `ids` empty with `types` set means "any record of these types" (a sync, which cannot
    say which records it brought in). Every write also changes the unsynced count.
    """

    types: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    # The households written, or whose members, issues, activities… were written, or that
    # a meeting written names.
    households: frozenset[str] = frozenset()

    @classmethod
    def of(cls, records: Iterable[Record]) -> OpChanges:
        records = list(records)
        households = {r.id if r.type == "household" else r.parent_id for r in records}
        for meeting in (r for r in records if r.type == "meeting"):
            households.update(meeting.fields.get("household_ids", []))  # their 会議 lists
        return cls(
            frozenset(r.type for r in records),
            frozenset(r.id for r in records),
            frozenset(h for h in households if h is not None),
        )

    @classmethod
    def everything(cls) -> OpChanges:
        """Any record may have changed (ids unknown): what a sync returns."""
        return cls(frozenset({*TYPE_ORDER, SYNC, CONFLICTS}))

    def __bool__(self) -> bool:
        return bool(self.types or self.ids)

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(
            self.types | other.types, self.ids | other.ids, self.households | other.households
        )

    @property
    def unknown_ids(self) -> bool:
        """Records changed without saying which (a sync): views showing these types redraw."""
        return bool(self.types) and not self.ids

    def touches(self, *types: str) -> bool:
        """Whether a view showing records of these types should redraw."""
        return any(t in self.types for t in types)

    def touches_household(self, household_id: str) -> bool:
        """Whether the household's detail (its members, issues, timeline…) changed."""
        return household_id in self.households or self.unknown_ids


NOTHING = OpChanges()


class Saved(NamedTuple):
    """A record as an operation stored it, and what that changed (`record, changes = …`)."""

    record: Record
    changes: OpChanges
