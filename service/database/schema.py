"""Database schema versions: Alembic migrations in service/database/migrations, applied on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

# Tables declared outside service.archive (batch jobs) join Base.metadata on this import,
# so that the metadata the migrations are compared with is the whole schema.
import service.database.batch_models  # noqa: F401

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# What migration 0013 builds for the register's text search that no model declares: SQLite's
# trigram and bigram tables (and the tables FTS5 keeps behind them), PostgreSQL's GIN indexes.
SEARCH_TABLES = ("documents_fts", "documents_bigrams")
SEARCH_INDEXES = frozenset(
    {
        "ix_documents_search_trgm",
        "ix_documents_number_trgm",
        "ix_documents_search_bigrams",
        "ix_documents_number_bigrams",
    }
)


def declared_by_models(name: str | None, type_: str, _parents: object) -> bool:
    """Return whether a database object is one the models declare (Alembic's include_name).

    The text search's own objects are left out of comparisons with the models.
    """
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLES):
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic configuration for the engine's database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade_to_latest(engine: Engine) -> None:
    """Bring the database to the newest schema (creating it on an empty database)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
