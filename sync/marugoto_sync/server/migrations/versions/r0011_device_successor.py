"""The device a vault enrolled as again (`enroll --replace`) takes over the place in the log
of the device it replaced: what the vault wrote before it knew that a household moved is
taken from it as it was from the old device (storage.transfers).

Revision ID: 0011
Revises: 0010
Create Date: 2027-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("devices", sa.Column("replaces", sa.String(36), nullable=True))


def downgrade() -> None:
    op.drop_column("devices", "replaces")
