"""The campaigns' server runs on SQLite and PostgreSQL, as every sync test's does."""

from ..sync.conftest import (  # noqa: F401 (fixtures, found by pytest by name)
    _cheap_password_hashing,
    database_url,
    fresh_postgresql_url,
)
