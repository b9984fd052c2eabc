"""Each document's OFD beside its PDF: the file's path, size, SHA-256 and SM3

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-22 09:00:00.000000

A document issued from now on is also archived as OFD (GB/T 33190-2016) written from its
PDF; those issued before keep empty values. A batch item names its OFD while it is staged,
as it names its PDF, so that a runner killed before recording leaves nothing behind.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = (
    ("ofd_path", sa.String(255), ""),
    ("ofd_sha256", sa.String(64), ""),
    ("ofd_sm3", sa.String(64), ""),
)


def upgrade() -> None:
    """Add the OFD's columns, empty for the documents already archived, and a batch item's staged OFD."""
    with op.batch_alter_table("documents") as table:
        for name, kind, empty in COLUMNS:
            table.add_column(sa.Column(name, kind, nullable=False, server_default=empty))
        table.add_column(sa.Column("ofd_size", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("batch_items") as table:
        table.add_column(
            sa.Column("staged_ofd_path", sa.String(255), nullable=False, server_default="")
        )


def downgrade() -> None:
    """Drop the OFD's columns (the files stay under ofd/)."""
    with op.batch_alter_table("batch_items") as table:
        table.drop_column("staged_ofd_path")
    with op.batch_alter_table("documents") as table:
        table.drop_column("ofd_size")
        for name, _kind, _empty in reversed(COLUMNS):
            table.drop_column(name)
