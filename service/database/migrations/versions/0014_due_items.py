"""Due items kept in their own table as documents are issued, voided and followed up

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-19 10:00:00.000000

The table is filled from the archive by the rules of service.acts.duedates as they stand:
every issued document's items, settled by the follow-ups already issued.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the due items table and fill it from the issued documents."""
    op.create_table(
        "due_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("matter", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by_document_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_due_items_document_id", "due_items", ["document_id"])
    op.create_index("ix_due_items_unit", "due_items", ["unit"])
    op.create_index("ix_due_items_number", "due_items", ["number"])
    op.create_index("ix_due_items_settled_by_document_id", "due_items", ["settled_by_document_id"])
    op.create_index(
        "ix_due_items_settled_at_due",
        "due_items",
        ["settled_at", "due", "classification", "document_id"],
    )
    # The rules live with the service; imported here, when the schema they read exists. The
    # backfill names only the columns it reads of documents and due_items as they stand here,
    # and reads plain records, not ORM rows: later columns cannot break this step.
    from service.acts.due_backfill import backfill

    backfill(op.get_bind())  # within alembic's transaction: it commits with the migration


def downgrade() -> None:
    """Remove the due items table."""
    op.drop_index("ix_due_items_settled_at_due", table_name="due_items")
    op.drop_index("ix_due_items_settled_by_document_id", table_name="due_items")
    op.drop_index("ix_due_items_number", table_name="due_items")
    op.drop_index("ix_due_items_unit", table_name="due_items")
    op.drop_index("ix_due_items_document_id", table_name="due_items")
    op.drop_table("due_items")
