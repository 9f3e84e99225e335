"""What every part of the server's storage shares: the engine, transactions, errors.

Every method of the storage is one transaction. Writes on SQLite begin IMMEDIATE (the write
lock is taken at BEGIN, so two writers queue instead of failing).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, Self

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..database import SQLITE_BEGIN, create_database_engine
from ..migrations import upgrade_to_head
from ..tables import field_state, log, records, user_areas

# Well under every driver's limit on bound parameters per statement.
_IN_CHUNK = 500

# SQLite lets one writer in at a time, and a writer that finds the file locked polls with
# sleeps of up to 100 ms. Writers of one process queue on a lock per file instead, which
# keeps a busy office's pushes in milliseconds.
_sqlite_writers: dict[str, threading.Lock] = {}
_sqlite_writers_guard = threading.Lock()


def _sqlite_writer_lock(engine: Engine) -> threading.Lock | None:
    if engine.dialect.name != "sqlite":
        return None
    path = os.path.realpath(str(engine.url.database))
    with _sqlite_writers_guard:
        return _sqlite_writers.setdefault(path, threading.Lock())


class StorageError(Exception):
    """A request the data does not allow; the message is for a person."""


class UserExists(StorageError):
    pass


class UnknownUser(StorageError):
    pass


class UnknownDevice(StorageError):
    pass


class AreaForbidden(StorageError):
    """A push touches an area the user is not granted, or names a record or a conflict
    that is not theirs to write; nothing of it was stored."""


def utc(value: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; everything this server stores is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_required(value: datetime) -> datetime:
    result = utc(value)
    assert result is not None
    return result


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


# The merge state as a push reads it: a field's winner, and a record's type, area and parent.
STATE_READ = (
    field_state.c.record_id,
    field_state.c.field,
    field_state.c.value,
    field_state.c.hlc,
    field_state.c.site,
    field_state.c.change_id,
)
RECORD_READ = (
    records.c.record_id,
    records.c.type,
    records.c.area,
    records.c.hlc,
    records.c.parent_id,
)


class StoreBase:
    """The database and its transactions; the parts of Storage build on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgresql = engine.dialect.name == "postgresql"
        self._writer_lock = _sqlite_writer_lock(engine)

    @classmethod
    def open(cls, database_url: str, *, migrate: bool = True) -> Self:
        engine = create_database_engine(database_url)
        if migrate:
            try:
                upgrade_to_head(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer_lock or nullcontext(), self.engine.connect() as conn:
            conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                yield conn

    def _execute_alone(self, statement: Any, parameters: dict[str, Any]) -> None:
        """One statement that is a transaction of its own. On PostgreSQL it runs in
        autocommit mode, atomic as any statement is, without the round trips of BEGIN and
        COMMIT around it (each also a wait for the GIL when the server is busy)."""
        if not self._postgresql:
            with self._write() as conn:
                conn.execute(statement, parameters)
            return
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(statement, parameters)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only transaction that sees one snapshot (pulls need a consistent head)."""
        with self.engine.connect() as conn:
            if self._postgresql:
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    def _upsert(self, conn: Connection, table: Any, keys: list[str]) -> Any:
        dialect_insert = postgresql.insert if self._postgresql else sqlite.insert
        statement = dialect_insert(table)
        return statement.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keys},
        )

    def _areas_by_user(
        self, conn: Connection, user_id: int | None = None
    ) -> dict[int, tuple[str, ...]]:
        query = select(user_areas.c.user_id, user_areas.c.area)
        if user_id is not None:
            query = query.where(user_areas.c.user_id == user_id)
        grouped: dict[int, list[str]] = {}
        for uid, area in conn.execute(query):
            grouped.setdefault(uid, []).append(area)
        return {uid: tuple(sorted(a)) for uid, a in grouped.items()}

    def _areas_of(self, conn: Connection, user_id: int) -> tuple[str, ...]:
        return self._areas_by_user(conn, user_id).get(user_id, ())

    @staticmethod
    def _head(conn: Connection) -> int:
        return int(conn.execute(select(func.coalesce(func.max(log.c.seq), 0))).scalar_one())
