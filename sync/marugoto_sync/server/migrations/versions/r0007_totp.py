"""Users may have to give a one-time code (TOTP) besides their password at enrollment: the
secret, the office's policy, and the last step used (a code is accepted once).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("totp_secret", sa.String(64), nullable=True))
    op.add_column(
        "users", sa.Column("totp_required", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "totp_last_step")
    op.drop_column("users", "totp_required")
    op.drop_column("users", "totp_secret")
