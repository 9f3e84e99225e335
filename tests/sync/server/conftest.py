"""Server fixtures: every test runs on SQLite and on PostgreSQL (127.0.0.1:5432).

Each PostgreSQL test gets a fresh database with a unique name, dropped afterwards. A machine
without PostgreSQL fails these tests; they are never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from marugoto_sync.server.app import create_app

from .support import Api, Clock, TestClient

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def postgresql_url(fresh_postgresql_url: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database, as a person would type its URL (../conftest.py)."""
    return fresh_postgresql_url()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return str(request.getfixturevalue("postgresql_url"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(database_url: str, clock: Clock) -> Iterator[Api]:
    app = create_app(database_url, now=clock)
    with TestClient(app) as client:
        yield Api(client, app.state.server.storage, clock, database_url)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask of most service accounts (022): files are world-readable unless made not."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
