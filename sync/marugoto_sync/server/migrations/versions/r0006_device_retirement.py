"""Devices end in one of two ways: revoked (a lost laptop: erased without sending) or retired
(it sent everything, then erased itself; or its vault was enrolled again and replaced it).

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("devices", sa.Column("retire_requested_at", WHEN, nullable=True))
    op.add_column("devices", sa.Column("retired_at", WHEN, nullable=True))


def downgrade() -> None:
    op.drop_column("devices", "retired_at")
    op.drop_column("devices", "retire_requested_at")
