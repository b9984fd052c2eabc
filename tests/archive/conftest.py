"""Fixtures of the archive tests: issued documents, and the wenshu command pointed at their instance."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from service.acts.issuing import issue_document
from service.database.models import Document
from service.services import Wenshu
from tests.conftest import sample


@pytest.fixture
def notices(wenshu: Wenshu) -> list[Document]:
    """Three supervision notices, 君档监通〔2026〕1号 to 3号."""
    facts = sample("supervision_notice")
    return [issue_document(wenshu, "supervision_notice", facts, "王文书") for _ in range(3)]


@pytest.fixture
def cli(wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner for the wenshu command on the wenshu fixture's instance and database."""
    monkeypatch.setenv("WENSHU_INSTANCE", str(wenshu.settings.instance_path))
    monkeypatch.setenv("WENSHU_DATABASE_URL", wenshu.settings.database_url)
    return CliRunner()


def flip_byte(wenshu: Wenshu, document: Document, offset: int = -200) -> None:
    """Change one byte of a document's archived file."""
    path = wenshu.archive.absolute(document.pdf_path)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
