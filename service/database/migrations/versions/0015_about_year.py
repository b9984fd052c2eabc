"""The year a document reports on, as an indexed column

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-20 09:00:00.000000

documents.about_year holds the 报告年度, 审核年度 or 考核年度 of the facts (filled on insert by
the model's default, backfilled here from the documents whose facts name one), so that the
desk and the deadlines page find last year's reports, correction orders, audit summary and
safety circular through an index instead of reading the facts of every document.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from service.database.about_year import about_year

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Rows read and rewritten at a time by the backfill, so that memory stays flat at any size.
BACKFILL_BATCH = 2000


def upgrade() -> None:
    """Add the column and its index, and fill it from the facts of the documents issued so far."""
    op.add_column("documents", sa.Column("about_year", sa.Integer(), nullable=True))
    backfill(op.get_bind())
    op.create_index("ix_documents_about_year", "documents", ["about_year", "kind"])


def backfill(connection: sa.Connection) -> None:
    """Write about_year on every document whose facts name the year it reports on."""
    documents = sa.table(
        "documents", sa.column("id", sa.Integer()), sa.column("facts", sa.Text()),
        sa.column("about_year", sa.Integer()),
    )  # fmt: skip
    last = 0
    while True:
        rows = connection.execute(
            sa.select(documents.c.id, documents.c.facts)
            .where(documents.c.id > last)
            .order_by(documents.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        years = [
            {"row_id": row_id, "year": year}
            for row_id, facts in rows
            if (year := about_year(_facts(facts))) is not None
        ]
        if years:
            connection.execute(
                documents.update()
                .where(documents.c.id == sa.bindparam("row_id"))
                .values(about_year=sa.bindparam("year")),
                years,
            )


def _facts(stored: Any) -> Any:
    """Return the facts as read back: a dict from PostgreSQL's json, a text from SQLite."""
    return json.loads(stored) if isinstance(stored, str) else stored


def downgrade() -> None:
    """Drop the column and its index."""
    op.drop_index("ix_documents_about_year", table_name="documents")
    # In place on both (SQLite 3.35 and later): a rebuilt table would lose its search triggers.
    op.execute("ALTER TABLE documents DROP COLUMN about_year")
