"""Tests of the schema migrations: they build exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.archive.models import Base
from service.services import Wenshu


def test_migrations_match_the_models(wenshu: Wenshu) -> None:
    """This test ensures that the migrated database has no difference from the models."""
    with wenshu.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_twice_changes_nothing(wenshu: Wenshu) -> None:
    """This test ensures that starting again on a migrated database is harmless."""
    wenshu.prepare()
    wenshu.prepare()
    with wenshu.database.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0001"
