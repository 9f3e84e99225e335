"""Audit chains as the server keeps them: each device's trail, and the server's own trail of
administrators' actions (docs/sync-protocol.md, "Audit trail").

The vault seals its trail with its data key, which the server never has; so the chain the
server checks is built over each entry's content, not over the vault's ciphertext. A link is

    hash(n) = SHA-256(hash(n-1) + "\\n" + canonical JSON of entry n)

with hash(0) = SHA-256 of nothing, and the entry holds its own sequence number (`seq`). Every
link thus vouches for the whole history before it: an entry changed, removed, inserted or
reordered changes every hash after it. Canonical JSON: keys sorted, no spaces, UTF-8 as is.

Defined here, in the pure core, because the desktop client computes the links it sends, and
the server checks them on arrival and again in `marugoto-sync audit verify`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = hashlib.sha256(b"").hexdigest()
# Entries sent in one upload, at most (like changes in one push).
MAX_ENTRIES_PER_UPLOAD = 1000
# What one entry may hold, serialized: an import names every record it wrote (~100,000).
MAX_ENTRY_BYTES = 4 * 1024 * 1024
# What one upload may hold, its entries serialized (the server takes bodies up to 8 MiB).
MAX_UPLOAD_BYTES = 6 * 1024 * 1024
HASH_LENGTH = 64
# A record id as entries name them (UUIDs; a little wider, never control characters).
RECORD_ID_RE = re.compile(r"[0-9A-Za-z._:-]{1,64}")


class ChainBroken(Exception):
    """A chain does not hold at `seq`: `code` says how (entry_tampered: its hash is not its
    content's; chain_broken: it does not follow the entry before it), `reason` for a person."""

    def __init__(self, code: str, seq: int, reason: str) -> None:
        super().__init__(f"entry {seq}: {reason}")
        self.code = code
        self.seq = seq
        self.reason = reason


class LocalChainBroken(Exception):
    """The replica's own trail does not hold at `seq` (it cannot be read to be sent)."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"the audit trail is broken at entry {seq}: {reason}")
        self.seq = seq
        self.reason = reason


def canonical(entry: Mapping[str, Any]) -> str:
    """The one text of an entry that its link hashes."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(previous: str, body: str) -> str:
    """The hash of an entry whose canonical text is `body`, following `previous`."""
    return hashlib.sha256(f"{previous}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class AuditLink:
    """One entry with its place in the chain: `prev` the hash before it, `hash` its own."""

    seq: int
    prev: str
    hash: str
    entry: Mapping[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {"prev": self.prev, "hash": self.hash, "entry": dict(self.entry)}


def link(previous: str, entry: Mapping[str, Any]) -> AuditLink:
    """An entry (with its `seq`) linked after `previous`."""
    return AuditLink(int(entry["seq"]), previous, link_hash(previous, canonical(entry)), entry)


def chained(previous: str, entries: Sequence[Mapping[str, Any]]) -> list[AuditLink]:
    """Entries linked one after the other, the first after `previous`."""
    links = []
    for entry in entries:
        links.append(link(previous, entry))
        previous = links[-1].hash
    return links


def _text(value: Any, name: str, limit: int, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not 0 < len(value) <= limit or "\x00" in value:
        raise ValueError(f"{name} must be text of 1 to {limit} characters")


def upload_batch(links: Sequence[AuditLink]) -> list[AuditLink]:
    """The first of `links` that fit in one upload (at least one)."""
    size = 0
    for i, item in enumerate(links):
        size += len(canonical(item.entry).encode()) + 2 * HASH_LENGTH + 64
        if size > MAX_UPLOAD_BYTES and i:
            return list(links[:i])
    return list(links)


def link_from_wire(wire: Any) -> AuditLink:
    """An uploaded link, its form checked (ValueError says what is wrong); whether it holds
    is for `check_links`."""
    if not isinstance(wire, Mapping) or set(wire) != {"prev", "hash", "entry"}:
        raise ValueError("an audit link is {prev, hash, entry}")
    for name in ("prev", "hash"):
        value = wire[name]
        if (
            not isinstance(value, str)
            or len(value) != HASH_LENGTH
            or value.strip("0123456789abcdef")
        ):
            raise ValueError(f"{name} must be a SHA-256 in lowercase hex")
    entry = wire["entry"]
    if not isinstance(entry, Mapping):
        raise ValueError("entry must be an object")
    seq = entry.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError("entry.seq must be a whole number from 1")
    _text(entry.get("at"), "entry.at", 40)
    _text(entry.get("action"), "entry.action", 64)
    _text(entry.get("who"), "entry.who", 200, optional=True)
    _text(entry.get("device"), "entry.device", 64, optional=True)
    records = entry.get("records", [])
    if not isinstance(records, list) or not all(
        isinstance(r, str) and RECORD_ID_RE.fullmatch(r) for r in records
    ):
        raise ValueError("entry.records must be a list of record ids")
    if not isinstance(entry.get("detail", {}), Mapping):
        raise ValueError("entry.detail must be an object")
    if len(canonical(entry).encode()) > MAX_ENTRY_BYTES:
        raise ValueError(f"an entry may hold at most {MAX_ENTRY_BYTES:,} bytes")
    return AuditLink(seq, wire["prev"], wire["hash"], entry)


def check_links(links: Sequence[AuditLink], bodies: Sequence[str] | None = None) -> None:
    """Each link's hash is its entry's, and each follows the one before it (ChainBroken where
    not). `bodies`: the entries' canonical texts, where the caller has them already."""
    for i, item in enumerate(links):
        body = canonical(item.entry) if bodies is None else bodies[i]
        if i and (item.seq != links[i - 1].seq + 1 or item.prev != links[i - 1].hash):
            raise ChainBroken(
                "chain_broken", item.seq, "it does not follow the entry sent before it"
            )
        if link_hash(item.prev, body) != item.hash:
            raise ChainBroken("entry_tampered", item.seq, "its hash is not the hash of its content")
