"""Each device's app version, as its latest request said (shown by `device list`).

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("devices", sa.Column("app_version", sa.String(100), nullable=True))


def downgrade() -> None:
    op.drop_column("devices", "app_version")
