"""Alembic migrations of the server's database, configured in code (no alembic.ini).

`upgrade_to_head` runs at every start. Several server processes may start at once on one
PostgreSQL, so the upgrade holds an advisory lock; on SQLite it holds the write lock.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from ..database import SQLITE_BEGIN

HERE = Path(__file__).resolve().parent
# Distinct from the push lock (storage.PUSH_LOCK): an arbitrary constant for this application.
MIGRATION_LOCK = 0x6D61_7275_6D69_6772  # "marumigr"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            command.upgrade(alembic_config(connection), "head")
