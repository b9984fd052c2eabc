"""Tests of the archived file's fixity: the final bytes hashed once, in memory, and stored as hashed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from service.acts.issuing import issue_document
from service.archive.store import ArchiveStore
from service.background.startup import prepare_service
from service.foundations.config import load_settings
from service.render.stages import StageTimer
from service.services import Wenshu
from tests.conftest import sample
from tests.fake_office import BlankPageOffice


def test_the_recorded_hashes_are_those_of_the_stored_file(
    tmp_path: Path, prepared_instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that an issued document's SHA-256, SM3 and size are those of the file
    stored, computed without reading it back, and that each stage is timed when asked."""
    shutil.copytree(prepared_instance, tmp_path / "instance")
    wenshu = Wenshu.open(load_settings({"instance_path": tmp_path / "instance"}), BlankPageOffice())
    prepare_service(wenshu)

    def unread(_store: ArchiveStore, relative: str) -> bytes:
        raise AssertionError(f"{relative} was read back while it was issued")

    monkeypatch.setattr(ArchiveStore, "read", unread)
    timer = StageTimer()
    try:
        document = issue_document(
            wenshu, "supervision_notice", sample("supervision_notice"), "测试员", timer=timer
        )
    finally:
        wenshu.database.dispose()
    stored = (tmp_path / "instance" / "archive").glob(f"**/{document.sha256}.pdf")
    data = wenshu.archive.absolute(document.pdf_path).read_bytes()
    assert [path.name for path in stored] == [f"{document.sha256}.pdf"]
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.sm3 == hashlib.new("sm3", data).hexdigest()
    assert document.size == len(data)
    assert {"facts", "fill", "fit", "convert", "metadata", "archive", "database"} <= set(
        timer.seconds
    )
