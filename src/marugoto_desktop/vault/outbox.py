"""The outbox: one sealed row per changed field, waiting to be pushed to the server.

The clear columns are what the sync protocol routes by (change id, type, record id, area,
stamp, base stamp, site); the field's name and value are in the payload, padded like every
blob and bound to those columns by its associated data (crypto.outbox_place).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marugoto_sync.changes import AREA, PARENT, Change

from ..domain.ids import new_id
from ..domain.records import Record
from .crypto import DataKey, outbox_place
from .memory import Memory
from .rows import SHARED_SQL

_INSERT = (
    "INSERT INTO outbox (change_id, type, record_id, area, hlc, base_hlc, site, payload) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True)
class Unsent:
    """An outbox row as stored, its payload still sealed."""

    seq: int
    change_id: str
    type: str
    record_id: str
    area: str | None
    hlc: int
    base: int
    site: str
    payload: bytes


class Outbox:
    """The outbox of one unlocked vault. The caller holds the vault's lock."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey, memory: Memory) -> None:
        self._conn = conn
        self._key = key
        self._memory = memory

    def _counted(self, added: int) -> None:
        if self._memory.outbox is not None:
            self._memory.outbox += added

    def add(
        self,
        record: Record,
        values: Mapping[str, Any],
        stamp: int,
        bases: Mapping[str, int],
        site: str,
        resolves: str | None = None,
    ) -> list[str]:
        """One change per field of `values`, all stamped `stamp` by `site`, each on the stamp
        it replaces (`bases`); `resolves` marks them as settling that conflict. Returns their
        ids."""
        rows = []
        for name, value in values.items():
            change_id = new_id()
            content: dict[str, Any] = {"field": name, "value": value}
            if resolves is not None:
                content["resolves"] = resolves
            base = bases[name]
            payload = self._key.seal_json(
                content,
                outbox_place(change_id, record.type, record.id, record.area, stamp, base, site),
            )
            rows.append((change_id, record.type, record.id, record.area, stamp, base, site,
                         payload))  # fmt: skip
        self._conn.executemany(_INSERT, rows)
        self._counted(len(rows))
        return [row[0] for row in rows]

    def add_replays(
        self, record: Record, values: Mapping[str, Any], clocks: Mapping[str, Any]
    ) -> int:
        """Replays of a record's fields, each with the stamp and site of the write that set it
        (`clocks`), in the order of `values`. Returns how many were queued."""
        rows = []
        for name, value in values.items():
            hlc, site = clocks[name]
            change_id = new_id()
            payload = self._key.seal_json(
                {"field": name, "value": value, "replay": True},
                outbox_place(change_id, record.type, record.id, record.area, hlc, 0, site),
            )
            rows.append((change_id, record.type, record.id, record.area, hlc, 0, site, payload))
        self._conn.executemany(_INSERT, rows)
        self._counted(len(rows))
        return len(rows)

    def pending(self, limit: int = 1000, exclude_areas: Sequence[str] = ()) -> list[Change]:
        """The oldest changes, decrypted; none of `exclude_areas` but the shared directory's.
        A limit of -1: all."""
        sql = "SELECT change_id, type, record_id, area, hlc, base_hlc, site, payload FROM outbox"
        args: list[Any] = []
        if exclude_areas:
            marks = ", ".join("?" for _ in exclude_areas)
            sql += f" WHERE area IS NULL OR type IN ({SHARED_SQL}) OR area NOT IN ({marks})"
            args.extend(exclude_areas)
        sql += " ORDER BY seq LIMIT ?"
        args.append(limit)
        return self._rows_to_changes(self._conn.execute(sql, args).fetchall())

    def transfers_waiting(self, areas: Sequence[str]) -> list[tuple[int, Change]]:
        """The households' transfers (`_area` changes) written in these areas that wait,
        oldest first, each with its place in the outbox."""
        if not areas:
            return []
        marks = ", ".join("?" for _ in areas)
        rows = self._conn.execute(
            "SELECT seq, change_id, type, record_id, area, hlc, base_hlc, site, payload "
            f"FROM outbox WHERE area IN ({marks}) ORDER BY seq",
            list(areas),
        ).fetchall()
        changes = self._rows_to_changes([row[1:] for row in rows])
        found = zip([row[0] for row in rows], changes, strict=True)
        return [(seq, change) for seq, change in found if change.field == AREA]

    def transferred(self, record_ids: Sequence[str], site: str) -> dict[str, Change]:
        """Of these records, those whose transfer (`_area` change) by `site` waits here: the
        latest of them."""
        found: dict[str, Change] = {}
        for start in range(0, len(record_ids), 500):
            chunk = list(record_ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            rows = self._conn.execute(
                "SELECT change_id, type, record_id, area, hlc, base_hlc, site, payload "
                f"FROM outbox WHERE site = ? AND record_id IN ({marks}) ORDER BY seq",
                [site, *chunk],
            ).fetchall()
            found.update((c.record_id, c) for c in self._rows_to_changes(rows) if c.field == AREA)
        return found

    def created_under(self, parent_id: str) -> set[str]:
        """The records whose creation under `parent_id` (`_parent_id`) waits here."""
        return {c.record_id for c in self.pending(-1) if c.field == PARENT and c.value == parent_id}

    def relabel(self, record_ids: Sequence[str], area: str, after: int) -> int:
        """Label the waiting changes of these records that come after outbox place `after`
        with `area` (their payloads sealed to it anew); returns how many changed."""
        if not record_ids:
            return 0
        marks = ", ".join("?" for _ in record_ids)
        rows = self._conn.execute(
            "SELECT seq, change_id, type, record_id, area, hlc, base_hlc, site, payload "
            f"FROM outbox WHERE seq > ? AND area IS NOT ? AND record_id IN ({marks}) "
            "ORDER BY seq",
            [after, area, *record_ids],
        ).fetchall()
        for seq, change_id, rtype, record_id, old_area, hlc, base, site, payload in rows:
            content = self._key.open_json(
                payload, outbox_place(change_id, rtype, record_id, old_area, hlc, base, site)
            )
            sealed = self._key.seal_json(
                content, outbox_place(change_id, rtype, record_id, area, hlc, base, site)
            )
            self._conn.execute(
                "UPDATE outbox SET area = ?, payload = ? WHERE seq = ?", (area, sealed, seq)
            )
        return len(rows)

    def _rows_to_changes(self, rows: list[tuple[Any, ...]]) -> list[Change]:
        key = self._key
        changes = []
        for change_id, rtype, record_id, area, hlc, base, site, payload in rows:
            data = key.open_json(
                payload, outbox_place(change_id, rtype, record_id, area, hlc, base, site)
            )
            changes.append(
                Change(
                    change_id,
                    rtype,
                    record_id,
                    area,
                    data["field"],
                    data["value"],
                    hlc,
                    base,
                    site,
                    data.get("resolves"),
                    data.get("replay") is True,
                )
            )
        return changes

    def acknowledge(self, change_ids: Sequence[str]) -> None:
        """The server has these changes: they leave the outbox."""
        self._conn.executemany(
            "DELETE FROM outbox WHERE change_id = ?", [(cid,) for cid in change_ids]
        )
        self._memory.outbox = None

    def size(self) -> int:
        """Changes not yet acknowledged (counted once, then kept by every write)."""
        if self._memory.outbox is None:
            row = self._conn.execute("SELECT count(*) FROM outbox").fetchone()
            self._memory.outbox = int(row[0])
        return self._memory.outbox

    def areas(self) -> set[str]:
        """The areas of the changes waiting, the shared directory's left out (any user may
        send those)."""
        rows = self._conn.execute(
            f"SELECT DISTINCT area FROM outbox "
            f"WHERE area IS NOT NULL AND type NOT IN ({SHARED_SQL})"
        )
        return {str(row[0]) for row in rows}

    def unsent_of(self, site: str) -> list[Unsent]:
        """The changes `site` made that wait, oldest first, payloads sealed."""
        rows = self._conn.execute(
            "SELECT seq, change_id, type, record_id, area, hlc, base_hlc, site, payload "
            "FROM outbox WHERE site = ? ORDER BY seq",
            (site,),
        ).fetchall()
        return [Unsent(*row) for row in rows]

    def restamp(self, change: Unsent, hlc: int, base: int) -> None:
        """Give a waiting change a new stamp and base (its payload sealed to them anew)."""
        content = self._key.open_json(
            change.payload,
            outbox_place(change.change_id, change.type, change.record_id, change.area,
                         change.hlc, change.base, change.site),
        )  # fmt: skip
        sealed = self._key.seal_json(
            content,
            outbox_place(change.change_id, change.type, change.record_id, change.area, hlc,
                         base, change.site),
        )  # fmt: skip
        self._conn.execute(
            "UPDATE outbox SET hlc = ?, base_hlc = ?, payload = ? WHERE seq = ?",
            (hlc, base, sealed, change.seq),
        )
