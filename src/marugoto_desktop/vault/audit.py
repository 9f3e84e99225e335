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

A failed unlock has no key to seal an entry with. The vault keeps a drop box for it: an X25519
public key in clear, its private key sealed with the data key. A failed unlock encrypts its
note to the public key (an ephemeral key agreement, HKDF, AES-GCM) into `audit_inbox`; the next
unlock opens the notes and takes them into the chain, oldest first, before its own entry.
Without the key a note cannot be read; it can be deleted unseen, and notes can be made up
(the public key is in clear): the drop box keeps honest failures from being lost, it is no
proof against someone holding the files (docs/security-model.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from .crypto import DataKey, place
from .errors import VaultCorrupted

_HEAD = place("audit_head", "1", "head")
_DROP_SEALED = place("audit_inbox_key", "1", "private")
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
    conn.execute("CREATE TABLE audit_inbox (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)")
    conn.execute(
        "CREATE TABLE audit_inbox_key (id INTEGER PRIMARY KEY CHECK (id = 1), blob BLOB NOT NULL)"
    )


_DROP_PUBLIC = "audit_drop_public"  # meta, clear (the private key: audit_inbox_key, sealed)
_DROP_INFO = b"marugoto-vault/audit-drop/1"


def _drop_key(shared: bytes) -> AESGCM:
    return AESGCM(HKDF(hashes.SHA256(), 32, salt=None, info=_DROP_INFO).derive(shared))


def note_failed_unlock(conn: sqlite3.Connection, at: datetime | None = None) -> bool:
    """Drop a note of a failed unlock into the inbox, sealed to the vault's drop-box key
    (no data key needed). False when the vault has no drop box (not yet migrated)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_DROP_PUBLIC,)).fetchone()
    if row is None:
        return False
    public = X25519PublicKey.from_public_bytes(base64.b64decode(row[0]))
    ephemeral = X25519PrivateKey.generate()
    when = (at or datetime.now(UTC)).astimezone(UTC)
    note = json.dumps({"at": when.isoformat(timespec="milliseconds").replace("+00:00", "Z")})
    nonce = os.urandom(12)
    sealed = _drop_key(ephemeral.exchange(public)).encrypt(nonce, note.encode(), _DROP_INFO)
    blob = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) + nonce + sealed
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO audit_inbox (blob) VALUES (?)", (blob,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


def _aad(seq: int, previous: str) -> bytes:
    return place("audit", str(seq), f"entry/{previous}")


def _digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def _stamp(at: datetime | None) -> str:
    when = (at or datetime.now(UTC)).astimezone(UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AuditTrail:
    """The audit table on one connection (the caller holds the vault's lock and, to append,
    is inside a transaction)."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def start(self) -> None:
        """An empty chain's head (a new vault, or the migration of an older one), and the drop
        box for failed unlocks: its public key in clear, its private key sealed."""
        self._set_head(0, _START)
        private = X25519PrivateKey.generate()
        raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            (_DROP_PUBLIC, base64.b64encode(public).decode("ascii")),
        )
        self._conn.execute(
            "INSERT INTO audit_inbox_key (id, blob) VALUES (1, ?)",
            (self._key.seal(raw, _DROP_SEALED),),
        )

    def take_inbox(self, who: str | None, device: str | None) -> list[AuditEntry]:
        """Open the notes of failed unlocks and take them into the chain, oldest first (the
        caller's transaction); a note that does not open is taken as such, not dropped."""
        row = self._conn.execute("SELECT blob FROM audit_inbox_key WHERE id = 1").fetchone()
        notes = self._conn.execute("SELECT id, blob FROM audit_inbox ORDER BY id").fetchall()
        if row is None or not notes:
            return []
        private = X25519PrivateKey.from_private_bytes(self._key.open(row[0], _DROP_SEALED))
        taken = []
        for _, blob in notes:
            detail: dict[str, Any] = {}
            at = None
            try:
                peer = X25519PublicKey.from_public_bytes(blob[:32])
                plain = _drop_key(private.exchange(peer)).decrypt(
                    blob[32:44], blob[44:], _DROP_INFO
                )
                at = datetime.fromisoformat(json.loads(plain)["at"].replace("Z", "+00:00"))
            except (InvalidTag, ValueError, KeyError, TypeError):
                detail = {"note": "unreadable"}
            taken.append(self.append("unlock_failed", (), detail, who=who, device=device, at=at))
        self._conn.execute("DELETE FROM audit_inbox")
        return taken

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
        try:
            seq, previous = self.head()
        except AuditBroken as exc:
            # A head that is gone or does not open must not stop the person's work (every
            # write appends here). The chain goes on from its last entry, and says so in an
            # entry of its own, sealed: the break stays on record.
            seq, previous = self._tail()
            self._write(
                AuditEntry(
                    seq + 1, _stamp(None), "audit_repaired", who, device, (), {"reason": exc.reason}
                ),
                previous,
            )
            seq, previous = self.head()
        entry = AuditEntry(
            seq + 1, _stamp(at), action, who, device, tuple(records), dict(detail or {})
        )
        self._write(entry, previous)
        return entry

    def _tail(self) -> tuple[int, str]:
        row = self._conn.execute("SELECT seq, blob FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, _START) if row is None else (int(row[0]), _digest(row[1]))

    def _write(self, entry: AuditEntry, previous: str) -> None:
        blob = self._key.seal_json(entry.as_json(), _aad(entry.seq, previous))
        self._conn.execute("INSERT INTO audit (seq, blob) VALUES (?, ?)", (entry.seq, blob))
        self._set_head(entry.seq, _digest(blob))

    def entries(self, after: int = 0) -> Iterator[AuditEntry]:
        """Every entry (after entry `after`), oldest first, each checked against the chain
        (AuditBroken where it breaks); the chain's end is checked against the sealed head."""
        last, last_digest = self.head()
        previous, expected = _START, after + 1
        if after:
            # Entry `after` is vouched for by the next one, whose binding names its blob.
            row = self._conn.execute("SELECT blob FROM audit WHERE seq = ?", (after,)).fetchone()
            if row is None:
                raise AuditBroken(after, f"entry {after} is missing")
            previous = _digest(row[0])
        for seq, blob in self._conn.execute(
            "SELECT seq, blob FROM audit WHERE seq > ? ORDER BY seq", (after,)
        ):
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
