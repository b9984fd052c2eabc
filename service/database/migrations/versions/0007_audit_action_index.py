"""Audit entries indexed by action, so that the views count and skip failed sign-ins without a scan

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the change."""
    op.create_index("ix_audit_events_action_id", "audit_events", ["action", "id"])


def downgrade() -> None:
    """Undo the change."""
    op.drop_index("ix_audit_events_action_id", table_name="audit_events")
