"""The first schema: the change log, field states, records, users, areas, devices.

Revision ID: 0001
Revises:
Create Date: 2024-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the column types, so later edits of tables.py cannot change this step.
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "log",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("area", sa.String(32), nullable=True),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("base_hlc", sa.BigInteger(), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("resolves", sa.String(36), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_log"),
        sa.UniqueConstraint("change_id", name="uq_log_change_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_log_area_seq", "log", ["area", "seq"])
    op.create_table(
        "field_state",
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "field", name="pk_field_state"),
    )
    op.create_table(
        "records",
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("area", sa.String(32), nullable=True),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_records"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_login_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "user_areas",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_areas_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", "area", name="pk_user_areas"),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=True),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_devices_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.UniqueConstraint("token_sha256", name="uq_devices_token_sha256"),
    )
    op.create_table(
        "login_throttle",
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("next_login_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("address", name="pk_login_throttle"),
    )


def downgrade() -> None:
    for table in ("login_throttle", "devices", "user_areas", "users", "records"):
        op.drop_table(table)
    op.drop_table("field_state")
    op.drop_index("ix_log_area_seq", table_name="log")
    op.drop_table("log")
