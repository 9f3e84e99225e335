"""Audit trails: each device's, as it uploads it, and the server's own chain of what
administrators did (marugoto_sync.audit_chain).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_devices",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("refused_at", WHEN, nullable=True),
        sa.Column("refused_code", sa.String(32), nullable=True),
        sa.Column("refused_seq", sa.BigInteger(), nullable=True),
        sa.Column("refused_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name="fk_audit_devices_device_id_devices"
        ),
        sa.PrimaryKeyConstraint("device_id", name="pk_audit_devices"),
    )
    op.create_table(
        "audit_entries",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("who", sa.String(200), nullable=True),
        sa.Column("received_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name="fk_audit_entries_device_id_devices"
        ),
        sa.PrimaryKeyConstraint("device_id", "seq", name="pk_audit_entries"),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])
    op.create_table(
        "audit_entry_records",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id", "seq"],
            ["audit_entries.device_id", "audit_entries.seq"],
            name="fk_audit_entry_records_entry",
        ),
        sa.PrimaryKeyConstraint("device_id", "seq", "record_id", name="pk_audit_entry_records"),
    )
    op.create_index("ix_audit_entry_records_record_id", "audit_entry_records", ["record_id"])
    op.create_table(
        "admin_audit",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_admin_audit"),
    )


def downgrade() -> None:
    op.drop_table("admin_audit")
    op.drop_index("ix_audit_entry_records_record_id", "audit_entry_records")
    op.drop_table("audit_entry_records")
    op.drop_index("ix_audit_entries_at", "audit_entries")
    op.drop_table("audit_entries")
    op.drop_table("audit_devices")
