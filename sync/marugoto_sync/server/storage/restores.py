"""Restores from a backup, as an administrator recorded them (`marugoto-sync mark-restored`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from ..tables import server_restores
from .base import StoreBase, utc, utc_required


@dataclass(frozen=True)
class RestoreInfo:
    """A restore from a backup, as recorded: when, and where the restored log ends."""

    recorded_at: datetime
    head: int


# When the latest restore from a backup was recorded (None: never), as a column or statement.
LAST_RESTORE = select(func.max(server_restores.c.recorded_at)).scalar_subquery()
_LAST_RESTORE_QUERY = select(LAST_RESTORE)


def last_restore_ms(conn: Connection) -> int | None:
    """When the latest restore from a backup was recorded (unix ms), or None."""
    return restore_ms(conn.execute(_LAST_RESTORE_QUERY).scalar())


def restore_ms(recorded_at: datetime | None) -> int | None:
    """A restore's time as LAST_RESTORE reads it, in unix ms."""
    latest = utc(recorded_at)
    return None if latest is None else int(latest.timestamp() * 1000)


class Restores(StoreBase):
    """The restores recorded."""

    def record_restore(self, at: datetime) -> RestoreInfo:
        """Record that this database was just restored from a backup (at `at`).

        From then on, a change flagged as a replay and stamped before `at` is judged as one:
        a write the server accepted once and lost (marugoto_sync.merge.as_judged).
        """
        with self._write() as conn:
            head = self._head(conn)
            conn.execute(insert(server_restores), {"recorded_at": at, "head": head})
        return RestoreInfo(at, head)

    def restores(self) -> list[RestoreInfo]:
        """The restores recorded, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                select(server_restores.c.recorded_at, server_restores.c.head).order_by(
                    server_restores.c.id
                )
            ).all()
        return [RestoreInfo(utc_required(when), head) for when, head in rows]
