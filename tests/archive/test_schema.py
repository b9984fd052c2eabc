"""Tests of the schema migrations: they build exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from service.background.startup import prepare_service
from service.database.models import Base
from service.database.schema import alembic_config
from service.services import Wenshu


def test_migrations_match_the_models(wenshu: Wenshu) -> None:
    """This test ensures that the migrated database has no difference from the models."""
    with wenshu.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrating_twice_changes_nothing(wenshu: Wenshu) -> None:
    """This test ensures that starting again on a migrated database is harmless."""
    prepare_service(wenshu)
    prepare_service(wenshu)
    head = ScriptDirectory.from_config(alembic_config(wenshu.database.engine)).get_current_head()
    with wenshu.database.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
