"""Enforcement cases, submissions awaiting the head's approval, the unit directory, service dates

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-11 09:00:00.000000

A document may belong to a case and records the day it was served and the 送达回证 that
proves it; documents issued before stay outside any case and unserved.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create cases, submissions and units; link documents to cases and their service."""
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(length=100), nullable=True, unique=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False, index=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True, index=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, index=True),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False, unique=True),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("representative", sa.String(length=60), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("served_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("service_receipt_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_documents_case_id", ["case_id"])
        batch_op.create_foreign_key("fk_documents_case_id", "cases", ["case_id"], ["id"])


def downgrade() -> None:
    """Drop the case columns of documents and the three tables."""
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_constraint("fk_documents_case_id", type_="foreignkey")
        batch_op.drop_index("ix_documents_case_id")
        batch_op.drop_column("service_receipt_id")
        batch_op.drop_column("served_on")
        batch_op.drop_column("case_id")
    op.drop_table("units")
    op.drop_table("submissions")
    op.drop_table("cases")
