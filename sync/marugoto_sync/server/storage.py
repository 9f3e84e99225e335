"""All SQL of the sync server: users and devices, the change log, and the merge state.

Every method is one transaction. Writes on SQLite begin IMMEDIATE (the write lock is taken at
BEGIN, so two writers queue instead of failing); pushes on PostgreSQL begin with a
transaction-scoped advisory lock, so log sequence numbers are handed out in commit order.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Table,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.exc import IntegrityError

from ..changes import DELETED, ID_RE, PARENT, Change
from ..merge import (
    Child,
    FieldState,
    as_judged,
    deletion_conflict,
    merge_field,
    orphan_conflicts,
    parent_conflict,
)
from ..record_types import RECORD_TYPES
from . import throttle
from .database import SQLITE_BEGIN, create_database_engine
from .log_entries import (
    PULLED_COLUMNS,
    change_row,
    conflict_row,
    log_json,
    pulled_items,
    to_json,
)
from .migrations import upgrade_to_head
from .tables import (
    devices,
    field_state,
    log,
    login_throttle,
    records,
    server_restores,
    user_areas,
    users,
)
from .throttle import Backoff

# The transaction-scoped advisory lock every push takes first on PostgreSQL: a constant of
# this application ("marupush"), shared by every server process on the database.
PUSH_LOCK = 0x6D61_7275_7075_7368
# The lock under which logins are counted, on PostgreSQL ("marulogi"; see count_login_attempt).
LOGIN_LOCK = 0x6D61_7275_6C6F_6769
# Well under every driver's limit on bound parameters per statement.
_IN_CHUNK = 500

# SQLite lets one writer in at a time, and a writer that finds the file locked polls with
# sleeps of up to 100 ms. Writers of one process queue on a lock per file instead, which
# keeps a busy office's pushes in milliseconds.
_sqlite_writers: dict[str, threading.Lock] = {}
_sqlite_writers_guard = threading.Lock()


def _sqlite_writer_lock(engine: Engine) -> threading.Lock | None:
    if engine.dialect.name != "sqlite":
        return None
    path = os.path.realpath(str(engine.url.database))
    with _sqlite_writers_guard:
        return _sqlite_writers.setdefault(path, threading.Lock())


class StorageError(Exception):
    """A request the data does not allow; the message is for a person."""


class UserExists(StorageError):
    pass


class UnknownUser(StorageError):
    pass


class UnknownDevice(StorageError):
    pass


class AreaForbidden(StorageError):
    """A push touches an area the user is not granted, or names a record or a conflict
    that is not theirs to write; nothing of it was stored."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    areas: tuple[str, ...]
    created_at: datetime
    active_devices: int
    disabled_at: datetime | None = None


@dataclass(frozen=True)
class LoginCandidate:
    user_id: int
    name: str
    role: str
    password_hash: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    user: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is behind a device token, as of this request."""

    device_id: str
    device_name: str
    user_id: int
    user: str
    role: str
    areas: tuple[str, ...]
    revoked: bool
    last_seen_at: datetime | None


@dataclass(frozen=True)
class RestoreInfo:
    """A restore from a backup, as recorded: when, and where the restored log ends."""

    recorded_at: datetime
    head: int


@dataclass(frozen=True)
class PushResult:
    acknowledged: list[str]
    conflicts: int  # conflicts this push created (a retried push creates none)


@dataclass(frozen=True)
class Page:
    rows: Sequence[Sequence[Any]]  # log rows by seq, columns as PULLED_COLUMNS (values as JSON)
    next: int
    has_more: bool

    def log_json(self) -> str:
        """The `log` of the pull answer (marugoto_sync.log_page), as JSON text."""
        return log_json(self.rows)

    @property
    def items(self) -> list[dict[str, Any]]:
        """The entries as flat objects."""
        return pulled_items(self.rows)


@dataclass
class _Record:
    type: str
    area: str | None
    hlc: int
    parent: str | None = None
    dirty: bool = False


@dataclass
class _Batch:
    """The merge state of the records one push touches, and what it will write."""

    records: dict[str, _Record] = field(default_factory=dict)
    states: dict[tuple[str, str], FieldState] = field(default_factory=dict)
    dirty_states: set[tuple[str, str]] = field(default_factory=set)
    log_rows: list[dict[str, Any]] = field(default_factory=list)
    conflicts: int = 0
    replayed_conflicts: set[str] = field(default_factory=set)


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; everything this server stores is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_required(value: datetime) -> datetime:
    result = _utc(value)
    assert result is not None
    return result


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


def _bulk_insert(
    table: Table, columns: Sequence[str], constants: Sequence[str] = (), keys: Sequence[str] = ()
) -> Any:
    """PostgreSQL: insert many rows in one statement, handed over as one JSON array.

    `INSERT … SELECT … FROM json_populate_recordset(NULL::table, :rows) WITH ORDINALITY`,
    ordered by ordinality: one round trip, one parameter and one statement text for any
    number of rows, where an executemany sends a statement per row and array parameters
    are escaped element by element in Python. Each row is a JSON object keyed by column
    name; PostgreSQL converts the values to the columns' types. Rows go in in list order
    (a serial column numbers them in that order). `constants` are columns with one value
    for every row (parameters `c_<name>`); with `keys`, a row whose keys exist updates the
    other columns instead (upsert).
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
    statement = postgresql.insert(table).from_select([*columns, *constants], source)
    if keys:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in columns if name not in keys},
        )
    return statement


_ROWS_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _rows_json(rows: Sequence[dict[str, Any]]) -> str:
    return _ROWS_ENCODER.encode(rows)


def _lookup(key: Any, columns: Sequence[Any], *, unique: bool) -> Any:
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


_STATE_READ = (
    field_state.c.record_id,
    field_state.c.field,
    field_state.c.value,
    field_state.c.hlc,
    field_state.c.site,
    field_state.c.change_id,
)
_RECORD_READ = (
    records.c.record_id,
    records.c.type,
    records.c.area,
    records.c.hlc,
    records.c.parent_id,
)
_PG_LOOKUPS = {
    "log": _lookup(log.c.change_id, [log.c.change_id], unique=True),
    "records": _lookup(records.c.record_id, _RECORD_READ, unique=True),
    "field_state": _lookup(field_state.c.record_id, _STATE_READ, unique=False),
}
_ORIGIN = ("user_id", "device_id", "received_at")
_PG_LOG_INSERT = _bulk_insert(
    log, [c.name for c in log.c if c.name != "seq" and c.name not in _ORIGIN], _ORIGIN
)
_PG_UPSERTS = {
    field_state.name: _bulk_insert(
        field_state, [c.name for c in field_state.c], keys=("record_id", "field")
    ),
    records.name: _bulk_insert(records, [c.name for c in records.c], keys=("record_id",)),
}


def _unknown_name_key(name: str) -> str:
    """The login_throttle key of a user name: never an address (those have no space)."""
    return "name " + hashlib.sha256(name.encode()).hexdigest()[:48]


def _wait(backoff: Backoff, failures: int, at: datetime) -> datetime | None:
    """Until when logins wait after `failures` failures in a row at `at` (None: no wait)."""
    delay = backoff.delay_after(failures)
    return at + timedelta(seconds=delay) if delay else None


def _of_area(area: str | None) -> str:
    return "of the whole city" if area is None else f"of area {area}"


def _parent_named(change: Change) -> str | None:
    """The parent a `_parent_id` change puts its record under (an id), or None."""
    if change.field != PARENT or not isinstance(change.value, str):
        return None
    return change.value if ID_RE.fullmatch(change.value) else None


class Storage:
    """The server's database. Open with `Storage.open(url)`; close when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgresql = engine.dialect.name == "postgresql"
        self._writer_lock = _sqlite_writer_lock(engine)

    @classmethod
    def open(cls, database_url: str, *, migrate: bool = True) -> Storage:
        engine = create_database_engine(database_url)
        if migrate:
            try:
                upgrade_to_head(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer_lock or nullcontext(), self.engine.connect() as conn:
            conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only transaction that sees one snapshot (pulls need a consistent head)."""
        with self.engine.connect() as conn:
            if self._postgresql:
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    def _upsert(self, conn: Connection, table: Any, keys: list[str]) -> Any:
        dialect_insert = postgresql.insert if self._postgresql else sqlite.insert
        statement = dialect_insert(table)
        return statement.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keys},
        )

    # -- users -------------------------------------------------------------------------------

    def add_user(
        self, name: str, role: str, areas: Sequence[str], password_hash: str, at: datetime
    ) -> UserInfo:
        with self._write() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise UserExists(f"A user named {name!r} already exists.")
            try:
                user_id = conn.execute(
                    insert(users).returning(users.c.id),
                    {"name": name, "role": role, "password_hash": password_hash, "created_at": at},
                ).scalar_one()
            except IntegrityError:
                raise UserExists(f"A user named {name!r} already exists.") from None
            if areas:
                conn.execute(insert(user_areas), [{"user_id": user_id, "area": a} for a in areas])
        return UserInfo(user_id, name, role, tuple(areas), at, 0)

    def users(self) -> list[UserInfo]:
        active = (
            select(func.count())
            .where(devices.c.user_id == users.c.id, devices.c.revoked_at.is_(None))
            .scalar_subquery()
        )
        with self._read() as conn:
            rows = conn.execute(
                select(
                    users.c.id,
                    users.c.name,
                    users.c.role,
                    users.c.created_at,
                    active,
                    users.c.disabled_at,
                ).order_by(users.c.name)
            ).all()
            areas = self._areas_by_user(conn)
        return [
            UserInfo(r[0], r[1], r[2], areas.get(r[0], ()), _utc_required(r[3]), r[4], _utc(r[5]))
            for r in rows
        ]

    def set_user_disabled(self, name: str, at: datetime | None) -> int:
        """Disable a user at `at` (None: enable again); returns how many devices this revoked.

        A disabled user's password opens nothing (the answer is that of a wrong password) and
        every device of theirs is revoked, so each erases its vault at its next contact.
        Enabling again lets the user enrol new devices; revoked ones stay revoked.
        """
        with self._write() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if user_id is None:
                raise UnknownUser(f"There is no user named {name!r}.")
            conn.execute(update(users).where(users.c.id == user_id).values(disabled_at=at))
            if at is None:
                return 0
            revoked = conn.execute(
                update(devices)
                .where(devices.c.user_id == user_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            return int(revoked.rowcount or 0)

    def _areas_by_user(
        self, conn: Connection, user_id: int | None = None
    ) -> dict[int, tuple[str, ...]]:
        query = select(user_areas.c.user_id, user_areas.c.area)
        if user_id is not None:
            query = query.where(user_areas.c.user_id == user_id)
        grouped: dict[int, list[str]] = {}
        for uid, area in conn.execute(query):
            grouped.setdefault(uid, []).append(area)
        return {uid: tuple(sorted(a)) for uid, a in grouped.items()}

    def _areas_of(self, conn: Connection, user_id: int) -> tuple[str, ...]:
        return self._areas_by_user(conn, user_id).get(user_id, ())

    def set_user_areas(
        self, name: str, areas: Sequence[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Grant exactly `areas`; returns (gained, lost)."""
        with self._write() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if user_id is None:
                raise UnknownUser(f"There is no user named {name!r}.")
            before = set(self._areas_of(conn, user_id))
            after = set(areas)
            if before - after:
                conn.execute(
                    delete(user_areas).where(
                        user_areas.c.user_id == user_id, user_areas.c.area.in_(before - after)
                    )
                )
            if after - before:
                conn.execute(
                    insert(user_areas),
                    [{"user_id": user_id, "area": a} for a in sorted(after - before)],
                )
        return tuple(sorted(after - before)), tuple(sorted(before - after))

    # -- logging in --------------------------------------------------------------------------

    def login_candidate(self, name: str) -> LoginCandidate | None:
        with self._read() as conn:
            row = conn.execute(
                select(users.c.id, users.c.name, users.c.role, users.c.password_hash).where(
                    users.c.name == name, users.c.disabled_at.is_(None)
                )
            ).first()
            if row is None:
                return None
            return LoginCandidate(row[0], row[1], row[2], row[3], self._areas_of(conn, row[0]))

    @contextmanager
    def _login_bookkeeping(self) -> Iterator[Connection]:
        """A write transaction that every server process takes one at a time for logins.

        SQLite's write lock (taken at BEGIN) already serializes them; on PostgreSQL a
        transaction-scoped advisory lock does, so that reading a count and writing it again
        cannot interleave with another process doing the same.
        """
        with self._write() as conn:
            if self._postgresql:
                conn.execute(select(func.pg_advisory_xact_lock(LOGIN_LOCK)))
            yield conn

    def count_login_attempt(
        self,
        name: str,
        address: str,
        at: datetime,
        per_user: Backoff | None = None,
        per_address: Backoff | None = None,
    ) -> datetime | None:
        """Count a login attempt as failed before its password is checked, or refuse it.

        Returns None when the attempt may go on (its password may be checked), or the time
        before which no login for this name, or from this address, is tried; a refused
        attempt counts nothing. Counting first, in one transaction all server processes
        take in turn, bounds the passwords checked however many attempts arrive at once:
        an attempt that arrives while others are being checked sees their counts. A success
        then clears the counts (record_login_success).
        """
        per_user, per_address = per_user or throttle.PER_USER, per_address or throttle.PER_ADDRESS
        name_key = _unknown_name_key(name)
        with self._login_bookkeeping() as conn:
            user = conn.execute(
                select(users.c.failed_logins, users.c.next_login_at).where(users.c.name == name)
            ).first()
            # The name's own row counts the failures of a name no user has (had, when added
            # later): it is checked either way.
            throttled = {
                row[0]: (row[1], _utc(row[2]))
                for row in conn.execute(
                    select(
                        login_throttle.c.address,
                        login_throttle.c.failed_logins,
                        login_throttle.c.next_login_at,
                    ).where(login_throttle.c.address.in_([name_key, address]))
                )
            }
            waits = [until for _count, until in throttled.values()]
            if user is not None:
                waits.append(_utc(user[1]))
            blocked = [t for t in waits if t is not None and t > at]
            if blocked:
                return max(blocked)
            if user is not None:
                failures = user[0] + 1
                conn.execute(
                    update(users)
                    .where(users.c.name == name)
                    .values(failed_logins=failures, next_login_at=_wait(per_user, failures, at))
                )
            else:
                # A name no user has is slowed down exactly like one that exists: otherwise
                # the answer after a few tries would tell which names are users.
                self._count_failure(conn, name_key, throttled, at, per_user)
            self._count_failure(conn, address, throttled, at, per_address)
        return None

    def _count_failure(
        self,
        conn: Connection,
        key: str,
        counts: dict[str, tuple[int, datetime | None]],
        at: datetime,
        backoff: Backoff,
    ) -> None:
        """One more failure for a client address (or an unknown name) in login_throttle."""
        failures = counts.get(key, (0, None))[0] + 1
        conn.execute(
            self._upsert(conn, login_throttle, ["address"]),
            {
                "address": key,
                "failed_logins": failures,
                "next_login_at": _wait(backoff, failures, at),
            },
        )

    def record_login_success(self, user_id: int, address: str) -> None:
        """Reset the counts of the name and of the address: an office that shares one
        address would otherwise pile up every consultant's typos over the months until each
        wrong password kept everyone waiting."""
        with self._login_bookkeeping() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(failed_logins=0, next_login_at=None)
            )
            conn.execute(delete(login_throttle).where(login_throttle.c.address == address))

    def replace_password_hash(self, user_id: int, old: str, new: str) -> bool:
        """Store `new` as the user's hash if it still is `old` (rehashing at login)."""
        with self._write() as conn:
            replaced = conn.execute(
                update(users)
                .where(users.c.id == user_id, users.c.password_hash == old)
                .values(password_hash=new)
            )
            return bool(replaced.rowcount)

    # -- devices -----------------------------------------------------------------------------

    def add_device(self, user_id: int, name: str, token_sha256: str, at: datetime) -> str:
        device_id = str(uuid.uuid4())
        with self._write() as conn:
            conn.execute(
                insert(devices),
                {
                    "id": device_id,
                    "user_id": user_id,
                    "name": name,
                    "token_sha256": token_sha256,
                    "created_at": at,
                    "last_seen_at": at,
                },
            )
        return device_id

    def device_for_token(self, token_sha256: str) -> DeviceIdentity | None:
        with self._read() as conn:
            row = conn.execute(
                select(
                    devices.c.id,
                    devices.c.name,
                    devices.c.revoked_at,
                    devices.c.last_seen_at,
                    users.c.id,
                    users.c.name,
                    users.c.role,
                )
                .join(users, users.c.id == devices.c.user_id)
                .where(devices.c.token_sha256 == token_sha256)
            ).first()
            if row is None:
                return None
            return DeviceIdentity(
                device_id=row[0],
                device_name=row[1],
                user_id=row[4],
                user=row[5],
                role=row[6],
                areas=self._areas_of(conn, row[4]),
                revoked=row[2] is not None,
                last_seen_at=_utc(row[3]),
            )

    def touch_device(self, device_id: str, at: datetime) -> None:
        with self._write() as conn:
            conn.execute(update(devices).where(devices.c.id == device_id).values(last_seen_at=at))

    def devices(self) -> list[DeviceInfo]:
        with self._read() as conn:
            rows = conn.execute(self._device_query().order_by(users.c.name, devices.c.created_at))
            return [self._device_info(r) for r in rows]

    def revoke_device(self, device_id: str, at: datetime) -> DeviceInfo:
        """Revoke a device (once: a second revocation keeps the first time)."""
        with self._write() as conn:
            conn.execute(
                update(devices)
                .where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            row = conn.execute(self._device_query().where(devices.c.id == device_id)).first()
        if row is None:
            raise UnknownDevice(f"There is no device with id {device_id!r}.")
        return self._device_info(row)

    @staticmethod
    def _device_query() -> Any:
        return select(
            devices.c.id,
            users.c.name,
            devices.c.name,
            devices.c.created_at,
            devices.c.last_seen_at,
            devices.c.revoked_at,
        ).join(users, users.c.id == devices.c.user_id)

    @staticmethod
    def _device_info(row: Sequence[Any]) -> DeviceInfo:
        return DeviceInfo(row[0], row[1], row[2], _utc_required(row[3]), _utc(row[4]), _utc(row[5]))

    # -- the change log ----------------------------------------------------------------------

    def push(
        self, user_id: int, device_id: str, changes: Sequence[Change], at: datetime
    ) -> PushResult:
        """Apply a push in one transaction, in order; refuse it whole or take all of it.

        A change whose id is already in the log is acknowledged again and changes nothing.
        Each new change goes through the merge rule against the current field and record
        state; it is logged, followed by any conflict it caused.
        """
        with self._write() as conn:
            if self._postgresql:
                # Sequence numbers are handed out under this lock and it is released only at
                # commit, so no puller can see a number while an earlier one is uncommitted.
                conn.execute(select(func.pg_advisory_xact_lock(PUSH_LOCK)))
            granted = set(self._areas_of(conn, user_id))
            foreign = sorted({c.area for c in changes if c.area is not None} - granted)
            if foreign:
                raise AreaForbidden(
                    f"This push touches area {', '.join(foreign)}, which is not granted to "
                    "this user; nothing of it was saved."
                )
            acknowledged = list(dict.fromkeys(c.change_id for c in changes))
            seen = self._logged(conn, acknowledged)
            fresh: dict[str, Change] = {}
            for change in changes:
                if change.change_id not in seen and change.change_id not in fresh:
                    fresh[change.change_id] = change
            conflicts = 0
            if fresh:
                restored = self._last_restore_ms(conn)
                judged = [as_judged(c, restored) for c in fresh.values()]
                batch = self._load_batch(conn, judged)
                self._refuse_out_of_scope(conn, batch, judged, granted, restored is not None)
                conflicts = self._apply(conn, batch, judged, user_id, device_id, at)
        return PushResult(acknowledged, conflicts)

    def _refuse_out_of_scope(
        self,
        conn: Connection,
        batch: _Batch,
        changes: Sequence[Change],
        granted: set[str],
        restored: bool,
    ) -> None:
        """Refuse the push if a change names a record, a parent or a conflict that is not the
        user's to write, as the server stores it or as this push makes it.

        The areas of the changes themselves are granted (push checked them), and each names
        a known type and field (admission). Every refusal of one kind reads the same whether
        the record exists in another area, exists as another type, or does not exist: the
        answer must not tell an outsider what the server holds.
        """
        # What this push makes of each record it writes and the server does not hold yet.
        made: dict[str, tuple[str, str | None]] = {}
        for change in changes:
            stored = batch.records.get(change.record_id)
            said = (change.type, change.area)
            if stored is not None:
                known = (stored.type, stored.area)
            else:
                known = made.setdefault(change.record_id, said)
            if known != said:
                raise AreaForbidden(
                    f"Change {change.change_id}: record {change.record_id} is not a "
                    f"{change.type} {_of_area(change.area)} that this user may write; nothing "
                    "of this push was saved."
                )
        for change in changes:
            parent = _parent_named(change)
            if parent is None:
                continue
            wanted = RECORD_TYPES[change.type].parent_type
            stored = batch.records.get(parent)
            found = (stored.type, stored.area) if stored else made.get(parent)
            if found != (wanted, change.area):
                raise AreaForbidden(
                    f"Change {change.change_id}: parent {parent} is not a {wanted} "
                    f"{_of_area(change.area)} that this user may write; nothing of this push "
                    "was saved."
                )
        settled = sorted({c.resolves for c in changes if c.resolves is not None})
        if not settled:
            return
        areas = self._conflict_areas(conn, settled)
        for change in changes:
            if change.resolves is None:
                continue
            if change.resolves in areas:
                area = areas[change.resolves]
                if area is None or area in granted:
                    continue
            elif restored:
                # The server may have lost it with the end of its log; laptops that pulled
                # it before still hold it, and a person's resolution of it must go through.
                continue
            raise AreaForbidden(
                f"Change {change.change_id} settles conflict {change.resolves}, which is not "
                "a conflict of this user's areas; nothing of this push was saved."
            )

    def _conflict_areas(self, conn: Connection, conflict_ids: Sequence[str]) -> dict[str, Any]:
        """The area (None: city-wide) of each of these conflicts the log holds."""
        found: dict[str, Any] = {}
        for chunk in _chunks(conflict_ids):
            query = select(log.c.change_id, log.c.area).where(
                log.c.kind == "conflict", log.c.change_id.in_(chunk)
            )
            found.update((row[0], row[1]) for row in conn.execute(query))
        return found

    @staticmethod
    def _last_restore_ms(conn: Connection) -> int | None:
        """When the latest restore from a backup was recorded (unix ms), or None."""
        latest = _utc(conn.execute(select(func.max(server_restores.c.recorded_at))).scalar())
        return None if latest is None else int(latest.timestamp() * 1000)

    def record_restore(self, at: datetime) -> RestoreInfo:
        """Record that this database was just restored from a backup (at `at`).

        From then on, a change flagged as a replay and stamped before `at` is judged as one:
        a write the server accepted once and lost (marugoto_sync.merge.as_judged).
        """
        with self._write() as conn:
            head = self._head(conn)
            conn.execute(insert(server_restores), {"recorded_at": at, "head": head})
        return RestoreInfo(at, head)

    def restores(self) -> list[RestoreInfo]:
        """The restores recorded, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                select(server_restores.c.recorded_at, server_restores.c.head).order_by(
                    server_restores.c.id
                )
            ).all()
        return [RestoreInfo(_utc_required(when), head) for when, head in rows]

    def _rows_with(
        self, conn: Connection, table: Table, key: Any, columns: Sequence[Any], ids: Sequence[str]
    ) -> Iterator[Sequence[Any]]:
        """The rows (these columns) of `table` whose `key` is one of `ids`."""
        if self._postgresql:
            yield from conn.execute(_PG_LOOKUPS[table.name], {"ids": json.dumps(list(ids))})
            return
        for chunk in _chunks(ids):
            yield from conn.execute(select(*columns).where(key.in_(chunk)))

    def _logged(self, conn: Connection, change_ids: Sequence[str]) -> set[str]:
        rows = self._rows_with(conn, log, log.c.change_id, [log.c.change_id], change_ids)
        return {row[0] for row in rows}

    def _load_batch(self, conn: Connection, changes: Sequence[Change]) -> _Batch:
        """The records a push touches and the parents it creates records under."""
        batch = _Batch()
        parents = {p for p in map(_parent_named, changes) if p is not None}
        record_ids = sorted({c.record_id for c in changes} | parents)
        wanted = {(c.record_id, c.field) for c in changes}
        wanted |= {(rid, DELETED) for rid in record_ids}
        for rid, rtype, area, hlc, parent in self._rows_with(
            conn, records, records.c.record_id, _RECORD_READ, record_ids
        ):
            batch.records[rid] = _Record(rtype, area, hlc, parent)
        for rid, name, value, hlc, site, change_id in self._rows_with(
            conn, field_state, field_state.c.record_id, _STATE_READ, record_ids
        ):
            if (rid, name) in wanted:
                batch.states[(rid, name)] = FieldState(json.loads(value), hlc, site, change_id)
        return batch

    def _apply(
        self,
        conn: Connection,
        batch: _Batch,
        changes: Sequence[Change],
        user_id: int,
        device_id: str,
        at: datetime,
    ) -> int:
        for change in changes:
            record = self._record_for(batch, change)
            key = (change.record_id, change.field)
            deleting = change.field == DELETED and change.value is True
            latest_edit = self._latest_edit(conn, batch, change.record_id) if deleting else None
            deleted_before = batch.states.get((change.record_id, DELETED))
            on_delete = deletion_conflict(change, deleted_before, latest_edit)
            outcome = merge_field(batch.states.get(key), change)
            found = [outcome.conflict, on_delete]
            if outcome.applied and outcome.state is not None:
                batch.states[key] = outcome.state
                batch.dirty_states.add(key)
                if change.hlc > record.hlc:
                    record.hlc, record.dirty = change.hlc, True
                parent = _parent_named(change)
                if change.field == PARENT:
                    record.parent, record.dirty = parent, True
                elif change.field == DELETED and change.value is False:
                    parent = record.parent  # a restore: is its parent deleted?
                if parent is not None:
                    parent_deleted = self._deleted_state(conn, batch, parent)
                    found.append(parent_conflict(change, parent_deleted))
                if deleting and (deleted_before is None or deleted_before.value is not True):
                    children = self._live_children(conn, batch, change.record_id)
                    found.extend(orphan_conflicts(change, children))
            batch.log_rows.append(change_row(change))
            for conflict in found:
                if conflict is None:
                    continue
                if change.replay:
                    # Several laptops may replay the same lost write: one conflict for it.
                    if conflict.conflict_id in batch.replayed_conflicts or self._logged(
                        conn, [conflict.conflict_id]
                    ):
                        continue
                    batch.replayed_conflicts.add(conflict.conflict_id)
                batch.log_rows.append(conflict_row(conflict, change))
                batch.conflicts += 1
        # Rows go in in list order, each taking the next seq: the log keeps the push's order.
        origin = {"user_id": user_id, "device_id": device_id, "received_at": at}
        if self._postgresql:
            parameters = {f"c_{name}": value for name, value in origin.items()}
            conn.execute(_PG_LOG_INSERT, {"rows": _rows_json(batch.log_rows), **parameters})
        else:
            conn.execute(insert(log), [{**row, **origin} for row in batch.log_rows])
        self._save_states(conn, batch)
        return batch.conflicts

    def _latest_edit(self, conn: Connection, batch: _Batch, record_id: str) -> FieldState | None:
        """The most recent edit of an ordinary field of a record (deletes are rare: a query)."""
        states = [
            FieldState(json.loads(value), hlc, site, change_id)
            for name, value, hlc, site, change_id in conn.execute(
                select(
                    field_state.c.field,
                    field_state.c.value,
                    field_state.c.hlc,
                    field_state.c.site,
                    field_state.c.change_id,
                ).where(field_state.c.record_id == record_id)
            )
            if not name.startswith("_") and (record_id, name) not in batch.states
        ]
        states += [
            state
            for (rid, name), state in batch.states.items()
            if rid == record_id and not name.startswith("_")
        ]
        return max(states, key=lambda s: s.order, default=None)

    def _deleted_state(self, conn: Connection, batch: _Batch, record_id: str) -> FieldState | None:
        """A record's `_deleted` state as of this point of the push.

        The push loaded it for every record it touches and every parent it creates records
        under (_load_batch); another (the parent of a restored record) takes a query.
        """
        key = (record_id, DELETED)
        if key in batch.states or record_id in batch.records:
            return batch.states.get(key)
        row = conn.execute(
            select(*_STATE_READ[2:]).where(
                field_state.c.record_id == record_id, field_state.c.field == DELETED
            )
        ).first()
        return None if row is None else FieldState(json.loads(row[0]), row[1], row[2], row[3])

    def _live_children(self, conn: Connection, batch: _Batch, parent_id: str) -> list[Child]:
        """The records under `parent_id` that are not deleted, as of this point of the push.

        Deletes are rare, so this is a query per delete.
        """
        # The push's own view of a record it touches comes first: it is newer than the table.
        under = {rid: r for rid, r in batch.records.items() if r.parent == parent_id}
        stored = conn.execute(select(*_RECORD_READ).where(records.c.parent_id == parent_id))
        for rid, rtype, area, hlc, parent in stored:
            if rid not in batch.records:
                under[rid] = _Record(rtype, area, hlc, parent)
        if not under:
            return []
        names = (DELETED, PARENT)
        states = {key: batch.states[key] for key in batch.states if key[0] in under}
        unknown = sorted(rid for rid in under if any((rid, n) not in states for n in names))
        for chunk in _chunks(unknown):
            query = select(*_STATE_READ).where(
                field_state.c.record_id.in_(chunk), field_state.c.field.in_(names)
            )
            for rid, name, value, hlc, site, change_id in conn.execute(query):
                states.setdefault((rid, name), FieldState(json.loads(value), hlc, site, change_id))
        children = []
        for rid in sorted(under):
            deleted, created = states.get((rid, DELETED)), states.get((rid, PARENT))
            if created is None or (deleted is not None and deleted.value is True):
                continue
            children.append(Child(rid, under[rid].type, under[rid].area, created))
        return children

    @staticmethod
    def _record_for(batch: _Batch, change: Change) -> _Record:
        """The record a change writes (its type and area agree: _refuse_out_of_scope)."""
        record = batch.records.get(change.record_id)
        if record is None:
            record = _Record(change.type, change.area, 0, dirty=True)
            batch.records[change.record_id] = record
        return record

    def _save_states(self, conn: Connection, batch: _Batch) -> None:
        if batch.dirty_states:
            # A dirty state is the change that just won the field: its value's JSON text is
            # in the change's log row already.
            logged = {row["change_id"]: row["value"] for row in batch.log_rows}
            rows = [
                {
                    "record_id": rid,
                    "field": name,
                    "value": logged[state.change_id]
                    if state.change_id in logged
                    else to_json(state.value),
                    "hlc": state.hlc,
                    "site": state.site,
                    "change_id": state.change_id,
                }
                for (rid, name), state in (
                    (key, batch.states[key]) for key in sorted(batch.dirty_states)
                )
            ]
            self._upsert_rows(conn, field_state, ["record_id", "field"], rows)
        dirty = [
            {"record_id": rid, "type": r.type, "area": r.area, "hlc": r.hlc, "parent_id": r.parent}
            for rid, r in batch.records.items()
            if r.dirty
        ]
        if dirty:
            self._upsert_rows(conn, records, ["record_id"], dirty)

    def _upsert_rows(
        self, conn: Connection, table: Table, keys: list[str], rows: list[dict[str, Any]]
    ) -> None:
        if self._postgresql:
            conn.execute(_PG_UPSERTS[table.name], {"rows": _rows_json(rows)})
        else:
            conn.execute(self._upsert(conn, table, keys), rows)

    def field_state(self, record_id: str, field_name: str) -> FieldState | None:
        """The change that holds a field now (for inspection by an operator or a test)."""
        with self._read() as conn:
            row = conn.execute(
                select(
                    field_state.c.value,
                    field_state.c.hlc,
                    field_state.c.site,
                    field_state.c.change_id,
                ).where(field_state.c.record_id == record_id, field_state.c.field == field_name)
            ).first()
        return None if row is None else FieldState(json.loads(row[0]), row[1], row[2], row[3])

    def head(self) -> int:
        with self._read() as conn:
            return self._head(conn)

    @staticmethod
    def _head(conn: Connection) -> int:
        return int(conn.execute(select(func.coalesce(func.max(log.c.seq), 0))).scalar_one())

    def log_holds(self, seq: int, change_id: str) -> bool:
        """Whether the log has this change id at this sequence number (see /v1/status)."""
        with self._read() as conn:
            found = conn.execute(select(log.c.change_id).where(log.c.seq == seq)).scalar()
        return bool(found == change_id)

    def changes_page(
        self,
        areas: Iterable[str],
        after: int,
        limit: int,
        *,
        area: str | None = None,
        until: int | None = None,
    ) -> Page:
        """Log entries after `after` (up to `until`) the holder of `areas` may see, by seq.

        With `area`, only that area (a backfill); otherwise the areas and city-wide records.
        `next` is the cursor to send next time: past everything this snapshot holds for the
        caller when the page is the last one. Safe because seq follows commit order.
        """
        query = select(*(log.c[name] for name in PULLED_COLUMNS)).where(log.c.seq > after)
        if until is not None:
            query = query.where(log.c.seq <= until)
        if area is not None:
            query = query.where(log.c.area == area)
        else:
            query = query.where(or_(log.c.area.in_(list(areas)), log.c.area.is_(None)))
        with self._read() as conn:
            result = conn.execute(query.order_by(log.c.seq).limit(limit + 1))
            # The driver's plain tuples: none of these columns needs SQLAlchemy's result
            # processing, and building a Row for each of thousands of entries costs a third
            # of the page.
            rows = result.cursor.fetchall()
            has_more = len(rows) > limit
            rows = rows[:limit]
            if has_more:
                next_seq = rows[-1][0]
            else:
                head = self._head(conn)
                next_seq = max(after, head if until is None else min(until, head))
        return Page(rows, next_seq, has_more)
