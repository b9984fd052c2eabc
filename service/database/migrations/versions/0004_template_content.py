"""Template versions keep their DOCX in the database, for workers on other machines

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change (existing rows are filled from the template store on the next start)."""
    with op.batch_alter_table("template_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("template_versions", schema=None) as batch_op:
        batch_op.drop_column("content")
