"""Sync test fixtures: databases (SQLite and PostgreSQL, never skipped), cheap hashing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from marugoto_sync.server import passwords


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production hashes take 64 MiB and ~0.5 s each; the tests need many, fast. Hashes the
    tests make with this cost are not replaced at login (passwords.needs_rehash)."""
    monkeypatch.setattr(
        passwords, "DEFAULT_COST", passwords.Argon2Cost(memory_kib=64, iterations=1, lanes=1)
    )


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        pytest.fail(f"PostgreSQL at {PG_ADMIN} is needed for the sync tests: {e}")


@pytest.fixture
def fresh_postgresql_url() -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases; all are dropped afterwards."""
    made: list[str] = []

    def make() -> str:
        name = f"marugoto_test_{uuid.uuid4().hex[:16]}"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{PG_SERVER}/{name}"

    yield make
    with _admin() as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, fresh_postgresql_url: Callable[[], str]
) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return fresh_postgresql_url()
