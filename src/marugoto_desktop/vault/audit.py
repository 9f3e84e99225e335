"""The vault's audit trail: who did what to which records, and when, as a hash chain.

Every entry is sealed with the vault's data key (nobody without the key reads it) and bound, in
its associated data, to its sequence number and to the SHA-256 of the entry before it; the
chain's head (last sequence number and hash) is sealed too. So without the key an entry can
be neither read, forged, changed, reordered nor removed — from the middle (the next entry's
binding breaks) or from the end (the sealed head names an entry that is gone) — and `verify`
says where it broke. What this cannot see locally is the whole vault put back to an older copy
of itself, head and all: the server, which keeps each device's chain, sees that (docs).

An entry is a small JSON object: seq, at (UTC, ms), who (the consultant's name, when set),
device (this replica's site), action (a code: unlock, open, create, edit, delete, restore,
import, export, pdf, backup, restore_backup, sync…), records (ids) and detail (counts and
codes only, never a personal value).

Entries are written in the same transaction as what they record (a record write and its
entry are stored together, or neither).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .crypto import DataKey, place
from .errors import VaultCorrupted

_HEAD = place("audit_head", "1", "head")
# The settings that say who works on this laptop (operations/visits.py and sync.py write them;
# a test holds the names equal).
CONSULTANT_SETTING = "profile.consultant"
SERVER_SETTING = "sync.server"
# (An empty chain's "previous hash": the hash of nothing.)
_START = hashlib.sha256(b"").hexdigest()


class AuditBroken(VaultCorrupted):
    """The audit chain does not hold: an entry changed, missing, out of order, or cut off."""

    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        self.reason = reason
        super().__init__(f"the audit trail is broken at entry {seq}: {reason}")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    action: str
    who: str | None = None
    device: str | None = None
    records: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "action": self.action,
            "who": self.who,
            "device": self.device,
            "records": list(self.records),
            "detail": self.detail,
        }


def create_tables(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE audit (seq INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
    conn.execute(
        "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), blob BLOB NOT NULL)"
    )


def _aad(seq: int, previous: str) -> bytes:
    return place("audit", str(seq), f"entry/{previous}")


def _digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


class AuditTrail:
    """The audit table on one connection (the caller holds the vault's lock and, to append,
    is inside a transaction)."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def start(self) -> None:
        """An empty chain's head (a new vault, or the migration of an older one)."""
        self._set_head(0, _START)

    def head(self) -> tuple[int, str]:
        row = self._conn.execute("SELECT blob FROM audit_head WHERE id = 1").fetchone()
        if row is None:
            raise AuditBroken(0, "its head is missing")
        try:
            value = json.loads(self._key.open(row[0], _HEAD))
        except VaultCorrupted:
            raise AuditBroken(0, "its head does not open with this vault's key") from None
        return int(value["seq"]), str(value["hash"])

    def _set_head(self, seq: int, digest: str) -> None:
        blob = self._key.seal_json({"seq": seq, "hash": digest}, _HEAD)
        self._conn.execute(
            "INSERT INTO audit_head (id, blob) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET blob = excluded.blob",
            (blob,),
        )

    def append(
        self,
        action: str,
        records: Sequence[str] = (),
        detail: dict[str, Any] | None = None,
        *,
        who: str | None = None,
        device: str | None = None,
        at: datetime | None = None,
    ) -> AuditEntry:
        seq, previous = self.head()
        when = (at or datetime.now(UTC)).astimezone(UTC)
        entry = AuditEntry(
            seq + 1,
            when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            action,
            who,
            device,
            tuple(records),
            dict(detail or {}),
        )
        blob = self._key.seal_json(entry.as_json(), _aad(entry.seq, previous))
        self._conn.execute("INSERT INTO audit (seq, blob) VALUES (?, ?)", (entry.seq, blob))
        self._set_head(entry.seq, _digest(blob))
        return entry

    def entries(self) -> Iterator[AuditEntry]:
        """Every entry, oldest first, each checked against the chain (AuditBroken where it
        breaks); the chain's end is checked against the sealed head."""
        last, last_digest = self.head()
        previous, expected = _START, 1
        for seq, blob in self._conn.execute("SELECT seq, blob FROM audit ORDER BY seq"):
            if seq != expected:
                raise AuditBroken(expected, f"entry {expected} is missing")
            try:
                value = json.loads(self._key.open(blob, _aad(seq, previous)))
            except VaultCorrupted:
                raise AuditBroken(seq, "it was changed, or the entry before it was") from None
            if value.get("seq") != seq:
                raise AuditBroken(seq, "it is out of place")
            yield AuditEntry(
                seq,
                value["at"],
                value["action"],
                value.get("who"),
                value.get("device"),
                tuple(value.get("records", ())),
                dict(value.get("detail", {})),
            )
            previous, expected = _digest(blob), seq + 1
        if expected - 1 != last:
            raise AuditBroken(expected, f"entries after {expected - 1} were cut off")
        if previous != last_digest:
            raise AuditBroken(last, "the last entry is not the one its head names")

    def verify(self) -> int:
        """Check the whole chain; the number of entries."""
        return sum(1 for _ in self.entries())
