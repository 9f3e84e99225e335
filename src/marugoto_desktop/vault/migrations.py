"""Named schema migrations of the vault database, each run once, in its own transaction.

Only ids, type, area, parent id, clocks, the deleted flag and format versions are stored in
clear; everything else lives in the `body` / `payload` blobs (see crypto.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


def _initial(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE key_slots (
            slot_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            params TEXT NOT NULL,
            wrapped BLOB NOT NULL
        )"""
    )
    # `hlc` is the stamp of the record's latest change; field clocks live inside the body,
    # because which fields a record has (a disability certificate, say) is itself sensitive.
    conn.execute(
        """CREATE TABLE records (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            area TEXT,
            parent_id TEXT,
            deleted INTEGER NOT NULL DEFAULT 0,
            hlc INTEGER NOT NULL,
            v INTEGER NOT NULL,
            body BLOB NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX records_type_area ON records (type, area)")
    conn.execute("CREATE INDEX records_parent ON records (parent_id)")
    # One row per changed field, waiting to be pushed. The field name and value are in the
    # encrypted payload; the clear columns are what the sync protocol routes by.
    conn.execute(
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            record_id TEXT NOT NULL,
            area TEXT,
            hlc INTEGER NOT NULL,
            base_hlc INTEGER NOT NULL,
            site TEXT NOT NULL,
            payload BLOB NOT NULL
        )"""
    )


def _sync_state(conn: sqlite3.Connection) -> None:
    # Conflicts arrive from the server's log; their values are personal data, so the whole
    # conflict lives in the encrypted payload. Status is clear so the UI can count open ones.
    conn.execute(
        """CREATE TABLE conflicts (
            conflict_id TEXT PRIMARY KEY,
            record_id TEXT NOT NULL,
            type TEXT NOT NULL,
            area TEXT,
            status TEXT NOT NULL,
            payload BLOB NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX conflicts_status ON conflicts (status)")
    # Sync settings (server address, device token, areas): encrypted, one blob per key.
    conn.execute(
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX outbox_area ON outbox (area)")


MIGRATIONS: tuple[Migration, ...] = (
    ("0001_initial", _initial),
    ("0002_sync_state", _sync_state),
)


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet applied; returns the names applied now."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
