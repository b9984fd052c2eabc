"""Forms posted after their session ended, kept for their user to find after signing in again

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "kept_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=64), nullable=False),
        sa.Column("return_to", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("files_dropped", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    with op.batch_alter_table("kept_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_submissions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_kept_submissions_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("kept_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_submissions_created_at"))
        batch_op.drop_index(batch_op.f("ix_kept_submissions_user_id"))
    op.drop_table("kept_submissions")
