"""Fixtures of the custody tests: the archive tests' issued documents and command runner."""

from __future__ import annotations

from tests.archive.conftest import cli, notices

__all__ = ["cli", "notices"]
