"""Audit trails on the server: each device's chain as it uploads it, and the server's own
chain of what administrators did (marugoto_sync.audit_chain; docs/sync-protocol.md).

An upload is taken whole or refused whole. It is refused, and the device flagged, when its
chain does not hold (an entry whose hash is not its content's: `audit_entry_tampered`; an
entry that does not follow the one before it: `audit_chain_broken`) or when it goes back on
what this device sent before (`audit_chain_rewound`: an entry the server holds, sent again
different; a chain that now ends before entries the server holds; a new entry that does not
follow the server's last one). One that starts past the server's head is refused without a
flag (`audit_chain_gap`): the device sends again from where the server is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from ...audit_chain import GENESIS, AuditLink, ChainBroken, canonical, check_links, link_hash
from ..tables import (
    admin_audit,
    audit_devices,
    audit_entries,
    audit_entry_records,
    devices,
    records,
    users,
)
from .base import StorageError, StoreBase, chunks, utc

# Distinct from the push and login locks: appending to the administrators' chain, one at a time.
ADMIN_AUDIT_LOCK = 0x6D61_7275_6164_6D6E  # "maruadmn"

_REFUSALS = {
    "entry_tampered": "audit_entry_tampered",
    "chain_broken": "audit_chain_broken",
}


class AuditRefused(StorageError):
    """An upload refused: `code` (audit_entry_tampered, audit_chain_broken,
    audit_chain_rewound, audit_chain_gap), the entry where (`seq`), and the server's head for
    this device (`head`: seq, hash). Every code but audit_chain_gap flags the device."""

    def __init__(self, code: str, seq: int, reason: str, head: tuple[int, str]) -> None:
        super().__init__(f"The audit trail was refused at entry {seq}: {reason}.")
        self.code = code
        self.seq = seq
        self.reason = reason
        self.head = head


@dataclass(frozen=True)
class AuditEntryInfo:
    """A device's entry as listed: whose device, and what the entry says."""

    device_id: str
    device_name: str
    user: str
    seq: int
    at: str
    action: str
    who: str | None
    site: str | None
    records: tuple[str, ...]
    detail: dict[str, Any]


@dataclass(frozen=True)
class AdminEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChainCheck:
    """How a stored chain verified: `entries` held, and where it broke (`broken_at`, with
    `reason`), if it did."""

    entries: int
    head_hash: str
    broken_at: int | None = None
    reason: str | None = None

    @property
    def holds(self) -> bool:
        return self.broken_at is None


@dataclass(frozen=True)
class DeviceAudit:
    """A device's audit chain on the server: how it verified, and its latest refusal."""

    device_id: str
    check: ChainCheck
    refused_at: datetime | None = None
    refused_code: str | None = None
    refused_seq: int | None = None
    refused_reason: str | None = None

    @property
    def status(self) -> str:
        """none (nothing uploaded), verified, broken (the stored chain does not hold) or
        refused (an upload that broke or rewound the chain was refused)."""
        if not self.check.holds:
            return "broken"
        if self.refused_code is not None:
            return "refused"
        return "verified" if self.check.entries else "none"


@dataclass(frozen=True)
class AuditFilter:
    """What `audit list` shows: all of it, or entries of a user (login name), a device (id),
    naming a record or those under it (`household`), at or after `since` and before `until`
    (ISO 8601 UTC text, as entries have it)."""

    user: str | None = None
    device_id: str | None = None
    household: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None


@dataclass
class _Head:
    seq: int
    hash: str
    held: dict[int, str] = field(default_factory=dict)


def _entry_row(device_id: str, item: AuditLink, body: str, at: datetime) -> dict[str, Any]:
    entry = item.entry
    return {
        "device_id": device_id,
        "seq": item.seq,
        "prev": item.prev,
        "hash": item.hash,
        "body": body,
        "at": entry["at"],
        "action": entry["action"],
        "who": entry.get("who"),
        "received_at": at,
    }


def _check_rows(
    rows: Iterator[Sequence[Any]], named: str, record_ids: dict[int, set[str]] | None = None
) -> ChainCheck:
    """Verify a stored chain: rows of (seq, prev, hash, body, at, action, and the column
    `named`: who or actor), in order; `record_ids` the records indexed for each entry
    (devices' chains)."""
    previous, expected = GENESIS, 1
    for row in rows:
        seq, prev, digest, body = int(row[0]), row[1], row[2], row[3]
        if seq != expected:
            return ChainCheck(expected - 1, previous, expected, f"entry {expected} is missing")
        if prev != previous:
            return ChainCheck(seq - 1, previous, seq, "it does not follow the entry before it")
        if link_hash(prev, body) != digest:
            return ChainCheck(seq - 1, previous, seq, "its content does not match its hash")
        try:
            entry = json.loads(body)
        except ValueError:
            return ChainCheck(seq - 1, previous, seq, "its content is not JSON")
        said = (entry.get("seq"), entry.get("at"), entry.get("action"))
        if said != (seq, row[4], row[5]) or entry.get(named) != row[6]:
            return ChainCheck(seq - 1, previous, seq, "its columns disagree with its content")
        if record_ids is not None and set(entry.get("records", ())) != record_ids.get(seq, set()):
            return ChainCheck(seq - 1, previous, seq, "the records indexed for it were changed")
        previous, expected = digest, seq + 1
    return ChainCheck(expected - 1, previous)


class AuditTrails(StoreBase):
    """Devices' audit chains and the administrators' chain."""

    # -- devices' chains: uploads ----------------------------------------------------------

    def audit_head(self, device_id: str) -> tuple[int, str]:
        """The last entry of this device's chain the server holds (0 and GENESIS: none)."""
        with self._read() as conn:
            row = conn.execute(
                select(audit_devices.c.seq, audit_devices.c.hash).where(
                    audit_devices.c.device_id == device_id
                )
            ).first()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def upload_audit(
        self, device_id: str, links: Sequence[AuditLink], at: datetime
    ) -> tuple[int, str]:
        """Store the links this device's chain lacks, in one transaction; returns the new
        head. AuditRefused if the chain does not hold or goes back on what is stored (the
        device is flagged, in a transaction of its own, but for audit_chain_gap)."""
        bodies = [canonical(item.entry) for item in links]
        try:
            with self._write() as conn:
                head = self._locked_head(conn, device_id, links)
                new = self._new_links(head, links, bodies)
                if new:
                    conn.execute(
                        insert(audit_entries),
                        [_entry_row(device_id, links[i], bodies[i], at) for i in new],
                    )
                    indexed = [
                        {"device_id": device_id, "seq": links[i].seq, "record_id": r}
                        for i in new
                        for r in dict.fromkeys(links[i].entry.get("records", ()))
                    ]
                    if indexed:
                        conn.execute(insert(audit_entry_records), indexed)
                    last = links[new[-1]]
                    conn.execute(
                        update(audit_devices)
                        .where(audit_devices.c.device_id == device_id)
                        .values(seq=last.seq, hash=last.hash)
                    )
                    return last.seq, last.hash
                return head.seq, head.hash
        except AuditRefused as refused:
            if refused.code != "audit_chain_gap":
                self._flag(device_id, refused, at)
            raise

    def _locked_head(self, conn: Connection, device_id: str, links: Sequence[AuditLink]) -> _Head:
        """The device's head, its row locked for this transaction (made if missing), and the
        hashes held for the entries `links` send again."""
        dialect_insert = postgresql.insert if self._postgresql else sqlite.insert
        conn.execute(
            dialect_insert(audit_devices)
            .values(device_id=device_id, seq=0, hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["device_id"])
        )
        query = select(audit_devices.c.seq, audit_devices.c.hash).where(
            audit_devices.c.device_id == device_id
        )
        if self._postgresql:
            query = query.with_for_update()
        seq, digest = conn.execute(query).one()
        head = _Head(int(seq), str(digest))
        if links and links[0].seq <= head.seq:
            held = conn.execute(
                select(audit_entries.c.seq, audit_entries.c.hash).where(
                    audit_entries.c.device_id == device_id,
                    audit_entries.c.seq >= links[0].seq,
                    audit_entries.c.seq <= min(links[-1].seq, head.seq),
                )
            )
            head.held = {int(s): str(h) for s, h in held}
        return head

    @staticmethod
    def _new_links(head: _Head, links: Sequence[AuditLink], bodies: Sequence[str]) -> list[int]:
        """The indexes of the links the server lacks (AuditRefused if they may not be taken)."""
        at_head = (head.seq, head.hash)
        if not links:
            return []
        try:
            check_links(links, bodies)
        except ChainBroken as e:
            raise AuditRefused(_REFUSALS[e.code], e.seq, e.reason, at_head) from None
        for item in links:
            if item.seq <= head.seq and head.held.get(item.seq) != item.hash:
                raise AuditRefused(
                    "audit_chain_rewound",
                    item.seq,
                    "it differs from the entry this device sent before",
                    at_head,
                )
        last = links[-1].seq
        if last < head.seq:
            raise AuditRefused(
                "audit_chain_rewound",
                last,
                f"the trail ends there, but this device sent entries up to {head.seq} before",
                at_head,
            )
        if links[0].seq > head.seq + 1:
            raise AuditRefused(
                "audit_chain_gap",
                links[0].seq,
                f"the server holds this device's entries up to {head.seq}; send from "
                f"{head.seq + 1}",
                at_head,
            )
        new = [i for i, item in enumerate(links) if item.seq > head.seq]
        if new and new[0] == 0 and links[0].prev != head.hash:
            raise AuditRefused(
                "audit_chain_rewound",
                links[0].seq,
                f"it does not follow entry {head.seq} as this device sent it before",
                at_head,
            )
        return new

    def _flag(self, device_id: str, refused: AuditRefused, at: datetime) -> None:
        flag = {
            "refused_at": at,
            "refused_code": refused.code,
            "refused_seq": refused.seq,
            "refused_reason": refused.reason,
        }
        dialect_insert = postgresql.insert if self._postgresql else sqlite.insert
        with self._write() as conn:
            conn.execute(
                dialect_insert(audit_devices)
                .values(device_id=device_id, seq=0, hash=GENESIS, **flag)
                .on_conflict_do_update(index_elements=["device_id"], set_=flag)
            )

    # -- devices' chains: reading ----------------------------------------------------------

    def audit_listing(self, where: AuditFilter | None = None) -> list[AuditEntryInfo]:
        """Devices' entries, oldest first (by their time, then device and number)."""
        where = where or AuditFilter()
        query = (
            select(
                audit_entries.c.device_id,
                devices.c.name,
                users.c.name,
                audit_entries.c.seq,
                audit_entries.c.body,
            )
            .join(devices, devices.c.id == audit_entries.c.device_id)
            .join(users, users.c.id == devices.c.user_id)
            .order_by(audit_entries.c.at, audit_entries.c.device_id, audit_entries.c.seq)
        )
        if where.user is not None:
            query = query.where(users.c.name == where.user)
        if where.device_id is not None:
            query = query.where(audit_entries.c.device_id == where.device_id)
        if where.since is not None:
            query = query.where(audit_entries.c.at >= where.since)
        if where.until is not None:
            query = query.where(audit_entries.c.at < where.until)
        if where.household is not None:
            under = select(records.c.record_id).where(records.c.parent_id == where.household)
            query = query.where(
                exists().where(
                    and_(
                        audit_entry_records.c.device_id == audit_entries.c.device_id,
                        audit_entry_records.c.seq == audit_entries.c.seq,
                        or_(
                            audit_entry_records.c.record_id == where.household,
                            audit_entry_records.c.record_id.in_(under),
                        ),
                    )
                )
            )
        if where.limit is not None:
            query = query.limit(where.limit)
        found = []
        with self._read() as conn:
            for device_id, device_name, user, seq, body in conn.execute(query):
                entry = json.loads(body)
                found.append(
                    AuditEntryInfo(
                        device_id,
                        device_name,
                        user,
                        int(seq),
                        str(entry["at"]),
                        str(entry["action"]),
                        entry.get("who"),
                        entry.get("device"),
                        tuple(entry.get("records", ())),
                        dict(entry.get("detail", {})),
                    )
                )
        return found

    def device_audits(self, device_ids: Sequence[str] | None = None) -> dict[str, DeviceAudit]:
        """Each device's chain verified from what is stored (every enrolled device, or
        those named)."""
        with self._read() as conn:
            if device_ids is None:
                device_ids = [str(d) for d in conn.execute(select(devices.c.id)).scalars()]
            flags = {
                str(row[0]): row[1:]
                for part in chunks(list(device_ids))
                for row in conn.execute(
                    select(
                        audit_devices.c.device_id,
                        audit_devices.c.seq,
                        audit_devices.c.hash,
                        audit_devices.c.refused_at,
                        audit_devices.c.refused_code,
                        audit_devices.c.refused_seq,
                        audit_devices.c.refused_reason,
                    ).where(audit_devices.c.device_id.in_(part))
                )
            }
            found = {}
            for device_id in device_ids:
                check = self._check_device(conn, device_id)
                flag = flags.get(device_id)
                if flag is None:
                    found[device_id] = DeviceAudit(device_id, check)
                    continue
                head_seq, head_hash, refused_at, code, refused_seq, reason = flag
                if check.holds and (int(head_seq), str(head_hash)) != (
                    check.entries,
                    check.head_hash,
                ):
                    check = ChainCheck(
                        check.entries,
                        check.head_hash,
                        check.entries + 1,
                        f"its head names entry {head_seq}, but the entries stored end at "
                        f"{check.entries}",
                    )
                found[device_id] = DeviceAudit(
                    device_id,
                    check,
                    utc(refused_at),
                    code,
                    None if refused_seq is None else int(refused_seq),
                    reason,
                )
        return found

    def _check_device(self, conn: Connection, device_id: str) -> ChainCheck:
        indexed: dict[int, set[str]] = {}
        for seq, record_id in conn.execute(
            select(audit_entry_records.c.seq, audit_entry_records.c.record_id).where(
                audit_entry_records.c.device_id == device_id
            )
        ):
            indexed.setdefault(int(seq), set()).add(str(record_id))
        rows = conn.execute(
            select(
                audit_entries.c.seq,
                audit_entries.c.prev,
                audit_entries.c.hash,
                audit_entries.c.body,
                audit_entries.c.at,
                audit_entries.c.action,
                audit_entries.c.who,
            )
            .where(audit_entries.c.device_id == device_id)
            .order_by(audit_entries.c.seq)
        )
        return _check_rows(iter(rows), "who", indexed)

    # -- the administrators' chain ---------------------------------------------------------

    def append_admin_action(
        self,
        actor: str,
        action: str,
        subject: str | None,
        detail: dict[str, Any],
        at: datetime,
    ) -> AdminEntry:
        """Add what an administrator did to the server's chain."""
        stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self._write() as conn:
            if self._postgresql:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_AUDIT_LOCK})
            last = conn.execute(
                select(admin_audit.c.seq, admin_audit.c.hash)
                .order_by(admin_audit.c.seq.desc())
                .limit(1)
            ).first()
            seq, previous = (0, GENESIS) if last is None else (int(last[0]), str(last[1]))
            entry = AdminEntry(seq + 1, stamp, actor, action, subject, dict(detail))
            body = canonical(entry.__dict__)
            conn.execute(
                insert(admin_audit),
                {
                    "seq": entry.seq,
                    "prev": previous,
                    "hash": link_hash(previous, body),
                    "body": body,
                    "at": stamp,
                    "actor": actor,
                    "action": action,
                },
            )
        return entry

    def admin_actions(self) -> list[AdminEntry]:
        """The administrators' chain, oldest first, as stored (verify_admin_chain checks it)."""
        with self._read() as conn:
            bodies = conn.execute(select(admin_audit.c.body).order_by(admin_audit.c.seq))
            return [AdminEntry(**json.loads(body)) for (body,) in bodies]

    def admin_link_seq(self, digest: str) -> int | None:
        """The entry of the administrators' chain whose link is `digest`, or None."""
        with self._read() as conn:
            seq = conn.execute(
                select(admin_audit.c.seq).where(admin_audit.c.hash == digest)
            ).scalar()
        return None if seq is None else int(seq)

    def verify_admin_chain(self) -> ChainCheck:
        with self._read() as conn:
            rows = conn.execute(
                select(
                    admin_audit.c.seq,
                    admin_audit.c.prev,
                    admin_audit.c.hash,
                    admin_audit.c.body,
                    admin_audit.c.at,
                    admin_audit.c.action,
                    admin_audit.c.actor,
                ).order_by(admin_audit.c.seq)
            )
            return _check_rows(iter(rows), "actor")
