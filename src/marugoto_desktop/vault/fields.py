"""Reading a few fields of many records at once: what the figures need, and nothing more.

The annual figures read two or three fields of every activity, meeting and referral (200,000
activities in a large year). Decoding each body into a whole record (free text, field clocks)
would cost most of the time, so the named fields are decoded out of the decrypted JSON with
msgspec, which skips the rest without building it. The cyclic garbage collector is paused for
the loop: the rows it makes are many small objects that live on, and the collector would
otherwise walk them all again and again as they accumulate.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import msgspec
from msgspec.structs import astuple

from .crypto import DataKey, place
from .errors import VaultCorrupted

# (id, area, parent_id, value of each named field…); None where a field is empty.
FieldRow = tuple[Any, ...]
# Rows fetched per query when records are read by id (well under SQLite's variable limit).
_IDS_PER_QUERY = 500


@lru_cache(maxsize=32)
def _decoder(names: tuple[str, ...]) -> msgspec.json.Decoder[Any]:
    """A decoder of a record body that keeps the envelope and the named fields only."""
    fields = msgspec.defstruct("Fields", [(name, Any, None) for name in names])
    body = msgspec.defstruct("Body", [("e", list[Any]), ("f", fields)])
    return msgspec.json.Decoder(body)


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _select(conn: sqlite3.Connection, record_type: str) -> str:
    """The query for one type's rows: through the type index when the type is a small part of
    the table, else by reading the table in order, which is several times faster than looking
    up most of its rows one by one from the index (activities are most of a vault)."""
    # Both counted from the type index, not the table (the highest rowid bounds the rows).
    (total,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM records").fetchone()
    (of_type,) = conn.execute(
        "SELECT count(*) FROM records WHERE type = ?", (record_type,)
    ).fetchone()
    source = "records NOT INDEXED" if of_type * 4 > total else "records"
    return f"SELECT id, area, parent_id, body FROM {source} WHERE type = ? AND deleted = 0"


def read_field_rows(
    conn: sqlite3.Connection,
    key: DataKey,
    record_type: str,
    names: Sequence[str],
    ids: Sequence[str] | None = None,
) -> list[FieldRow]:
    """(id, area, parent_id, *values) of every live record of a type (or of those of `ids`),
    in no set order.

    Every body is decrypted and authenticated, and its sealed envelope checked against the
    clear columns, as a whole-record read does.
    """
    if ids is None:
        return _decoded(key, record_type, names, conn.execute(_select(conn, record_type),
                                                              (record_type,)))  # fmt: skip
    rows: list[FieldRow] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = list(ids[start : start + _IDS_PER_QUERY])
        marks = ", ".join("?" for _ in chunk)
        cursor = conn.execute(
            "SELECT id, area, parent_id, body FROM records "
            f"WHERE type = ? AND deleted = 0 AND id IN ({marks})",
            [record_type, *chunk],
        )
        rows += _decoded(key, record_type, names, cursor)
    return rows


def _decoded(
    key: DataKey, record_type: str, names: Sequence[str], cursor: Iterable[tuple[Any, ...]]
) -> list[FieldRow]:
    decode = _decoder(tuple(names)).decode
    rows: list[FieldRow] = []
    with collector_paused():
        for record_id, area, parent_id, blob in cursor:
            plain = key.open(blob, place("records", record_id, "body"))
            try:
                body = decode(plain)
            except msgspec.DecodeError:
                raise VaultCorrupted(f"the body of record {record_id} is unreadable") from None
            if body.e != [record_type, area, parent_id, False]:
                raise VaultCorrupted(f"the clear columns of record {record_id} have been altered")
            rows.append((record_id, area, parent_id, *astuple(body.f)))
    return rows
