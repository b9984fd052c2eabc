"""People's names and titles, the officer directory, units' town and category, drafts kept as
typed, reviews confirmed once

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12 09:00:00.000000

Accounts made before keep an empty name, which pages show as the login until an administrator
gives one; units imported before keep an empty town and category.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the officers and review confirmations tables and the new columns of users, units, drafts."""
    op.create_table(
        "review_confirmations",
        sa.Column("token_sha256", sa.String(length=64), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("outcome", sa.String(length=255), nullable=False),
    )
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("certificate", sa.String(length=40), nullable=False, unique=True),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("full_name", sa.String(60), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("title", sa.String(60), nullable=False, server_default=""))
    with op.batch_alter_table("units") as batch_op:
        batch_op.add_column(sa.Column("town", sa.String(60), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("category", sa.String(60), nullable=False, server_default=""))
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.add_column(
            sa.Column("autosaved", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    """Drop the new columns and the officers table."""
    with op.batch_alter_table("drafts") as batch_op:
        batch_op.drop_column("autosaved")
    with op.batch_alter_table("units") as batch_op:
        batch_op.drop_column("category")
        batch_op.drop_column("town")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("full_name")
    op.drop_table("officers")
    op.drop_table("review_confirmations")
