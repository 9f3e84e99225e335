"""What the vault keeps for sync besides records and outbox: meta values, settings, conflicts,
and where households moved to another area came from.

Meta values are clear (the clock, cursors: numbers); settings (server address, device token,
areas) and conflicts (their values are personal data) are sealed blobs. Conflicts keep their
record, type, area and status in clear, so the open ones can be counted without the key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from marugoto_sync.merge import Conflict, conflict_from_wire
from marugoto_sync.transfer_notes import TransferNote

from .crypto import DataKey, place
from .rows import SHARED_SQL


class Meta:
    """Clear key-value pairs: the clock's last stamp, sync cursors, what was received."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def delete(self, key: str) -> None:
        self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))

    def delete_prefixed(self, prefix: str) -> None:
        """Every key that starts with `prefix` gone."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self._conn.execute("DELETE FROM meta WHERE key LIKE ? ESCAPE '\\'", (escaped + "%",))

    def raise_to(self, key: str, value: int) -> None:
        """A number that only grows: set to `value` unless it is larger already."""
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
            "value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            (key, str(value)),
        )


class Settings:
    """Sealed values by name, one blob each."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def get(self, name: str) -> Any:
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (name,)).fetchone()
        if row is None:
            return None
        return self._key.open_json(row[0], place("settings", name, "value"))

    def put(self, name: str, value: Any) -> None:
        blob = self._key.seal_json(value, place("settings", name, "value"))
        self._conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (name, blob),
        )

    def delete_all(self) -> None:
        self._conn.execute("DELETE FROM settings")


class TransferNotes:
    """Where households came from when they moved to another area (転居・引継ぎ): for each
    household, each move this vault made or was told of by a pull (marugoto_sync.
    transfer_notes), as [hlc, site, from, to, user, device], the `_area` change's stamp
    first. Kept in one sealed setting: moves are rare, and a household shows its own by
    reading it once."""

    SETTING = "sync.transfers"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def _all(self) -> dict[str, list[list[Any]]]:
        found = self._settings.get(self.SETTING)
        return found if isinstance(found, dict) else {}

    def add(self, notes: Iterable[TransferNote]) -> bool:
        """Keep these (each once, by its stamp); False when every one was kept already."""
        kept = self._all()
        added = False
        for n in notes:
            moves = kept.setdefault(n.household, [])
            if any(move[:2] == [n.hlc, n.site] for move in moves):
                continue
            moves.append([n.hlc, n.site, n.from_area, n.to_area, n.user, n.device])
            added = True
        if added:
            self._settings.put(self.SETTING, kept)
        return added

    def of(self, household_id: str) -> list[TransferNote]:
        """A household's moves as noted, oldest first (by stamp)."""
        moves = sorted(self._all().get(household_id, []), key=lambda m: (m[0], m[1]))
        return [
            TransferNote(household_id, int(h), str(s), str(f), str(t), user, device)
            for h, s, f, t, user, device in moves
        ]


class SettledHere:
    """Which conflict each resolution written here settles, by change id, until the server's
    log shows what became of it (a setting, sealed: resolutions are few).

    The server may keep a resolution without applying it (a transfer, or a change, written in
    an area its household had left: marugoto_sync storage.transfers); the conflict it settled
    then stays open there, and must be open again here (vault.replica)."""

    KEY = "sync.settled_here"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def remember(self, change_ids: Sequence[str], conflict_id: str) -> None:
        known = self._settings.get(self.KEY) or {}
        self._settings.put(self.KEY, {**known, **dict.fromkeys(change_ids, conflict_id)})

    def taken(self, change_ids: Iterable[str], settled: Iterable[str]) -> None:
        """These changes are in the server's log, and these conflicts settled there (by
        whoever): what was settled here of them is settled there."""
        known = self._settings.get(self.KEY)
        if not known:
            return
        seen, done = set(change_ids), set(settled)
        left = {cid: c for cid, c in known.items() if cid not in seen and c not in done}
        if len(left) != len(known):
            self._settings.put(self.KEY, left)

    def kept(self, change_ids: Iterable[str]) -> list[str]:
        """These changes were kept, not applied: the conflicts they settled (forgotten)."""
        known = self._settings.get(self.KEY)
        if not known:
            return []
        gone = set(change_ids) & set(known)
        if gone:
            self._settings.put(self.KEY, {cid: c for cid, c in known.items() if cid not in gone})
        return [known[cid] for cid in sorted(gone)]


class Conflicts:
    """Conflicts the server's log recorded, open or resolved, each sealed whole."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def add(self, conflict: Conflict) -> None:
        """Keep a conflict as open (one already kept stays as it is, but for its area: a
        conflict moves with its household's transfer)."""
        blob = self._key.seal_json(
            conflict.to_wire(), place("conflicts", conflict.conflict_id, "payload")
        )
        self._conn.execute(
            "INSERT INTO conflicts (conflict_id, record_id, type, area, status, payload) "
            "VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (conflict_id) DO UPDATE SET "
            "area = excluded.area, payload = excluded.payload "
            "WHERE conflicts.area IS NOT excluded.area",
            (conflict.conflict_id, conflict.record_id, conflict.type, conflict.area, blob),
        )

    def resolve(self, conflict_ids: list[str]) -> None:
        self._conn.executemany(
            "UPDATE conflicts SET status = 'resolved' WHERE conflict_id = ?",
            [(cid,) for cid in conflict_ids],
        )

    def reopen(self, conflict_ids: list[str]) -> None:
        self._conn.executemany(
            "UPDATE conflicts SET status = 'open' WHERE conflict_id = ?",
            [(cid,) for cid in conflict_ids],
        )

    def all(self, *, include_resolved: bool = False) -> list[tuple[Conflict, str]]:
        """(conflict, status) in conflict id order; the open ones only, unless asked."""
        sql = "SELECT conflict_id, status, payload FROM conflicts"
        if not include_resolved:
            sql += " WHERE status = 'open'"
        found = []
        for conflict_id, status, payload in self._conn.execute(sql + " ORDER BY conflict_id"):
            wire = self._key.open_json(payload, place("conflicts", conflict_id, "payload"))
            found.append((conflict_from_wire(wire), str(status)))
        return found

    def of_records(self, record_ids: Sequence[str]) -> list[tuple[Conflict, str]]:
        """The conflicts (open or resolved) of these records, with their status."""
        wanted = set(record_ids)
        return [
            (c, status) for c, status in self.all(include_resolved=True) if c.record_id in wanted
        ]

    def move(self, record_ids: Sequence[str], area: str) -> None:
        """The conflicts of these records go with them to another area (a transfer)."""
        for conflict, _ in self.of_records(record_ids):
            moved = replace(conflict, area=area)
            blob = self._key.seal_json(
                moved.to_wire(), place("conflicts", moved.conflict_id, "payload")
            )
            self._conn.execute(
                "UPDATE conflicts SET area = ?, payload = ? WHERE conflict_id = ?",
                (area, blob, moved.conflict_id),
            )

    def remove_records(self, record_ids: Sequence[str]) -> None:
        self._conn.executemany(
            "DELETE FROM conflicts WHERE record_id = ?", [(rid,) for rid in record_ids]
        )

    def remove_area(self, area: str) -> None:
        """Forget an area's conflicts, but the shared directory's."""
        sql = f"DELETE FROM conflicts WHERE area = ? AND type NOT IN ({SHARED_SQL})"
        self._conn.execute(sql, (area,))

    def areas(self) -> set[str]:
        """The areas of the conflicts held, the shared directory left out."""
        rows = self._conn.execute(
            "SELECT DISTINCT area FROM conflicts "
            f"WHERE area IS NOT NULL AND type NOT IN ({SHARED_SQL})"
        )
        return {str(row[0]) for row in rows}
