"""Each document keeps the context its template was filled with, so that a re-render reproduces it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:00:00.000000

Documents issued before keep a null context; re-rendering them computes it again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("context")
