"""The server remembers when its database was restored from a backup.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

After a restore the laptops send back what the server lost, flagged as replays; the server
honours the flag only for changes stamped before a restore it has recorded here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_restores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("head", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_server_restores"),
    )


def downgrade() -> None:
    op.drop_table("server_restores")
