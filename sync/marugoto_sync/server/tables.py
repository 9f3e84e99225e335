"""The server's tables (SQLAlchemy Core metadata). Changed only together with a migration.

- `log`: every accepted change and every conflict, append-only; `seq` is the pull cursor and
  follows commit order (see storage.Storage.push).
- `field_state` and `records`: the current winner of each field and each record's latest
  clock and parent, kept so the merge rule can be applied without replaying the log.
- `users`, `user_areas`, `devices`, `login_throttle`: who may sync which areas, and how they
  enroll (a password, and a one-time code for users with TOTP).
- `transfers`: each household moved to another area (転居・引継ぎ), by whom and when; a
  change written in an area its record has left is taken into the record's area now.
- `server_restores`: each time the database was restored from a backup, as an administrator
  recorded it; a change counts as a replay only if it was stamped before the latest.
- `audit_devices`, `audit_entries`, `audit_entry_records`: each device's audit trail as it
  uploaded it, the head of its chain, and a refusal (a chain that broke or was rewound).
- `admin_audit`: the server's own chain of what administrators did (marugoto_sync.audit_chain).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

# Named constraints, so the migrations and this metadata agree on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite numbers rows itself only for a column declared exactly INTEGER PRIMARY KEY.
Seq = BigInteger().with_variant(Integer(), "sqlite")

log = Table(
    "log",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # "change" or "conflict"
    # For a conflict: its conflict_id. Unique, so a change is applied once however often sent.
    Column("change_id", String(36), nullable=False, unique=True),
    Column("type", String(64), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("area", String(32)),  # null: a city-wide record, visible to everyone
    Column("field", String(64), nullable=False),
    Column("value", Text, nullable=False),  # JSON; for a conflict, Conflict.to_wire()
    Column("hlc", BigInteger, nullable=False),
    Column("base_hlc", BigInteger, nullable=False),
    Column("site", String(64), nullable=False),
    Column("resolves", String(36)),
    Column("user_id", Integer, nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_log_area_seq", "area", "seq"),
    # A transfer copies the entries of the records it moves (storage.transfers).
    Index("ix_log_record_id", "record_id"),
    sqlite_autoincrement=True,
)

field_state = Table(
    "field_state",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("hlc", BigInteger, nullable=False),
    Column("site", String(64), nullable=False),
    Column("change_id", String(36), nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("type", String(64), nullable=False),
    Column("area", String(32)),
    Column("hlc", BigInteger, nullable=False),  # the latest clock of any of its fields
    # The record it belongs to (its `_parent_id`): a household's members, activities, ….
    Column("parent_id", String(36), index=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("next_login_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set: the user may not log in, and their devices are revoked (`user disable`).
    Column("disabled_at", DateTime(timezone=True)),
    # Set: enrollment also needs a one-time code of this secret (base32; `user totp enable`).
    Column("totp_secret", String(64)),
    # The office's policy for this user: TOTP may not be turned off (`user totp require`).
    Column("totp_required", Boolean, nullable=False, server_default=false()),
    # The step of the last code accepted: no code of it or before it is accepted again.
    Column("totp_last_step", BigInteger),
)

user_areas = Table(
    "user_areas",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("area", String(32), primary_key=True),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True)),
    # Set: a lost laptop; its next contact is refused and it erases its vault, unsent work too.
    Column("revoked_at", DateTime(timezone=True)),
    # The app version its latest request named (X-Marugoto-App).
    Column("app_version", String(100)),
    # Set: the office asked it to send what it has not sent, then erase itself (device retire).
    Column("retire_requested_at", DateTime(timezone=True)),
    # Set: it gave up its token, after sending everything or when its vault enrolled again.
    Column("retired_at", DateTime(timezone=True)),
    # How far its pulls brought it (storage.transfers: a change written where a household was
    # is taken from a device only while it may not have known of the move). `served_seq`:
    # the end of the latest page that carried a transfer (`_area`) to it; `known_seq`:
    # `served_seq` as its latest run of pulls began; `pulling`: its latest request of a sync
    # was a pull (a status or a push ends a run).
    Column("served_seq", BigInteger, nullable=False, server_default="0"),
    Column("known_seq", BigInteger, nullable=False, server_default="0"),
    Column("pulling", Boolean, nullable=False, server_default=false()),
    # The device this one took over from when its vault enrolled again (`enroll --replace`):
    # it stands in that device's place in the log (storage.transfers).
    Column("replaces", String(36)),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("address", String(64), primary_key=True),
    Column("failed_logins", Integer, nullable=False),
    Column("next_login_at", DateTime(timezone=True)),
)

server_restores = Table(
    "server_restores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # The log's head when the restore was recorded: where the backup's log ends.
    Column("head", BigInteger, nullable=False),
)

# Each device's audit trail (marugoto_sync.audit_chain). `body` is the entry's canonical text,
# the one its hash covers; the other columns are read from it, for listing and filtering.
audit_devices = Table(
    "audit_devices",
    metadata,
    Column("device_id", String(36), ForeignKey("devices.id"), primary_key=True),
    Column("seq", BigInteger, nullable=False),  # the head: its last entry, and its hash
    Column("hash", String(64), nullable=False),
    # The latest upload refused because the chain broke or went back on what was stored.
    Column("refused_at", DateTime(timezone=True)),
    Column("refused_code", String(32)),
    Column("refused_seq", BigInteger),
    Column("refused_reason", Text),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("device_id", String(36), ForeignKey("devices.id"), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("prev", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("at", String(40), nullable=False),  # ISO 8601 UTC, as the entry says: sorts as text
    Column("action", String(64), nullable=False),
    Column("who", String(200)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_audit_entries_at", "at"),
)

audit_entry_records = Table(
    "audit_entry_records",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("record_id", String(64), primary_key=True),
    ForeignKeyConstraint(
        ["device_id", "seq"],
        ["audit_entries.device_id", "audit_entries.seq"],
        name="fk_audit_entry_records_entry",
    ),
    Index("ix_audit_entry_records_record_id", "record_id"),
)

admin_audit = Table(
    "admin_audit",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("prev", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
)

transfers = Table(
    "transfers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False, index=True),  # the household
    Column("change_id", String(36), nullable=False, unique=True),  # its `_area` change
    Column("from_area", String(32), nullable=False),
    Column("to_area", String(32), nullable=False),
    Column("records", Integer, nullable=False),  # how many records moved with it
    Column("user_id", Integer, nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
