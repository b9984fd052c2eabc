"""At most one active template version per kind, kept by a unique partial index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00.000000

Before the index, a publish racing an activation could leave two versions of a kind active,
and such a kind could not be issued at all. The index cannot be built over such rows, so
the upgrade first keeps one of them active: the version named by the kind's newest
activation in the audit chain (the one its maintainers asked for last), else the newest
version. The others stay stored and can be activated again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEX = "ix_template_versions_one_active"
versions = sa.table(
    "template_versions",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("active", sa.Boolean()),
)
events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
)


def upgrade() -> None:
    """Leave one active version per kind, then build the index that keeps it so."""
    connection = op.get_bind()
    active: dict[str, dict[int, int]] = {}  # kind → version → row id
    query = sa.select(versions.c.id, versions.c.kind, versions.c.version).where(versions.c.active)
    for row_id, kind, version in connection.execute(query):
        active.setdefault(kind, {})[version] = row_id
    for kind, rows in active.items():
        if len(rows) > 1:
            kept = _last_activated(connection, kind, rows) or max(rows)
            others = [row_id for version, row_id in rows.items() if version != kept]
            connection.execute(
                sa.update(versions).where(versions.c.id.in_(others)).values(active=False)
            )
    op.create_index(
        INDEX,
        "template_versions",
        ["kind"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def _last_activated(connection: sa.Connection, kind: str, rows: dict[int, int]) -> int | None:
    """Return which of the active versions the audit chain records as activated last, if any."""
    subjects = connection.execute(
        sa.select(events.c.subject)
        .where(events.c.action == "template_activate")
        .order_by(events.c.id.desc())
    ).scalars()
    prefix = f"{kind} v"
    for subject in subjects:
        number = subject[len(prefix) :] if subject.startswith(prefix) else ""
        if number.isdigit() and int(number) in rows:
            return int(number)
    return None


def downgrade() -> None:
    """Undo the change (the versions made inactive by the upgrade stay inactive)."""
    op.drop_index(INDEX, table_name="template_versions")
