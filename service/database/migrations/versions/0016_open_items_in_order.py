"""The unsettled due items in the pages' order, the documents by 密级 and by case, the cases by status

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-21 09:00:00.000000

ix_due_items_open holds the unsettled rows alone, in the order the deadlines page and the
desk list them, so that a page reads its rows from the index instead of sorting every open
one; it takes the place of ix_due_items_settled_at_due. ix_documents_classified, of the
documents above 公开 alone, lets the pages find which 密级 the archive holds in one index
probe per 密级, and the follow-ups of a 密级 hidden from the reader without reading others. ix_cases_status_id finds the
cases in progress, and ix_documents_case_state (in place of ix_documents_case_id) what tells
whether each one changed, both from the index alone. ix_documents_about_year also holds
what tells whether last year's reports, orders, summary and circular changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the indexes and drop the two they replace."""
    op.create_index(
        "ix_due_items_open", "due_items", ["due", "what", "document_id", "id", "classification"],
        sqlite_where=sa.text("settled_at IS NULL"), postgresql_where=sa.text("settled_at IS NULL"),
    )  # fmt: skip
    op.drop_index("ix_due_items_settled_at_due", table_name="due_items")
    op.create_index(
        "ix_documents_classified", "documents", ["classification", "kind", "id"],
        sqlite_where=sa.text("classification <> '公开'"),
        postgresql_where=sa.text("classification <> '公开'"),
    )  # fmt: skip
    op.create_index(
        "ix_documents_case_state", "documents", ["case_id", "id", "voided_at", "served_on"]
    )
    op.drop_index("ix_documents_case_id", table_name="documents")
    op.create_index("ix_cases_status_id", "cases", ["status", "id", "number"])
    op.drop_index("ix_documents_about_year", table_name="documents")
    op.create_index(
        "ix_documents_about_year", "documents",
        ["about_year", "kind", "status", "classification", "id"],
    )  # fmt: skip


def downgrade() -> None:
    """Restore the indexes of 0011, 0014 and 0015 and drop the new ones."""
    op.drop_index("ix_documents_about_year", table_name="documents")
    op.create_index("ix_documents_about_year", "documents", ["about_year", "kind"])
    op.drop_index("ix_cases_status_id", table_name="cases")
    op.create_index("ix_documents_case_id", "documents", ["case_id"])
    op.drop_index("ix_documents_case_state", table_name="documents")
    op.drop_index("ix_documents_classified", table_name="documents")
    op.create_index(
        "ix_due_items_settled_at_due",
        "due_items",
        ["settled_at", "due", "classification", "document_id"],
    )
    op.drop_index("ix_due_items_open", table_name="due_items")
