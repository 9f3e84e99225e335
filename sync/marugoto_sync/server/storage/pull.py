"""A pull: the log after a cursor, as the holder of some areas may see it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, or_, select

from ...changes import AREA
from ...record_types import SHARED_TYPES
from ..log_entries import PULLED_COLUMNS, log_json, pulled_items
from ..tables import log
from .authors import AuthorMap, authors_of
from .base import StoreBase
from .devices import IDENTITY, DeviceIdentity, identity_of
from .restores import LAST_RESTORE, restore_ms

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


@dataclass(frozen=True)
class PullAnswer:
    """What one pull request reads, in one snapshot: who asks, the page, who wrote it."""

    device: DeviceIdentity
    page: Page
    authors: AuthorMap


# Who is behind the token, and in the same statement the head of the log and when the latest
# restore was recorded: one round trip where there were three.
_PULL_START = IDENTITY.add_columns(
    select(func.coalesce(func.max(log.c.seq), 0)).scalar_subquery(), LAST_RESTORE
)
_HEAD, _RESTORED = len(IDENTITY.selected_columns), len(IDENTITY.selected_columns) + 1


@functools.cache
def _page_query(kind: str, bounded: bool) -> Select[Any]:
    """The page's statement, built once for each kind of pull (a statement built per pull
    costs more of its time than PostgreSQL spends on it). Parameters: `after`, `until` when
    `bounded`, `rows`, and `area` (kind "area": a backfill) or `areas` (kind "areas": a
    pull); kind "directory" reads the shared directory only."""
    query = select(*(log.c[name] for name in PULLED_COLUMNS)).where(log.c.seq > bindparam("after"))
    if bounded:
        query = query.where(log.c.seq <= bindparam("until"))
    shared = log.c.type.in_(sorted(SHARED_TYPES))
    if kind == "area":
        query = query.where(log.c.area == bindparam("area"))
    elif kind == "directory":
        query = query.where(shared)
    else:
        areas = log.c.area.in_(bindparam("areas", expanding=True))
        query = query.where(or_(areas, log.c.area.is_(None), shared))
    return query.order_by(log.c.seq).limit(bindparam("rows"))


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

    def pull(
        self,
        token_sha256: str,
        admit: Callable[[DeviceIdentity | None], DeviceIdentity],
        after: int,
        limit: int,
        *,
        area: str | None = None,
        until: int | None = None,
        directory: bool = False,
    ) -> PullAnswer:
        """A pull request in one read transaction: the device behind the token, which
        `admit` refuses by raising (unknown, revoked, retired, an area not granted…) before
        anything of the log is read; then changes_page for the device's areas and the
        authors of the page (Authors.authors)."""
        with self._read() as conn:
            rows = conn.execute(_PULL_START, {"token": token_sha256}).all()
            device = admit(identity_of(rows))
            head, restored = rows[0][_HEAD], restore_ms(rows[0][_RESTORED])
            page = self._page(conn, device.areas, after, limit, area, until, directory, head)
            return PullAnswer(device, page, authors_of(conn, page.rows, restored))

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
        with self._read() as conn:
            return self._page(conn, areas, after, limit, area, until, directory, None)

    def _page(
        self,
        conn: Connection,
        areas: Iterable[str],
        after: int,
        limit: int,
        area: str | None,
        until: int | None,
        directory: bool,
        head: int | None,
    ) -> Page:
        """changes_page in the caller's transaction; `head`: the log's, read in this
        snapshot already (None: read it here if needed)."""
        kind = "area" if area is not None else "directory" if directory else "areas"
        result = conn.execute(
            _page_query(kind, until is not None),
            {"after": after, "until": until, "area": area, "areas": list(areas), "rows": limit + 1},
        )
        # The driver's plain tuples: none of these columns needs SQLAlchemy's result
        # processing, and building a Row for each of thousands of entries costs a third
        # of the page.
        rows = result.cursor.fetchall()
        has_more = len(rows) > limit
        rows = rows[:limit]
        if has_more:
            next_seq = rows[-1][0]
        else:
            if head is None:
                head = self._head(conn)
            next_seq = max(after, head if until is None else min(until, head))
        return Page(rows, next_seq, has_more)
