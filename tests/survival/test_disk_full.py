"""Survival: the archive's disk fills up while documents are issued."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service.acts.errors import ArchiveUnwritable
from service.acts.issuing import issue_document
from service.archive.audit import verify_chain
from service.archive.fixity import verify_archive
from service.archive.store import TEMPORARY_DIR, ArchiveFull
from service.database.models import Document
from service.services import Wenshu
from tests.archive_disk import archive_on_tmpfs
from tests.conftest import sample
from tests.survival.conftest import KIND

pytestmark = pytest.mark.office

SIZE = "1m"
ROOMY = "8m"
MAX_DOCUMENTS = 100  # far more than fit in 1 MiB; the loop ends at the first full disk


@pytest.fixture
def small_archive(wenshu: Wenshu) -> Iterator[Path]:
    """The instance's archive folder on a 1 MiB tmpfs, unmounted afterwards."""
    with archive_on_tmpfs(wenshu.archive.root, f"size={SIZE}") as folder:
        yield folder


def test_full_disk_refuses_the_issue_without_using_a_number(
    wenshu: Wenshu, small_archive: Path
) -> None:
    """This test ensures that when the archive's disk is full the issue fails with a clear
    Chinese error of the not-issued family, uses no number, leaves no partial or temporary
    file, and once space is freed the next issue gets the next number."""
    issued: list[Document] = []
    failure: ArchiveUnwritable | None = None
    for _ in range(MAX_DOCUMENTS):
        try:
            issued.append(issue_document(wenshu, KIND, sample(KIND), "clerk1"))
        except ArchiveUnwritable as error:
            failure = error
            break
    assert failure is not None, f"{SIZE} did not fill with {MAX_DOCUMENTS} documents"
    assert str(failure) == f"归档存储空间已满（{small_archive}），请腾出空间后重试"
    assert isinstance(failure.__cause__, ArchiveFull) and failure.__cause__.errno == errno.ENOSPC
    assert issued, "at least one document should fit"

    with wenshu.database.session() as session:
        sequences = sorted(session.scalars(select(Document.sequence)))
    assert sequences == list(range(1, len(issued) + 1))
    report = verify_archive(wenshu.database, wenshu.archive)
    assert report.ok, report.problems
    assert report.leftovers == []
    assert not any((small_archive / TEMPORARY_DIR).iterdir())

    # Free space by growing the tmpfs; the next issue takes the next number.
    grown = subprocess.run(
        ["mount", "-o", f"remount,size={ROOMY}", str(small_archive)], timeout=30, check=False
    )
    assert grown.returncode == 0
    after = issue_document(wenshu, KIND, sample(KIND), "clerk1")
    assert after.sequence == len(issued) + 1
    assert verify_archive(wenshu.database, wenshu.archive).ok

    with wenshu.database.session() as session:
        assert verify_chain(session) == []
