"""Alembic environment: migrates the archive database the service is configured with."""

from __future__ import annotations

from alembic import context

from service.database.models import Base
from service.database.schema import declared_by_models

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations on the connection the caller handed over, or on the configured URL."""
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as own:
            _migrate(own)
        engine.dispose()
    else:
        _migrate(connection)


def _migrate(connection: object) -> None:
    """Configure the context on a connection and run the migrations in one transaction."""
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        include_name=declared_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
