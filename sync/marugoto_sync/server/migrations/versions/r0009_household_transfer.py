"""A household may move to another area with everything under it (転居・引継ぎ): each
transfer is recorded, and the log is read by record to copy a moved household's entries into
the receiving area.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_log_record_id", "log", ["record_id"])
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("from_area", sa.String(32), nullable=False),
        sa.Column("to_area", sa.String(32), nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_transfers"),
        sa.UniqueConstraint("change_id", name="uq_transfers_change_id"),
    )
    op.create_index("ix_transfers_record_id", "transfers", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_transfers_record_id", "transfers")
    op.drop_table("transfers")
    op.drop_index("ix_log_record_id", "log")
