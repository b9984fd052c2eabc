"""Copies of one document share its 文号, each with a 份号; each record says how it was numbered

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 09:00:00.000000

A 文号 was unique to one record; the copies of a circular sent to many units now share it
and are told apart by their 份号 (copy_number, 0 for a document without one), so each
number is unique with its 份号 instead. Documents recorded before were each numbered on
their own ("own"), annual reports included: they keep the 文号 they were issued with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# 0001 left its unique constraints unnamed: PostgreSQL names them itself, SQLite not at all,
# and Alembic's batch copy of a SQLite table names them by this convention.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
OLD = (("number",), ("series", "year", "sequence"))
NEW = {
    "uq_documents_copy": ["series", "year", "sequence", "copy_number"],
    "uq_documents_number_copy": ["number", "copy_number"],
}


def upgrade() -> None:
    """Add copy_number and numbering, and make a number unique with its 份号."""
    names = _unique_constraint_names()
    with op.batch_alter_table("documents", naming_convention=NAMING) as batch_op:
        batch_op.add_column(
            sa.Column("copy_number", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("numbering", sa.String(length=16), nullable=False, server_default="own")
        )
        for columns in OLD:
            batch_op.drop_constraint(
                names.get(columns) or f"uq_documents_{'_'.join(columns)}", type_="unique"
            )
        for name, unique in NEW.items():
            batch_op.create_unique_constraint(name, unique)
    # The defaults only filled the rows already there; new rows get theirs from the models.
    with op.batch_alter_table("documents") as batch_op:
        batch_op.alter_column("copy_number", server_default=None)
        batch_op.alter_column("numbering", server_default=None)


def downgrade() -> None:
    """Undo the change (refused by the database while copies share a number)."""
    with op.batch_alter_table("documents") as batch_op:
        for name in NEW:
            batch_op.drop_constraint(name, type_="unique")
        for columns in OLD:
            batch_op.create_unique_constraint(f"uq_documents_{'_'.join(columns)}", list(columns))
        batch_op.drop_column("numbering")
        batch_op.drop_column("copy_number")


def _unique_constraint_names() -> dict[tuple[str, ...], str]:
    """Return the names the database gave the documents' unique constraints, by their columns."""
    inspector = sa.inspect(op.get_bind())
    return {
        tuple(constraint["column_names"]): constraint["name"]
        for constraint in inspector.get_unique_constraints("documents")
        if constraint["name"]
    }
