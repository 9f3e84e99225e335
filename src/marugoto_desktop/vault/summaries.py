"""Sealed summaries: the few fields the annual figures count, of every live record of a type.

The figures count 200,000 activities a year by date, kind, area and household. Opening each
activity's body (1,792 bytes padded, with every field and clock) costs most of the time, and
even a small sealed summary per record would cost one authenticated decryption each, ~2 µs
of call overhead alone. So the summaries of a type are kept in *groups*: one sealed blob per
type, area and bucket of record ids (a hash of the id), holding an entry
`[id, area, parent_id, *values of SUMMARY_FIELDS]` per live record of the group, in
MessagePack. The figures open a few thousand groups instead of 200,000 bodies.

- Written with the records: every record row the vault writes (rows.Rows.put_many: a
  person's write, a merge of pulled changes, a restamp) updates its entry in the same
  transaction, and a deleted record leaves its group; erasing an area erases its groups.
- Padded so that a group's length tells how many live records its bucket holds (which the
  clear columns tell anyway) and nothing about their values: a group is padded to exactly
  `ENTRY_BYTES` per entry (at least PAD_FLOOR). An entry that does not fit its width (values
  no valid record has; a meeting with many attending agencies) holds only `[id]`, and the
  figures read that record's body instead.
- Bound to its place: the associated data names the table, the group and the layout (fields,
  width, buckets), so a group moved to another type, area or bucket, or one written for
  another layout, fails to open. A change of the layout needs a sealed migration that calls
  `rebuild` (migrations.py).
- Never disagreeing with the bodies: tests/vault/test_summaries.py drives writes, deletes,
  restores, parents set, merges and area removals and compares every entry with the bodies;
  `Vault.integrity_check` compares them on any vault.
"""

from __future__ import annotations

import sqlite3
import struct
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from ..domain.records import Record
from .crypto import PAD_FLOOR, DataKey, place
from .errors import VaultCorrupted
from .fields import FieldRow, collector_paused, read_field_rows

# The fields summarised per type, in entry order: what the annual figures read
# (reports/figures.py ROW_FIELDS; tests/reports/test_figures.py checks they agree).
SUMMARY_FIELDS: dict[str, tuple[str, ...]] = {
    "activity": ("date", "kind", "recorded_area"),
    "meeting": ("date", "meeting_type", "attendee_agency_ids"),
    "referral": ("date", "direction", "agency_id"),
}
# Each entry's room in bytes. A valid activity's or referral's entry always fits (at most
# ~130 and ~150 bytes: two ids, an area code, a date, codes, one more id for a referral); a
# meeting's fits with up to four attending agencies, and one with more is read whole.
ENTRY_BYTES: dict[str, int] = {"activity": 144, "meeting": 256, "referral": 160}
# Buckets per type and area: ~30 activities a group in a year of 200,000 over 7 areas, so a
# write re-seals a few kilobytes and the figures open ~7,000 groups; the fewer meetings and
# referrals in fewer groups.
BUCKETS: dict[str, int] = {"activity": 1024, "meeting": 64, "referral": 256}
SUMMARY_VERSION = 1

Entry = tuple[Any, ...]

_ENTRY = msgspec.msgpack.Encoder()
_GROUP = msgspec.msgpack.Decoder(list[tuple[Any, ...]])
# The largest MessagePack array header (array 32: a byte and four).
_HEADER_BYTES = 5
# Groups read per query when a write touches many (well under SQLite's variable limit).
_KEYS_PER_QUERY = 500


def _group_key(record_type: str, area: str | None, record_id: str) -> str:
    """The group of a record: its type, area and the bucket of its id."""
    bucket = zlib.crc32(record_id.encode()) % BUCKETS[record_type]
    return f"{record_type}/{area if area is not None else ''}/{bucket}"


def _aad(group: str, record_type: str) -> bytes:
    layout = ",".join(SUMMARY_FIELDS[record_type])
    width, buckets = ENTRY_BYTES[record_type], BUCKETS[record_type]
    return place("summaries", group, f"entries/v{SUMMARY_VERSION}/{layout}/{width}/{buckets}")


def entry_of(record: Record) -> Entry:
    """A live record's entry: (id, area, parent_id, *values), None where a field is empty."""
    names = SUMMARY_FIELDS[record.type]
    return (record.id, record.area, record.parent_id, *(record.fields.get(n) for n in names))


def _array_header(count: int) -> bytes:
    if count < 16:
        return bytes([0x90 | count])
    if count < 1 << 16:
        return b"\xdc" + struct.pack(">H", count)
    return b"\xdd" + struct.pack(">I", count)


def _encoded(record_type: str, entries: Sequence[Entry]) -> tuple[bytes, int]:
    """A group's plaintext and the exact size it is padded to (its entries' room)."""
    width = ENTRY_BYTES[record_type]
    parts = []
    for entry in entries:
        part = _ENTRY.encode(list(entry))
        if len(part) > width:
            part = _ENTRY.encode([entry[0]])  # does not fit: the body is read instead
        parts.append(part)
    size = max(PAD_FLOOR, _HEADER_BYTES + len(entries) * width + 1)
    return _array_header(len(entries)) + b"".join(parts), size


class Summaries:
    """The summary groups of one unlocked vault. The caller holds the vault's lock."""

    def __init__(self, conn: sqlite3.Connection, key: DataKey) -> None:
        self._conn = conn
        self._key = key

    def _open(self, group: str, record_type: str, blob: bytes) -> list[Entry]:
        plain = self._key.open(blob, _aad(group, record_type))
        try:
            return _GROUP.decode(plain)
        except msgspec.DecodeError:
            raise VaultCorrupted(f"the summaries of {group} are unreadable") from None

    def _groups(self, keys: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        found: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            marks = ", ".join("?" for _ in chunk)
            for group, record_type, blob in self._conn.execute(
                f"SELECT grp, type, entries FROM summaries WHERE grp IN ({marks})", chunk
            ):
                found[group] = (record_type, blob)
        return found

    def put(self, records: Sequence[Record]) -> None:
        """The entries of these records as just written: a live record's set, a deleted
        record's removed. Records of types without summaries are passed over."""
        touched: dict[str, list[Record]] = {}
        for record in records:
            if record.type in SUMMARY_FIELDS:
                group = _group_key(record.type, record.area, record.id)
                touched.setdefault(group, []).append(record)
        if not touched:
            return
        stored = self._groups(list(touched))
        writes, empty = [], []
        for group, written in touched.items():
            record_type, area = written[0].type, written[0].area
            held = stored.get(group)
            entries = {e[0]: e for e in self._open(group, held[0], held[1])} if held else {}
            for record in written:
                if record.deleted:
                    entries.pop(record.id, None)
                else:
                    entries[record.id] = entry_of(record)
            if not entries:
                empty.append((group,))
                continue
            plain, size = _encoded(record_type, [entries[i] for i in sorted(entries)])
            blob = self._key.seal_sized(plain, _aad(group, record_type), size)
            writes.append((group, record_type, area, SUMMARY_VERSION, blob))
        self._conn.executemany(
            "INSERT INTO summaries (grp, type, area, v, entries) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (grp) DO UPDATE SET v = excluded.v, entries = excluded.entries",
            writes,
        )
        self._conn.executemany("DELETE FROM summaries WHERE grp = ?", empty)

    def remove_area(self, area: str) -> None:
        self._conn.execute("DELETE FROM summaries WHERE area = ?", (area,))

    def rows(self, record_type: str) -> tuple[list[FieldRow], list[str]]:
        """The entries of every live record of a type, as (id, area, parent_id, *values),
        in no set order; and the ids whose entries did not fit (read their bodies)."""
        width = 3 + len(SUMMARY_FIELDS[record_type])
        rows: list[FieldRow] = []
        whole: list[str] = []
        groups = self._conn.execute(
            "SELECT grp, entries FROM summaries WHERE type = ?", (record_type,)
        ).fetchall()
        with collector_paused():
            for group, blob in groups:
                entries = self._open(group, record_type, blob)
                if set(map(len, entries)) == {width}:  # every entry held whole, as most are
                    rows.extend(entries)
                    continue
                for entry in entries:
                    if len(entry) == width:
                        rows.append(entry)
                    elif len(entry) == 1:
                        whole.append(entry[0])
                    else:
                        raise VaultCorrupted(f"the summaries of {group} are unreadable")
        return rows, whole

    def rebuild(self) -> None:
        """Every group made anew from the bodies (each decrypted and checked)."""
        self._conn.execute("DELETE FROM summaries")
        for record_type, names in SUMMARY_FIELDS.items():
            rows = read_field_rows(self._conn, self._key, record_type, names)
            self.put([Record(r[0], record_type, r[1], r[2], _fields(names, r)) for r in rows])

    def check(self) -> None:
        """VaultCorrupted unless every entry is in its group and is what the live record's
        body says, and every live record has one."""
        for record_type, names in SUMMARY_FIELDS.items():
            bodies = read_field_rows(self._conn, self._key, record_type, names)
            expected = {row[0]: tuple(row) for row in bodies}
            found: dict[str, Entry] = {}
            for group, blob in self._conn.execute(
                "SELECT grp, entries FROM summaries WHERE type = ?", (record_type,)
            ):
                for entry in self._open(group, record_type, blob):
                    record_id = entry[0]
                    if len(entry) == 1:  # did not fit: the figures read the body
                        if record_id not in expected:
                            raise VaultCorrupted(f"the summaries hold {record_id}, not live")
                        entry = expected[record_id]
                    if record_id in found or group != _group_key(record_type, entry[1], record_id):
                        raise VaultCorrupted(f"the summaries of {group} are out of place")
                    found[record_id] = tuple(entry)
            if found != expected:
                wrong = sorted(set(found) ^ set(expected)) or sorted(
                    i for i in found if found[i] != expected[i]
                )
                raise VaultCorrupted(
                    f"the summaries of {record_type} disagree with the records ({wrong[0]})"
                )


def _fields(names: Iterable[str], row: FieldRow) -> dict[str, Any]:
    return {n: v for n, v in zip(names, row[3:], strict=True) if v is not None}
