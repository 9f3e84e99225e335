"""Database URLs as people type them, and the migrations applied at every start."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from marugoto_sync.server import database
from marugoto_sync.server.app import create_app
from marugoto_sync.server.database import (
    DatabaseUrlInvalid,
    create_database_engine,
    normalized_url,
    sqlite_files,
)
from marugoto_sync.server.migrations import alembic_config, current_revision, head_revision
from marugoto_sync.server.passwords import hash_password
from marugoto_sync.server.storage import Storage
from marugoto_sync.server.tables import metadata

from .support import HEADERS, PASSWORD, TestClient


def _typed_forms(database_url: str, backend: str) -> list[str]:
    """The ways an operator may write the URL of the test's database."""
    if backend == "sqlite":
        path = make_url(database_url).database
        assert path is not None
        return [database_url, path, Path(path).name]  # the last: relative to the working dir
    return [database_url, database_url.replace("postgresql://", "postgres://", 1)]


def test_the_url_works_as_a_person_types_it(
    database_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_url(database_url).database
    if backend == "sqlite" and path is not None:
        monkeypatch.chdir(Path(path).parent)
    for typed in _typed_forms(database_url, backend):
        engine = create_database_engine(typed)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
            assert engine.dialect.name == backend
            if backend == "postgresql":
                assert engine.dialect.driver == "psycopg"
        finally:
            engine.dispose()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "empty"),
        ("sqlite://", "needs a file"),
        ("sqlite:///:memory:", "needs a file"),
        ("mysql://root@localhost/db", "unsupported database"),
        ("postgresql+psycopg2://u@h/db", "not installed"),
    ],
)
def test_urls_the_server_cannot_use_are_refused_clearly(typed: str, problem: str) -> None:
    with pytest.raises(DatabaseUrlInvalid, match=problem):
        normalized_url(typed)


def test_migrations_build_exactly_the_tables_the_code_uses(database_url: str) -> None:
    storage = Storage.open(database_url)
    try:
        with storage.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
        assert differences == []
        names = set(inspect(storage.engine).get_table_names())
        assert set(metadata.tables) <= names
    finally:
        storage.close()


def test_a_restart_migrates_nothing_and_keeps_the_data(database_url: str) -> None:
    first = Storage.open(database_url)
    first.add_user("aiko", "consultant", ["mure"], hash_password(PASSWORD), datetime.now(UTC))
    first.close()
    # Every start runs the migrations; on a migrated database they change nothing.
    apps = [create_app(database_url), create_app(database_url)]
    for app in apps:
        with TestClient(app) as client:
            response = client.post(
                "/v1/enroll",
                json={"user": "aiko", "password": PASSWORD, "device_name": "pc"},
                headers=HEADERS,
            )
            assert response.status_code == 200


def test_servers_starting_together_on_a_new_database_migrate_it_once(database_url: str) -> None:
    barrier = threading.Barrier(3)
    opened: list[Storage] = []
    failures: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            opened.append(Storage.open(database_url))
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        with opened[0].engine.connect() as conn:
            assert current_revision(conn) == head_revision()
    finally:
        for storage in opened:
            storage.close()


def test_the_parents_of_records_stored_before_0002_are_filled_in(database_url: str) -> None:
    engine = create_database_engine(database_url)
    household, member = (
        "11111111-2222-4333-8444-555555555555",
        "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
    )
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
            for record_id, rtype in ((household, "household"), (member, "member")):
                conn.execute(
                    text("INSERT INTO records VALUES (:r, :t, 'mure', 5)"),
                    {"r": record_id, "t": rtype},
                )
            conn.execute(
                text("INSERT INTO field_state VALUES (:r, '_parent_id', :v, 5, 'a1a1a1a1', :c)"),
                {"r": member, "v": f'"{household}"', "c": household},
            )
    finally:
        engine.dispose()
    storage = Storage.open(database_url)
    try:
        with storage.engine.connect() as conn:
            parents = dict(conn.execute(text("SELECT record_id, parent_id FROM records")).all())
        assert parents == {household: None, member: household}
    finally:
        storage.close()


@pytest.mark.usefixtures("usual_umask")
def test_a_new_sqlite_database_is_readable_by_the_servers_account_only(tmp_path: Path) -> None:
    folder = tmp_path / "marugoto-sync"
    database = str(folder / "server.db")
    storage = Storage.open(database)
    try:
        # A write: the -wal and -shm files exist until the last connection closes.
        storage.add_user("aiko", "consultant", ["mure"], hash_password(PASSWORD), datetime.now(UTC))
        files = sqlite_files(database)
        assert all(f.exists() for f in files)
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in [folder, *files]}
    finally:
        storage.close()
    assert modes == {
        "marugoto-sync": 0o700,
        "server.db": 0o600,
        "server.db-wal": 0o600,
        "server.db-shm": 0o600,
    }


def _pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every ping the engine sends (do_ping, whoever calls it: pool_pre_ping too)."""
    sent: list[object] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_back_in_the_pool_a_moment_ago_is_used_without_a_ping(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under load every request takes a connection that came back milliseconds ago: a round
    # trip to check it each time cost the server about 6% of its CPU.
    engine = create_database_engine(postgresql_url)
    try:
        sent = _pings(engine, monkeypatch)
        first = _backend_pid(engine)
        assert [_backend_pid(engine) for _ in range(5)] == [first] * 5
        assert sent == []
    finally:
        engine.dispose()


def test_a_connection_the_database_closed_while_it_was_idle_is_replaced_unseen(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The database restarted (here: its server process for the connection was ended) while
    # the pool kept the connection: the next request gets a new one instead of an error.
    engine = create_database_engine(postgresql_url)
    try:
        sent = _pings(engine, monkeypatch)
        dead = _backend_pid(engine)
        with psycopg.connect(postgresql_url, autocommit=True) as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (dead,)).fetchone() == (True,)
        monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)  # as if idle for long
        alive = _backend_pid(engine)
        assert alive != dead
        assert len(sent) == 1  # the dead one; the new connection was not pinged
    finally:
        engine.dispose()
