"""Connecting to the server's database: a SQLite file (default) or PostgreSQL.

URLs are accepted as a person types them: a file path or `sqlite:///…` for SQLite, and
`postgresql://user@host:port/db` for PostgreSQL, which is sent to the psycopg 3 driver.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InvalidatePoolError

# Set on a connection (`execution_options(sqlite_begin="IMMEDIATE")`) before a write
# transaction, so SQLite takes its write lock at BEGIN instead of failing on lock upgrade.
SQLITE_BEGIN = "sqlite_begin"
# How long a statement waits for another writer of the SQLite file before giving up.
SQLITE_BUSY_SECONDS = 30.0


# PostgreSQL connections of one server process: as many as the threads its routes run in
# (anyio's default, 40), so that no request waits for a connection. A push that waits for the
# lock of a record another push is merging keeps its connection meanwhile; with fewer
# connections than threads, pulls queued behind such pushes. Half stay open between bursts.
POOL_SIZE = 20
POOL_OVERFLOW = 20
# A PostgreSQL connection that waited in the pool longer than this is checked (SELECT 1)
# before a request uses it: the database may have restarted meanwhile, and the request would
# fail. Under load connections go back out within milliseconds, and checking every checkout
# (pool_pre_ping) cost a round trip and about 6% of the server's CPU per request.
PING_AFTER_IDLE_S = 5.0
_IDLE_SINCE = "marugoto_idle_since"  # (in a pooled connection's info: when it came back)


class DatabaseUrlInvalid(ValueError):
    """The database URL names no database this server can use."""


def normalized_url(text: str) -> URL:
    """The SQLAlchemy URL for what an operator typed: a path, sqlite:// or postgresql://."""
    text = text.strip()
    if not text:
        raise DatabaseUrlInvalid("the database URL is empty")
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        url = make_url(text)
    except ArgumentError as e:
        raise DatabaseUrlInvalid(f"cannot read the database URL ({e})") from None
    backend, _, driver = url.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise DatabaseUrlInvalid(
                f"the PostgreSQL driver {driver!r} is not installed; use postgresql://…"
            )
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if driver not in ("", "pysqlite"):
            raise DatabaseUrlInvalid(f"the SQLite driver {driver!r} is not supported")
        if not url.database or url.database == ":memory:":
            # Each connection of a pool would get its own empty in-memory database.
            raise DatabaseUrlInvalid("SQLite needs a file: sqlite:///path/to/server.db")
        return url.set(drivername="sqlite")
    raise DatabaseUrlInvalid(
        f"unsupported database {backend!r}: use a SQLite file path or a postgresql:// URL"
    )


def display_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def create_database_engine(text: str) -> Engine:
    url = normalized_url(text)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # hide_parameters: errors in the log must not carry record values or token digests.
    engine = create_engine(
        url, hide_parameters=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
    )
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle for PING_AFTER_IDLE_S;
    if the database closed it meanwhile, the pool drops it and every connection as old, and
    the checkout is tried again with a new one."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # new, or back in the pool a moment ago
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as e:
            if dialect.is_disconnect(e, dbapi_connection, None):
                # The database went away: every connection made before now is as dead.
                raise InvalidatePoolError(str(e)) from e
            raise


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL (it stays so), so that pulls never wait for a push.

    The switch needs the file to itself and SQLite does not wait for that, so servers
    opening a new file at the same moment retry here for a while.
    """
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def sqlite_files(text: str) -> list[Path]:
    """The files of a SQLite database (the file, its -wal and -shm); none for PostgreSQL."""
    url = normalized_url(text)
    if url.get_backend_name() != "sqlite" or url.database is None:
        return []
    path = Path(url.database)
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _create_owner_only(path: Path) -> None:
    """Create the database file (empty) readable by this account only, if it is missing.

    The file holds the records in clear. SQLite gives its -wal and -shm files the mode of
    the database file, so they are owner-only too; a folder the server creates is 0700.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_engine(url: URL) -> Engine:
    assert url.database is not None
    _create_owner_only(Path(url.database))
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _use_wal(cursor)
        # A push is acknowledged only once durable: the laptop then forgets its outbox rows.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        assert mode in ("DEFERRED", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


# -- backups of a SQLite database -----------------------------------------------------------


class BackupUnusable(ValueError):
    """A backup file that cannot be restored, or a database that cannot be backed up here."""


# Tables any server database has; a SQLite file without them is not one of its backups.
_SERVER_TABLES = {"log", "field_state", "records", "devices", "alembic_version"}


def _sqlite_path(text: str) -> Path:
    url = normalized_url(text)
    if url.get_backend_name() != "sqlite" or url.database is None:
        raise BackupUnusable(
            "backup and restore here are for a SQLite database; for PostgreSQL use pg_dump "
            "and pg_restore (docs/operations.md, section 6), then mark-restored"
        )
    return Path(url.database)


def backup_sqlite(text: str, out: Path, *, overwrite: bool = False) -> int:
    """A consistent copy of the server's SQLite database in `out` (owner-only), taken with
    SQLite's online backup while the server runs; returns its size in bytes.

    Written under a temporary name beside `out` and renamed into place: a failed backup
    leaves no file that looks complete."""
    path = _sqlite_path(text)
    if not path.is_file():
        raise BackupUnusable(f"there is no database at {path}")
    if out.exists() and not overwrite:
        raise BackupUnusable(f"{out} exists: name another file, or --force to replace it")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        # mode=rw: never create a database at a mistyped path.
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            target = sqlite3.connect(partial)
            try:
                source.backup(target)  # all pages in one step: one read transaction
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
        finally:
            source.close()
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out.stat().st_size


def check_sqlite_backup(backup: Path) -> None:
    """BackupUnusable unless `backup` is an intact SQLite database of this server."""
    if not backup.is_file():
        raise BackupUnusable(f"{backup} is not a file")
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupUnusable(f"{backup} is not a SQLite database backup ({exc})") from None
    if not _SERVER_TABLES.issubset(tables):
        raise BackupUnusable(f"{backup} is not a backup of a marugoto-sync database")
    if verdict != "ok":
        raise BackupUnusable(f"{backup} is damaged ({verdict})")


def restore_sqlite(backup: Path, text: str) -> None:
    """Replace the server's SQLite database with `backup` (checked first), in one
    transaction of SQLite's backup: a restore that fails leaves the database as it was."""
    path = _sqlite_path(text)
    check_sqlite_backup(backup)
    _create_owner_only(path)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
