"""The records table: one row per record, a clear envelope and a sealed body.

The clear columns (id, type, area, parent, deleted) are what SQL filters on. The body seals
`{"f": fields, "c": field clocks, "e": a copy of the envelope}`, padded to BODY_FLOOR (its
length must not tell which fields a record holds), and every read checks the sealed envelope
against the clear columns, so editing a clear column reads as corruption. Every record
written passes through `Memory.remember`: the decrypted copies follow the table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from marugoto_sync.record_types import SHARED_TYPES

from ..domain.records import Record
from .crypto import BODY_FLOOR, DataKey, dumps, place
from .errors import VaultCorrupted
from .fields import FieldRow, read_field_rows
from .memory import Memory
from .summaries import SUMMARY_FIELDS, Summaries

RECORD_VERSION = 1

# The clock [stamp, site] of each field of a record, `_deleted` and `_parent_id` included.
Clocks = dict[str, list[Any]]


@dataclass(frozen=True, slots=True)
class Stored:
    """A record as stored, with its field clocks (what a write or a merge starts from)."""

    record: Record
    clocks: Clocks


class _Body(msgspec.Struct):
    e: list[Any]
    f: dict[str, Any]


class _BodyWithClocks(_Body):
    c: dict[str, list[Any]]


# A reader of a whole record skips the clocks (a third of a body) without building them.
_RECORD = msgspec.json.Decoder(_Body)
_STORED = msgspec.json.Decoder(_BodyWithClocks)

_COLUMNS = "id, type, area, parent_id, deleted, body"
# The shared directory's types as an SQL list: held whatever the areas (record_types.shared).
# Codes of our own, ASCII: safe to write into the statement.
SHARED_SQL = ", ".join(f"'{t}'" for t in sorted(SHARED_TYPES))
_UPSERT = (
    "INSERT INTO records (id, type, area, parent_id, deleted, v, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
    "parent_id = excluded.parent_id, deleted = excluded.deleted, "
    "v = excluded.v, body = excluded.body"
)
# Rows fetched per query when many records are read by id (well under SQLite's variable limit).
_IDS_PER_QUERY = 500


class Rows:
    """The records table of one unlocked vault. The caller holds the vault's lock."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey, memory: Memory) -> None:
        self._conn = conn
        self._key = key
        self._memory = memory
        self.summaries = Summaries(conn, key)

    # -- sealed rows -----------------------------------------------------------------------

    def _open(self, row: tuple[Any, ...], decoder: msgspec.json.Decoder[Any]) -> Any:
        record_id, rtype, area, parent_id, deleted, blob = row
        plain = self._key.open(blob, place("records", record_id, "body"))
        try:
            body = decoder.decode(plain)
        except msgspec.DecodeError:
            raise VaultCorrupted(f"the body of record {record_id} is unreadable") from None
        if body.e != [rtype, area, parent_id, bool(deleted)]:
            raise VaultCorrupted(f"the clear columns of record {record_id} have been altered")
        return body

    def _record(self, row: tuple[Any, ...]) -> Record:
        body = self._open(row, _RECORD)
        return Record(row[0], row[1], row[2], row[3], body.f, bool(row[4]))

    def _stored(self, row: tuple[Any, ...]) -> Stored:
        body = self._open(row, _STORED)
        return Stored(Record(row[0], row[1], row[2], row[3], body.f, bool(row[4])), body.c)

    def _sealed(self, record: Record, clocks: Clocks) -> tuple[Any, ...]:
        envelope = [record.type, record.area, record.parent_id, record.deleted]
        body = self._key.seal(
            dumps({"f": dict(record.fields), "c": clocks, "e": envelope}),
            place("records", record.id, "body"),
            BODY_FLOOR,
        )
        return (
            record.id,
            record.type,
            record.area,
            record.parent_id,
            int(record.deleted),
            RECORD_VERSION,
            body,
        )

    # -- whole records, each decrypted at most once after unlock ---------------------------

    def record(self, record_id: str) -> Record | None:
        """A record, deleted or not."""
        record = self._memory.records.get(record_id)
        if record is None:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None:
                return None
            record = self._memory.records[record_id] = self._record(row)
        return record

    def records(
        self,
        record_type: str | None = None,
        *,
        area: str | None = None,
        parent_id: str | None = None,
        include_deleted: bool = False,
    ) -> list[Record]:
        """Records by type, area and parent (indexed in SQL), in id order."""
        sql = f"SELECT {_COLUMNS} FROM records WHERE 1=1"
        args: list[Any] = []
        for column, value in (("type", record_type), ("area", area), ("parent_id", parent_id)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        if not include_deleted:
            sql += " AND deleted = 0"
        cache = self._memory.records
        found = []
        for row in self._conn.execute(sql + " ORDER BY id", args).fetchall():
            record = cache.get(row[0])
            if record is None:
                record = cache[row[0]] = self._record(row)
            found.append(record)
        return found

    def field_rows(self, record_type: str, names: Sequence[str]) -> list[FieldRow]:
        """(id, area, parent_id, *values of `names`) of every live record of a type, in no
        set order: from the sealed summaries when they hold those fields, else the bodies."""
        summarised = SUMMARY_FIELDS.get(record_type)
        if summarised is None or not set(names) <= set(summarised):
            return read_field_rows(self._conn, self._key, record_type, names)
        rows, whole = self.summaries.rows(record_type)
        if tuple(names) != summarised:
            at = [3 + summarised.index(name) for name in names]
            rows = [(*row[:3], *(row[i] for i in at)) for row in rows]
        if whole:
            rows += read_field_rows(self._conn, self._key, record_type, names, whole)
        return rows

    # -- records with their clocks, for writing and merging --------------------------------

    def stored(self, record_id: str) -> Stored | None:
        """A record (deleted or not) with its field clocks, or None if there is none."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return None if row is None else self._stored(row)

    def stored_many(self, record_ids: Iterable[str]) -> dict[str, Stored]:
        """Those of these records the vault has, with their clocks, by id, in few queries."""
        ids = list(record_ids)
        found: dict[str, Stored] = {}
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            marks = ", ".join("?" for _ in chunk)
            for row in self._conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = self._stored(row)
        return found

    def stored_children(self, parent_id: str) -> list[Stored]:
        """The records under a parent, deleted or not, with their clocks, in id order."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM records WHERE parent_id = ? ORDER BY id", (parent_id,)
        ).fetchall()
        return [self._stored(row) for row in rows]

    def every_stored(self) -> list[Stored]:
        """Every record with its clocks (each body decrypted and checked)."""
        return [self._stored(row) for row in self._conn.execute(f"SELECT {_COLUMNS} FROM records")]

    def put(self, record: Record, clocks: Clocks) -> None:
        """Seal and write a record (insert or replace) with its clocks."""
        self.put_many([Stored(record, clocks)])

    def put_many(self, stored: Sequence[Stored]) -> None:
        """Seal and write records in one statement; the decrypted copies follow them.

        A record's type and area never change: an existing row keeps its own.
        """
        remember = self._memory.remember
        rows = []
        for s in stored:
            rows.append(self._sealed(s.record, s.clocks))
            remember(s.record)
        self._conn.executemany(_UPSERT, rows)
        self.summaries.put([s.record for s in stored])

    def move(self, stored: Sequence[Stored], area: str) -> list[Record]:
        """Give records another area (a household's transfer, with what is under it): the
        clear column, the sealed envelope and the summaries follow. Returns them as moved."""
        moved = []
        for s in stored:
            old = s.record
            # Out of the summary group of the old area, into that of the new one.
            self.summaries.put([Record(old.id, old.type, old.area, old.parent_id, {}, True)])
            record = Record(old.id, old.type, area, old.parent_id, old.fields, old.deleted)
            row = self._sealed(record, s.clocks)
            self._conn.execute(
                "UPDATE records SET area = ?, v = ?, body = ? WHERE id = ?",
                (area, row[5], row[6], old.id),
            )
            self._memory.remember(record)
            moved.append(record)
        self.summaries.put(moved)
        return moved

    def remove(self, records: Sequence[Record]) -> None:
        """Erase these records (a household transferred to an area this device does not
        hold) and their summaries; the caller forgets the decrypted copies."""
        self.summaries.put([Record(r.id, r.type, r.area, r.parent_id, {}, True) for r in records])
        self._conn.executemany("DELETE FROM records WHERE id = ?", [(r.id,) for r in records])

    def remove_area(self, area: str) -> int:
        """Erase every record of an area but the shared directory's (the decrypted copies
        must be forgotten too), and the area's summaries (agencies have none)."""
        sql = f"DELETE FROM records WHERE area = ? AND type NOT IN ({SHARED_SQL})"
        removed = self._conn.execute(sql, (area,)).rowcount
        self.summaries.remove_area(area)
        return int(removed)

    # -- the clear columns only: nothing decrypted -----------------------------------------

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        """(type, area) of a live record."""
        row = self._conn.execute(
            "SELECT type, area FROM records WHERE id = ? AND deleted = 0", (record_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def holds(self, record_id: str) -> bool:
        """Whether the record is here, live or deleted."""
        row = self._conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone()
        return row is not None

    def parent_of(self, record_id: str) -> str | None:
        """The parent of a live record."""
        row = self._conn.execute(
            "SELECT parent_id FROM records WHERE id = ? AND deleted = 0", (record_id,)
        ).fetchone()
        return row[0] if row else None

    def live_children(self, parent_id: str) -> list[str]:
        """The ids of the live records under a parent."""
        rows = self._conn.execute(
            "SELECT id FROM records WHERE parent_id = ? AND deleted = 0", (parent_id,)
        )
        return [str(row[0]) for row in rows]

    def parents(self, record_type: str) -> dict[str, str]:
        """The parent of every live record of a type that has one."""
        rows = self._conn.execute(
            "SELECT id, parent_id FROM records WHERE type = ? AND deleted = 0 "
            "AND parent_id IS NOT NULL",
            (record_type,),
        ).fetchall()
        return {str(record_id): str(parent) for record_id, parent in rows}

    def child_counts(self, record_type: str) -> dict[str, int]:
        """How many live records of a type each parent has."""
        rows = self._conn.execute(
            "SELECT parent_id, count(*) FROM records WHERE type = ? AND deleted = 0 "
            "AND parent_id IS NOT NULL GROUP BY parent_id",
            (record_type,),
        ).fetchall()
        return {str(parent): int(n) for parent, n in rows}

    def count(self, record_type: str | None = None, *, include_deleted: bool = False) -> int:
        sql = "SELECT count(*) FROM records WHERE 1=1"
        args: list[Any] = []
        if record_type is not None:
            sql += " AND type = ?"
            args.append(record_type)
        if not include_deleted:
            sql += " AND deleted = 0"
        return int(self._conn.execute(sql, args).fetchone()[0])

    def areas(self) -> set[str]:
        """The areas that records are held of, the shared directory left out."""
        rows = self._conn.execute(
            f"SELECT DISTINCT area FROM records "
            f"WHERE area IS NOT NULL AND type NOT IN ({SHARED_SQL})"
        )
        return {str(row[0]) for row in rows}
