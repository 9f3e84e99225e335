"""Named schema migrations of the vault database, each run once, in its own transaction.

Only ids, type, area, parent id, the deleted flag, outbox routing clocks, format versions and
the names of summary groups are stored in clear; everything else lives in the `body` /
`payload` / `entries` blobs (see crypto.py, summaries.py).

Most migrations change the schema and run before unlock. Those that rewrite ciphertext need the
data key: `migrate_sealed` runs them right after unlock (and marks them done on a new vault).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from .audit import AuditTrail
from .audit import create_tables as create_audit_tables
from .crypto import BLOB_VERSION, BODY_FLOOR, PAD_FLOOR, DataKey, outbox_place, place
from .summaries import Summaries

Migration = tuple[str, Callable[[sqlite3.Connection], None]]
SealedMigration = tuple[str, Callable[[sqlite3.Connection, DataKey], None]]


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


def _records_without_clock(conn: sqlite3.Connection) -> None:
    # A record's latest clock told when it was last edited; nothing queries it, and the field
    # clocks inside the body hold it anyway.
    conn.execute("ALTER TABLE records DROP COLUMN hlc")


# Rows re-sealed per query: the whole migration is one transaction, but never all in memory.
_RESEAL_BATCH = 1000


def _padded_blobs(conn: sqlite3.Connection, key: DataKey) -> None:
    """Re-seal every unpadded (format 1) blob as format 2, padded to its bucket.

    Until then a blob's length tells which fields a record holds; re-sealing in place (with
    secure_delete on) leaves no unpadded copy in the database file once checkpointed.
    """

    def reseal(blob: bytes, aad: bytes, floor: int = PAD_FLOOR) -> bytes:
        return key.seal(key.open(blob, aad, legacy=True), aad, floor)

    after = -1
    while True:
        rows = conn.execute(
            "SELECT rowid, id, body FROM records WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, _RESEAL_BATCH),
        ).fetchall()
        if not rows:
            break
        conn.executemany(
            "UPDATE records SET body = ? WHERE rowid = ?",
            [
                (reseal(body, place("records", rid, "body"), BODY_FLOOR), rowid)
                for rowid, rid, body in rows
                if body[0] != BLOB_VERSION
            ],
        )
        after = rows[-1][0]
    after = -1
    while True:
        outbox: list[tuple[Any, ...]] = conn.execute(
            "SELECT seq, change_id, type, record_id, area, hlc, base_hlc, site, payload "
            "FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, _RESEAL_BATCH),
        ).fetchall()
        if not outbox:
            break
        conn.executemany(
            "UPDATE outbox SET payload = ? WHERE seq = ?",
            [
                (reseal(row[8], outbox_place(*row[1:8])), row[0])
                for row in outbox
                if row[8][0] != BLOB_VERSION
            ],
        )
        after = outbox[-1][0]
    conn.executemany(
        "UPDATE conflicts SET payload = ? WHERE conflict_id = ?",
        [
            (reseal(payload, place("conflicts", cid, "payload")), cid)
            for cid, payload in conn.execute("SELECT conflict_id, payload FROM conflicts")
            if payload[0] != BLOB_VERSION
        ],
    )
    conn.executemany(
        "UPDATE settings SET value = ? WHERE key = ?",
        [
            (reseal(value, place("settings", name, "value")), name)
            for name, value in conn.execute("SELECT key, value FROM settings")
            if value[0] != BLOB_VERSION
        ],
    )
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'format_version'")


def _summaries(conn: sqlite3.Connection) -> None:
    # Sealed groups of the few fields the figures count (summaries.py). `grp` names the type,
    # area and bucket of ids; type and area are clear in the records already.
    conn.execute(
        """CREATE TABLE summaries (
            grp TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            area TEXT,
            v INTEGER NOT NULL,
            entries BLOB NOT NULL
        )"""
    )


def _summaries_filled(conn: sqlite3.Connection, key: DataKey) -> None:
    """The summaries of the records already in the vault, made from their bodies."""
    Summaries(conn, key).rebuild()


def _summaries_filled_again(conn: sqlite3.Connection, key: DataKey) -> None:
    """An activity's summary holds its recorded area too (the figures count it there)."""
    conn.execute("DELETE FROM summaries")
    Summaries(conn, key).rebuild()


def _audit_started(conn: sqlite3.Connection, key: DataKey) -> None:
    """An empty audit chain (audit.py): its sealed head, at entry 0."""
    AuditTrail(conn, key).start()


MIGRATIONS: tuple[Migration, ...] = (
    ("0001_initial", _initial),
    ("0002_sync_state", _sync_state),
    ("0003_records_without_clock", _records_without_clock),
    ("0005_summaries", _summaries),
    ("0007_audit", create_audit_tables),
)

SEALED_MIGRATIONS: tuple[SealedMigration, ...] = (
    ("0004_padded_blobs", _padded_blobs),
    ("0006_summaries_filled", _summaries_filled),
    ("0008_audit_started", _audit_started),
    ("0009_summaries_recorded_area", _summaries_filled_again),
)


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every schema migration not yet applied; returns the names applied now."""
    return _apply(conn, MIGRATIONS)


def migrate_sealed(conn: sqlite3.Connection, key: DataKey) -> list[str]:
    """Apply every migration that rewrites ciphertext (after unlock); returns those applied."""
    return _apply(conn, [(name, _with_key(step, key)) for name, step in SEALED_MIGRATIONS])


def _with_key(
    step: Callable[[sqlite3.Connection, DataKey], None], key: DataKey
) -> Callable[[sqlite3.Connection], None]:
    return lambda conn: step(conn, key)


def _apply(conn: sqlite3.Connection, steps: Sequence[Migration]) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, step in steps:
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


def pending(conn: sqlite3.Connection) -> list[str]:
    """The migrations (schema and sealed) this database still needs, read without writing:
    a vault opened where it cannot be written can only be read if there are none."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")} if has_table else set()
    every = [name for name, _ in MIGRATIONS] + [name for name, _ in SEALED_MIGRATIONS]
    return [name for name in every if name not in done]
