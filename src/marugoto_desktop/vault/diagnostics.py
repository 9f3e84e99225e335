"""What a vault holds, counted, for a support request: no record's value is read.

Read in one read transaction of a connection that writes nothing (a consistent view, while the app
may hold the vault), from clear columns only, except the sealed settings, which are returned
for the caller to pick from (operations/diagnostics.py keeps an allow-list of what it shows).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import opening
from .backup import Unwrap
from .crypto import DataKey
from .errors import VaultCorrupted, VaultNotFound
from .opening import DB_FILE
from .sync_state import Settings


@dataclass(frozen=True)
class VaultFacts:
    vault_id: str
    site: str
    format_version: str
    migrations: list[str]
    records: dict[str, dict[str, int]]  # type -> {"live": n, "deleted": n}
    outbox: int
    conflicts: dict[str, int]  # status -> n
    key_slots: dict[str, dict[str, Any]]  # slot -> its KDF parameters (no salt, no key)
    cursors: dict[str, int]
    database_bytes: int
    wal_bytes: int
    settings: dict[str, Any] = field(repr=False)


def read_facts(folder: Path, unwrap: Unwrap) -> VaultFacts:
    db = folder / DB_FILE
    if not db.is_file():
        raise VaultNotFound(f"no vault in {folder}")
    wal = Path(f"{db}-wal")
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=rw", uri=True)
    try:
        conn.execute("BEGIN")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        slots = {
            row[0]: opening.load_slot(conn, row[0])
            for row in conn.execute("SELECT slot_id FROM key_slots ORDER BY slot_id")
        }
        key = DataKey(unwrap(str(meta.get("vault_id", "")), slots))
        records: dict[str, dict[str, int]] = {}
        for rtype, deleted, count in conn.execute(
            "SELECT type, deleted, count(*) FROM records GROUP BY type, deleted ORDER BY type"
        ):
            counts = records.setdefault(str(rtype), {"live": 0, "deleted": 0})
            counts["deleted" if deleted else "live"] += int(count)
        conflicts = {
            str(status): int(count)
            for status, count in conn.execute(
                "SELECT status, count(*) FROM conflicts GROUP BY status ORDER BY status"
            )
        }
        outbox = int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
        migrations = [str(r[0]) for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
        sealed = Settings(conn, key)
        names = [str(r[0]) for r in conn.execute("SELECT key FROM settings ORDER BY key")]
        settings = {name: sealed.get(name) for name in names}
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise VaultCorrupted(f"the vault database is damaged: {exc}") from None
    finally:
        conn.close()
    return VaultFacts(
        vault_id=str(meta.get("vault_id", "")),
        site=str(meta.get("site", "")),
        format_version=str(meta.get("format_version", "")),
        migrations=migrations,
        records=records,
        outbox=outbox,
        conflicts=conflicts,
        key_slots={
            name: {k: v for k, v in slot.params.items() if k in _SLOT_PARAMS}
            for name, slot in slots.items()
        },
        cursors={
            name.removeprefix("cursor:"): int(value)
            for name, value in sorted(meta.items())
            if name.startswith("cursor:") and str(value).isdigit()
        },
        database_bytes=db.stat().st_size,
        wal_bytes=wal.stat().st_size if wal.exists() else 0,
        settings=settings,
    )


# Public parameters of a slot worth a look (a weak KDF, say); salts and keys are left out.
_SLOT_PARAMS = {"kdf", "memory_kib", "iterations", "lanes", "kem"}
