"""Each record's parent, so that deleting a household finds the members added meanwhile.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

The parent travels as the `_parent_id` field (a JSON string in field_state); it is copied
into the new column for the records already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("parent_id", sa.String(36), nullable=True))
    op.create_index("ix_records_parent_id", "records", ["parent_id"])
    # A stored parent is the JSON text of an id: '"' + 36 characters + '"'.
    op.execute(
        "UPDATE records SET parent_id = ("
        " SELECT substr(fs.value, 2, 36) FROM field_state fs"
        " WHERE fs.record_id = records.record_id AND fs.field = '_parent_id'"
        " AND length(fs.value) = 38 AND fs.value LIKE '\"%\"')"
    )


def downgrade() -> None:
    op.drop_index("ix_records_parent_id", table_name="records")
    op.drop_column("records", "parent_id")
