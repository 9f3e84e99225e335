"""How far each device's pulls have brought it through the log: a change written in an area
a household has left is taken from a device only while it may not have known of the move
(storage.transfers).

Revision ID: 0010
Revises: 0009
Create Date: 2027-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("served_seq", "known_seq"):
        op.add_column("devices", sa.Column(name, sa.BigInteger, nullable=False, server_default="0"))
    op.add_column(
        "devices", sa.Column("pulling", sa.Boolean, nullable=False, server_default=sa.false())
    )
    # Devices enrolled before this revision count as having pulled the whole log as it is:
    # what they send of a household moved before it is kept for review, not applied.
    op.execute(
        "UPDATE devices SET served_seq = (SELECT coalesce(max(seq), 0) FROM log), "
        "known_seq = (SELECT coalesce(max(seq), 0) FROM log)"
    )


def downgrade() -> None:
    for name in ("pulling", "known_seq", "served_seq"):
        op.drop_column("devices", name)
