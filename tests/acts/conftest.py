"""Fixtures of the acts' tests: a bare archive database where an act needs no other service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.database.engine import Database
from service.foundations.config import Settings


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A fresh archive database on each supported database."""
    database = Database(settings.resolved_database_url)
    database.create_tables()
    yield database
    database.dispose()
