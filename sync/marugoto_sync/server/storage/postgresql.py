"""PostgreSQL specifics of the server's storage: its locks, and statements that take many rows
or ids as one JSON parameter (one round trip, one plan).

A push on PostgreSQL merges under locks on the records it touches (RECORD_LOCKS), so pushes
of different records run side by side; only its last step, writing its log rows and
committing, is under the one lock every push shares (PUSH_LOCK), so log sequence numbers
are handed out in commit order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    Table,
    Text,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSON

from ..tables import field_state, log, records
from .base import RECORD_READ, STATE_READ

# The transaction-scoped advisory lock every push on PostgreSQL takes last, to write its log
# rows and commit: a constant of this application ("marupush"), shared by every server
# process on the database.
PUSH_LOCK = 0x6D61_7275_7075_7368
# Taken before any record's lock: shared by a push of a few records, exclusive by a push of
# many ("maruall_"), which then locks no record one by one (see record_lock_keys).
ALL_RECORDS_LOCK = 0x6D61_7275_616C_6C5F
# Above this many records a push locks them all at once. PostgreSQL keeps every lock in one
# table of max_locks_per_transaction (64 by default) × max_connections entries, which a
# few pushes of 1,000 records each would fill.
MAX_RECORD_LOCKS = 64
# The lock under which logins are counted, on PostgreSQL ("marulogi"; see count_login_attempt).
LOGIN_LOCK = 0x6D61_7275_6C6F_6769


def record_lock_keys(record_ids: Iterable[str]) -> list[int]:
    """The advisory lock keys of these records, in the order a push takes them (ascending:
    two pushes that share records wait for each other instead of deadlocking)."""
    return sorted(
        {
            int.from_bytes(hashlib.blake2b(rid.encode(), digest_size=8).digest(), signed=True)
            for rid in record_ids
        }
    )


def _lock_each(keys: Any) -> Any:
    # One call per element of the JSON array, in its order: a function scan keeps it. First,
    # in the same statement, the shared lock on all records: a MATERIALIZED CTE on the outer
    # side of a left join is read before any element (and also with no element at all).
    each = (
        func.json_array_elements_text(cast(bindparam("keys", type_=Text), JSON))
        .table_valued(column("key", String))
        .render_derived(name="each")
    )
    held = (
        select(func.pg_advisory_xact_lock_shared(ALL_RECORDS_LOCK).label("held"))
        .cte("held")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(func.count(keys(cast(each.c.key, BigInteger))))
        .select_from(held)
        .outerjoin(each, true())
    )


# The shared lock on all records, then the locks on the records of a push (parameter
# `keys`: a JSON array of record_lock_keys), held to the end of its transaction: one
# statement, one round trip.
RECORD_LOCKS = _lock_each(func.pg_advisory_xact_lock)
# The statement that takes the exclusive lock, built once (a statement built per push costs
# more of its time than PostgreSQL spends on it).
LOCK_ALL_RECORDS = select(func.pg_advisory_xact_lock(ALL_RECORDS_LOCK))


def bulk_insert(
    table: Table,
    columns: Sequence[str],
    constants: Sequence[str] = (),
    keys: Sequence[str] = (),
    lock: int | None = None,
) -> Any:
    """PostgreSQL: insert many rows in one statement, handed over as one JSON array.

    `INSERT … SELECT … FROM json_populate_recordset(NULL::table, :rows) WITH ORDINALITY`,
    ordered by ordinality: one round trip, one parameter and one statement text for any
    number of rows, where an executemany sends a statement per row and array parameters
    are escaped element by element in Python. Each row is a JSON object keyed by column
    name; PostgreSQL converts the values to the columns' types. Rows go in in list order
    (a serial column numbers them in that order). `constants` are columns with one value
    for every row (parameters `c_<name>`); with `keys`, a row whose keys exist updates the
    other columns instead (upsert). With `lock`, the statement first takes that advisory lock
    to the end of the transaction (a MATERIALIZED CTE joined to the rows: no row is made,
    and no default such as a serial's nextval evaluated, before the lock is held).
    """
    rows = func.json_populate_recordset(
        literal_column(f"NULL::{table.name}"), cast(bindparam("rows", type_=Text), JSON)
    ).table_valued(
        *(column(name, table.c[name].type) for name in columns), with_ordinality="ordinality"
    )
    source = select(
        *(rows.c[name] for name in columns),
        *(bindparam(f"c_{name}", type_=table.c[name].type) for name in constants),
    ).order_by(rows.c.ordinality)
    if lock is not None:
        locked = (
            select(func.pg_advisory_xact_lock(lock).label("locked"))
            .cte("locked")
            .prefix_with("MATERIALIZED")
        )
        source = source.select_from(rows).join(locked, true())
    statement = postgresql.insert(table).from_select([*columns, *constants], source)
    if keys:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in columns if name not in keys},
        )
    return statement


_ROWS_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def rows_json(rows: Sequence[dict[str, Any]]) -> str:
    return _ROWS_ENCODER.encode(rows)


def lookup(key: Any, columns: Sequence[Any], *, unique: bool) -> Any:
    """PostgreSQL: the rows whose `key` is one of the ids in parameter `ids` (a JSON array).

    An index lookup per id, whatever the planner knows or guesses of the table: each id's
    rows come from a LATERAL subquery that LIMIT (a unique key) or OFFSET 0 keeps from being
    merged into a join. `key = ANY(:array)` is planned as a scan of the whole table while
    the table is small compared to the number of ids, and a prepared statement's generic
    plan then compares every row with every id (the log only grows, and a push brings a
    thousand ids).
    """
    wanted = (
        func.json_array_elements_text(cast(bindparam("ids", type_=Text), JSON))
        .table_valued(column("id", String))
        .render_derived(name="wanted")
    )
    rows = select(*columns).where(key == wanted.c.id)
    rows = rows.limit(1) if unique else rows.offset(0)
    hit = rows.lateral("hit")
    return select(*hit.c).select_from(wanted).join(hit, true())


# The lookups a push makes by id, and the bulk writes it ends with.
LOOKUPS = {
    "log": lookup(log.c.change_id, [log.c.change_id], unique=True),
    "records": lookup(records.c.record_id, RECORD_READ, unique=True),
    "field_state": lookup(field_state.c.record_id, STATE_READ, unique=False),
}
_ORIGIN = ("user_id", "device_id", "received_at")
# The log's rows take PUSH_LOCK in the statement that writes them (where a statement of its
# own before it kept the lock held for one more round trip, and a wait for the GIL, per push).
LOG_INSERT = bulk_insert(
    log,
    [c.name for c in log.c if c.name != "seq" and c.name not in _ORIGIN],
    _ORIGIN,
    lock=PUSH_LOCK,
)
UPSERTS = {
    field_state.name: bulk_insert(
        field_state, [c.name for c in field_state.c], keys=("record_id", "field")
    ),
    records.name: bulk_insert(records, [c.name for c in records.c], keys=("record_id",)),
}
