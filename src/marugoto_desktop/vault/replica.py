"""The vault as a sync replica: applies pulled pages, keeps conflicts and sync settings.

Everything here runs inside the vault's transactions and encrypts like the rest of the vault:
conflict values and the device token are ciphertext; cursors are clear (they are numbers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from marugoto_sync.changes import DELETED, PARENT, Change
from marugoto_sync.hlc import MAX_CLOCK_AHEAD_MS, pack
from marugoto_sync.log_page import LogPage
from marugoto_sync.merge import Conflict, conflict_from_wire, wins

from ..domain.ids import new_id
from ..domain.records import Record, is_empty
from ..domain.validation import RecordInvalid, record_errors
from .crypto import outbox_place, place
from .errors import VaultError
from .store import DB_FILE, LOCK_FILE, Vault


class ConflictNotFound(VaultError):
    """No open conflict has this id."""


@dataclass(frozen=True)
class ConflictView:
    conflict: Conflict
    status: str  # "open" or "resolved"


def _cursor_key(name: str) -> str:
    return f"cursor:{name}"


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


# Rows fetched per query when a page's records are read (well under SQLite's variable limit).
_ROWS_PER_QUERY = 500


class VaultReplica:
    """Adapter that lets marugoto_sync.client sync a Vault (the Replica protocol)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.site = vault.site

    # -- outbox ----------------------------------------------------------------------------

    def pending_changes(self, limit: int = 1000, exclude_areas: Sequence[str] = ()) -> list[Change]:
        return self.vault.pending_changes(limit, exclude_areas)

    def acknowledge(self, change_ids: Sequence[str]) -> None:
        self.vault.acknowledge(change_ids)

    # -- cursors, areas, settings ----------------------------------------------------------

    def cursor(self, cursor_name: str = "main") -> int:
        with self.vault._lock:
            row = self.vault._db.execute(
                "SELECT value FROM meta WHERE key = ?", (_cursor_key(cursor_name),)
            ).fetchone()
        return int(row[0]) if row else 0

    def get_setting(self, key: str) -> Any:
        with self.vault._lock:
            row = self.vault._db.execute(
                "SELECT value FROM settings WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            return self.vault._data_key.open_json(row[0], place("settings", key, "value"))

    def set_setting(self, key: str, value: Any) -> None:
        with self.vault._transaction() as conn:
            self._put_setting(conn, key, value)

    def _put_setting(self, conn: sqlite3.Connection, key: str, value: Any) -> None:
        blob = self.vault._data_key.seal_json(value, place("settings", key, "value"))
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, blob),
        )

    def synced_areas(self) -> list[str] | None:
        areas = self.get_setting("synced_areas")
        return None if areas is None else [str(a) for a in areas]

    def set_synced_areas(self, areas: Sequence[str]) -> None:
        self.set_setting("synced_areas", sorted(areas))

    # -- applying pulled pages -------------------------------------------------------------

    def apply_page(self, page: LogPage, cursor: int, cursor_name: str = "main") -> None:
        """Apply a checked page of the server's log and move the cursor, in one transaction."""
        conflicts = [page.conflict(i) for i in page.conflict_rows()]
        # Each record's changes, in log order: a record is read, merged and written once.
        by_record: dict[str, list[int]] = {}
        group = by_record.setdefault
        record_ids = page.record_id
        for i in page.change_rows():
            group(record_ids[i], []).append(i)
        vault = self.vault
        with vault._transaction() as conn:
            if cursor < self.cursor(cursor_name):
                raise ValueError("a sync cursor never moves backwards")
            # Conflicts first: a resolution later in the same page must find its conflict.
            for conflict in conflicts:
                self._store_conflict(conn, conflict)
            resolved = [(r,) for r in page.resolves if r is not None]
            if resolved:
                conn.executemany(
                    "UPDATE conflicts SET status = 'resolved' WHERE conflict_id = ?", resolved
                )
            stored = self._stored_rows(conn, by_record)
            merged = [
                self._apply_record(page, record_id, rows, stored.get(record_id))
                for record_id, rows in by_record.items()
            ]
            vault._write_rows(conn, [row for row in merged if row is not None])
            if len(page):
                latest = max(page.hlc)
                vault._clock.observe(latest)
                vault._save_clock(conn)
                # The latest stamp the server has passed on: re-stamped changes go past it.
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('received', ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = "
                    "max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                    (str(latest),),
                )
            _set_meta(conn, _cursor_key(cursor_name), str(cursor))
            if len(page) and cursor_name == "main":
                # What the server's log held where: a restored server no longer holds it.
                _set_meta(conn, "seen", f"{page.seq[-1]} {page.change_id[-1]}")

    @staticmethod
    def _received(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'received'").fetchone()
        return int(row[0]) if row else 0

    def last_seen(self) -> tuple[int, str] | None:
        """The last log entry pulled on the main cursor: (seq, change id), or None."""
        with self.vault._lock:
            row = self.vault._db.execute("SELECT value FROM meta WHERE key = 'seen'").fetchone()
        if row is None:
            return None
        seq, change_id = str(row[0]).split(" ", 1)
        return int(seq), change_id

    def restart_after_server_restore(self) -> int:
        """The server lost part of its log (restored from a backup): send everything again.

        Every field this laptop holds goes back into the outbox as a replay with the stamp
        of the write that set it (the laptop's own or another's), so the server regains
        whatever it lost and takes nothing twice (a replay of a write it still has changes
        nothing; see marugoto_sync.merge). Cursors restart from the beginning of the log.
        Returns how many replays were queued.
        """
        vault = self.vault
        key = vault._data_key
        queued = 0
        with vault._transaction() as conn:
            rows = conn.execute(f"SELECT {vault._COLUMNS} FROM records").fetchall()
            decoded = [vault._decode(row) for row in rows]
            # Records without a parent first (the server takes a record only under a parent
            # it holds or is sent in the same push, and the replays may fill several pushes),
            # then in the order they were last written (no clock is kept in clear).
            decoded.sort(
                key=lambda rc: (
                    rc[0].parent_id is not None,
                    max((c[0] for c in rc[1].values()), default=0),
                    rc[0].id,
                )
            )
            for record, clocks in decoded:
                values = {**record.fields, PARENT: record.parent_id, DELETED: record.deleted}
                # The parent first, the delete last: as the record was written.
                names = sorted(clocks, key=lambda n: (n != PARENT, n == DELETED, n))
                outbox = []
                for name in names:
                    hlc, site = clocks[name]
                    change_id = new_id()
                    content = {"field": name, "value": values.get(name), "replay": True}
                    place_ = outbox_place(
                        change_id, record.type, record.id, record.area, hlc, 0, site
                    )
                    outbox.append(
                        (change_id, record.type, record.id, record.area, hlc, 0, site,
                         key.seal_json(content, place_))
                    )  # fmt: skip
                conn.executemany(
                    "INSERT INTO outbox (change_id, type, record_id, area, hlc, base_hlc, site, "
                    "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    outbox,
                )
                queued += len(outbox)
            conn.execute("DELETE FROM meta WHERE key LIKE 'cursor:%' OR key = 'seen'")
            vault._memory.outbox = None
        return queued

    def _stored_rows(
        self, conn: sqlite3.Connection, record_ids: Iterable[str]
    ) -> dict[str, tuple[Any, ...]]:
        """The stored rows of these records (those the vault has), by id, in few queries."""
        ids = list(record_ids)
        rows: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(ids), _ROWS_PER_QUERY):
            chunk = ids[start : start + _ROWS_PER_QUERY]
            marks = ", ".join("?" for _ in chunk)
            for row in conn.execute(
                f"SELECT {self.vault._COLUMNS} FROM records WHERE id IN ({marks})", chunk
            ):
                rows[row[0]] = row
        return rows

    def _apply_record(
        self,
        page: LogPage,
        record_id: str,
        rows: list[int],
        stored: tuple[Any, ...] | None,
    ) -> tuple[Any, ...] | None:
        """Merge one record's changes (`rows` of the page) into its stored row (None: new).

        Returns the row to write, or None when nothing changed.
        """
        vault = self.vault
        if stored is None:
            first = rows[0]
            rtype, area, parent_id, deleted = page.type[first], page.area[first], None, False
            fields: dict[str, Any] = {}
            clocks: dict[str, list[Any]] = {}
        else:
            old, clocks = vault._decode(stored)
            rtype, area, parent_id, deleted = old.type, old.area, old.parent_id, old.deleted
            fields = dict(old.fields)
        names, values, hlcs, sites = page.field, page.value, page.hlc, page.site
        touched = False
        for i in rows:
            name, hlc, site = names[i], hlcs[i], sites[i]
            if not wins(hlc, site, clocks.get(name)):
                continue
            touched = True
            clocks[name] = [hlc, site]
            value = values[i]
            if name == DELETED:
                deleted = bool(value)
            elif name == PARENT:
                parent_id = value if isinstance(value, str) else None
            elif is_empty(value):
                fields.pop(name, None)
            else:
                fields[name] = value
        if not touched:
            return None
        record = Record(record_id, rtype, area, parent_id, fields, deleted)
        return vault._sealed_row(record, clocks)

    def _store_conflict(self, conn: sqlite3.Connection, conflict: Conflict) -> None:
        blob = self.vault._data_key.seal_json(
            conflict.to_wire(), place("conflicts", conflict.conflict_id, "payload")
        )
        conn.execute(
            "INSERT INTO conflicts (conflict_id, record_id, type, area, status, payload) "
            "VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (conflict_id) DO NOTHING",
            (conflict.conflict_id, conflict.record_id, conflict.type, conflict.area, blob),
        )

    # -- conflicts -------------------------------------------------------------------------

    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictView]:
        sql = "SELECT conflict_id, status, payload FROM conflicts"
        if not include_resolved:
            sql += " WHERE status = 'open'"
        with self.vault._lock:
            key = self.vault._data_key
            rows = self.vault._db.execute(sql + " ORDER BY conflict_id").fetchall()
        views = []
        for conflict_id, status, payload in rows:
            wire = key.open_json(payload, place("conflicts", conflict_id, "payload"))
            views.append(ConflictView(conflict_from_wire(wire), status))
        return views

    def _open(self, conflict_id: str) -> Conflict:
        found = [v for v in self.conflicts() if v.conflict.conflict_id == conflict_id]
        if not found:
            raise ConflictNotFound(f"no open conflict {conflict_id}")
        return found[0].conflict

    def _settle(
        self,
        conflict_id: str,
        make: Callable[[Conflict, Record], tuple[Record, dict[str, Any]]],
    ) -> Record:
        """Write a person's resolution of an open conflict: an edit that carries its id."""
        vault = self.vault
        with vault._transaction() as conn:  # the lock, held from the first read
            conflict = self._open(conflict_id)
            row = conn.execute(
                f"SELECT {vault._COLUMNS} FROM records WHERE id = ?", (conflict.record_id,)
            ).fetchone()
            if row is None:
                raise ConflictNotFound(f"the record of conflict {conflict_id} is not here")
            record, clocks = vault._decode(row)
            result, changed = make(conflict, record)
            vault._store(conn, result, clocks, changed, resolves=conflict_id)
            vault._save_clock(conn)
            conn.execute(
                "UPDATE conflicts SET status = 'resolved' WHERE conflict_id = ?", (conflict_id,)
            )
        return result

    def resolve_deletion(self, conflict_id: str, *, deleted: bool) -> Record:
        """Settle a conflict between a delete and an edit (or a restore): deleted or not.

        A record deleted goes with its live children; one restored comes back with the
        children deleted with it (Vault._set_deleted).
        """
        return self._settle_deletion(conflict_id, lambda conflict, record: (record.id, deleted))

    def resolve_parent_deleted(self, conflict_id: str, *, restore_parent: bool) -> Record:
        """Settle a parent_deleted conflict: a record added under a parent deleted meanwhile.

        Restore the parent (with the children deleted with it), or let the record go the
        way of its parent: deleted if the parent is deleted now, else left as it is. Returns
        the record written.
        """

        def choose(conflict: Conflict, record: Record) -> tuple[str, bool]:
            parent = None
            if record.parent_id is not None:
                parent = self.vault.get(record.parent_id, include_deleted=True)
            if restore_parent and parent is not None:
                return parent.id, False
            # Keep: the record goes the parent's way; under a live parent it stays as it is.
            return record.id, bool(parent is None or parent.deleted or record.deleted)

        return self._settle_deletion(conflict_id, choose)

    def _settle_deletion(
        self, conflict_id: str, choose: Callable[[Conflict, Record], tuple[str, bool]]
    ) -> Record:
        """Delete or restore the record `choose` names, as the resolution of a conflict."""
        vault = self.vault
        with vault._transaction() as conn:  # the lock, held from the first read
            conflict = self._open(conflict_id)
            record = vault.get(conflict.record_id, include_deleted=True)
            if record is None:
                raise ConflictNotFound(f"the record of conflict {conflict_id} is not here")
            target, deleted = choose(conflict, record)
            vault._set_deleted(conn, target, deleted, resolves=conflict_id)
            vault._save_clock(conn)
            conn.execute(
                "UPDATE conflicts SET status = 'resolved' WHERE conflict_id = ?", (conflict_id,)
            )
        result = vault.get(target, include_deleted=True)
        assert result is not None
        return result

    def resolve(self, conflict_id: str, value: Any) -> Record:
        """Settle a conflict of a field with a value (either side's, or a new one)."""

        def change(conflict: Conflict, record: Record) -> tuple[Record, dict[str, Any]]:
            result = record.with_fields(**{conflict.field: value})
            errors = [e for e in record_errors(result, self.vault) if e.field == conflict.field]
            if errors:
                raise RecordInvalid(errors)
            return result, {conflict.field: result.fields.get(conflict.field)}

        return self._settle(conflict_id, change)

    # -- clock repair ----------------------------------------------------------------------

    def restamp_unsent(self, server_millis: int) -> int:
        """Give the unsent changes stamped in the future stamps the server accepts.

        Only changes stamped beyond what the server accepts are replaced: the server refused
        them, so nobody has seen them. (One within the limit may be on the server already, if
        a push answer was lost; it keeps its stamp.) They are re-stamped in order, from the
        server's time but past every stamp this laptop has received or keeps, with bases that
        pointed at a replaced stamp pointing at its replacement, and the same stamps in the
        records' field clocks. Returns how many changes were restamped.
        """
        vault = self.vault
        site = vault.site
        key = vault._data_key
        # `server_millis` is read after the server refused the push: a change it took then
        # lies within the limit of this (later) time too, and keeps its stamp.
        limit = pack(server_millis + MAX_CLOCK_AHEAD_MS + 1, 0) - 1
        with vault._transaction() as conn:
            own = conn.execute(
                "SELECT seq, change_id, type, record_id, area, hlc, base_hlc, payload "
                "FROM outbox WHERE site = ? ORDER BY seq",
                (site,),
            ).fetchall()
            rows = [row for row in own if row[5] > limit]
            if not rows:
                return 0
            future = {row[5] for row in rows}
            floor = [pack(server_millis, 0), self._received(conn)]
            floor += [row[5] for row in own if row[5] not in future]
            floor += [row[6] for row in rows if row[6] not in future]
            vault._clock.last = max(floor)
            renamed: dict[int, int] = {}
            for _seq, _cid, _t, _rid, _area, hlc, _base, _payload in rows:
                if hlc not in renamed:
                    renamed[hlc] = vault._clock.tick()
            for seq, change_id, rtype, record_id, area, hlc, base, payload in rows:
                content = key.open_json(
                    payload, outbox_place(change_id, rtype, record_id, area, hlc, base, site)
                )
                new_hlc, new_base = renamed[hlc], renamed.get(base, base)
                sealed = key.seal_json(
                    content,
                    outbox_place(change_id, rtype, record_id, area, new_hlc, new_base, site),
                )
                conn.execute(
                    "UPDATE outbox SET hlc = ?, base_hlc = ?, payload = ? WHERE seq = ?",
                    (new_hlc, new_base, sealed, seq),
                )
            for record_id in sorted({row[3] for row in rows}):
                row = conn.execute(
                    f"SELECT {vault._COLUMNS} FROM records WHERE id = ?", (record_id,)
                ).fetchone()
                if row is None:
                    continue  # its area was removed from this laptop; the change waits
                record, clocks = vault._decode(row)
                for name, (stamp, by) in list(clocks.items()):
                    if by == site and stamp in renamed:
                        clocks[name] = [renamed[stamp], site]
                vault._write_row(conn, record, clocks)
            vault._save_clock(conn)
        return len(rows)

    # -- scope and revocation --------------------------------------------------------------

    def stored_areas(self) -> list[str]:
        with self.vault._lock:
            rows = self.vault._db.execute(
                "SELECT area FROM records WHERE area IS NOT NULL "
                "UNION SELECT area FROM conflicts WHERE area IS NOT NULL"
            ).fetchall()
        return sorted(str(row[0]) for row in rows)

    def outbox_areas(self) -> list[str]:
        with self.vault._lock:
            rows = self.vault._db.execute(
                "SELECT DISTINCT area FROM outbox WHERE area IS NOT NULL"
            ).fetchall()
        return sorted(str(row[0]) for row in rows)

    def remove_area(self, area: str) -> int:
        """Erase an area's records and conflicts from this device (access was withdrawn).

        Unsent changes of the area stay in the (encrypted) outbox: they are what a person
        wrote, and an administrator may grant the area again.
        """
        vault = self.vault
        with vault._transaction() as conn:  # the lock, held from the first read
            synced = self.synced_areas()
            removed = conn.execute("DELETE FROM records WHERE area = ?", (area,)).rowcount
            conn.execute("DELETE FROM conflicts WHERE area = ?", (area,))
            # Regaining the area later must fetch its whole history again: its backfill
            # restarts, and it is no longer counted as synced (in the same transaction, so
            # an interrupted sync cannot leave it counted with its records gone).
            conn.execute("DELETE FROM meta WHERE key = ?", (_cursor_key(f"backfill:{area}"),))
            if synced is not None and area in synced:
                self._put_setting(conn, "synced_areas", [a for a in synced if a != area])
            # Under the same lock: no reader sees the area's records after they are gone.
            vault._memory.forget()
        return int(removed)

    def wipe(self) -> None:
        """Destroy this vault: key slots overwritten first, then the files removed.

        Without its key slots the data key is gone, so even copies of the old sectors that
        the file system keeps cannot be decrypted.
        """
        vault = self.vault
        folder = vault.folder
        with vault._transaction() as conn:
            conn.execute("UPDATE key_slots SET wrapped = zeroblob(length(wrapped))")
            conn.execute("DELETE FROM key_slots")
            conn.execute("DELETE FROM settings")
        vault.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            (folder / (DB_FILE + suffix)).unlink(missing_ok=True)
        (folder / LOCK_FILE).unlink(missing_ok=True)


__all__ = [
    "ConflictNotFound",
    "ConflictView",
    "VaultReplica",
]
