"""A pull: the log after a cursor, as the holder of some areas may see it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from ...changes import AREA
from ...record_types import SHARED_TYPES
from ..log_entries import PULLED_COLUMNS, log_json, pulled_items
from ..tables import log
from .base import StoreBase

_FIELD = PULLED_COLUMNS.index("field")


@dataclass(frozen=True)
class Page:
    rows: Sequence[Sequence[Any]]  # log rows by seq, columns as PULLED_COLUMNS (values as JSON)
    next: int
    has_more: bool

    def log_json(self) -> str:
        """The `log` of the pull answer (marugoto_sync.log_page), as JSON text."""
        return log_json(self.rows)

    @property
    def carries_transfer(self) -> bool:
        """Whether the page holds an entry of a household's `_area` (a transfer, its copy or
        a conflict about it): the devices it is served to may know of the move."""
        return any(row[_FIELD] == AREA for row in self.rows)

    @property
    def items(self) -> list[dict[str, Any]]:
        """The entries as flat objects."""
        return pulled_items(self.rows)


class Pulls(StoreBase):
    """Reading the log."""

    def head(self) -> int:
        with self._read() as conn:
            return self._head(conn)

    def log_holds(self, seq: int, change_id: str) -> bool:
        """Whether the log has this change id at this sequence number (see /v1/status)."""
        with self._read() as conn:
            found = conn.execute(select(log.c.change_id).where(log.c.seq == seq)).scalar()
        return bool(found == change_id)

    def changes_page(
        self,
        areas: Iterable[str],
        after: int,
        limit: int,
        *,
        area: str | None = None,
        until: int | None = None,
        directory: bool = False,
    ) -> Page:
        """Log entries after `after` (up to `until`) the holder of `areas` may see, by seq.

        With `area`, only that area (a backfill); with `directory`, only the shared directory
        (the backfill of a laptop that synced before the directory was shared); otherwise the
        areas, city-wide records and the shared directory. `next` is the cursor to send next
        time: past everything this snapshot holds for the caller when the page is the last
        one. Safe because seq follows commit order.
        """
        query = select(*(log.c[name] for name in PULLED_COLUMNS)).where(log.c.seq > after)
        if until is not None:
            query = query.where(log.c.seq <= until)
        shared = log.c.type.in_(sorted(SHARED_TYPES))
        if area is not None:
            query = query.where(log.c.area == area)
        elif directory:
            query = query.where(shared)
        else:
            query = query.where(or_(log.c.area.in_(list(areas)), log.c.area.is_(None), shared))
        with self._read() as conn:
            result = conn.execute(query.order_by(log.c.seq).limit(limit + 1))
            # The driver's plain tuples: none of these columns needs SQLAlchemy's result
            # processing, and building a Row for each of thousands of entries costs a third
            # of the page.
            rows = result.cursor.fetchall()
            has_more = len(rows) > limit
            rows = rows[:limit]
            if has_more:
                next_seq = rows[-1][0]
            else:
                head = self._head(conn)
                next_seq = max(after, head if until is None else min(until, head))
        return Page(rows, next_seq, has_more)
