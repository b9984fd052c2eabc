"""Survival: the archive's disk fills up while documents are issued."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service.acts.issuing import issue_document
from service.archive.audit import verify_chain
from service.archive.fixity import verify_archive
from service.archive.store import TEMPORARY_DIR, ArchiveFull
from service.database.models import Document
from service.services import Wenshu
from tests.conftest import sample
from tests.survival.conftest import KIND

pytestmark = pytest.mark.office

SIZE = "1m"
ROOMY = "8m"
MAX_DOCUMENTS = 100  # far more than fit in 1 MiB; the loop ends at the first full disk


@pytest.fixture
def small_archive(wenshu: Wenshu) -> Iterator[Path]:
    """The instance's archive folder on a 1 MiB tmpfs, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = wenshu.archive.root
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(folder)],
        capture_output=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, timeout=30)


def test_full_disk_refuses_the_issue_without_using_a_number(
    wenshu: Wenshu, small_archive: Path
) -> None:
    """This test ensures that when the archive's disk is full the issue fails with a clear
    Chinese error, uses no number, leaves no partial or temporary file, and once space is
    freed the next issue gets the next number."""
    issued: list[Document] = []
    failure: ArchiveFull | None = None
    for _ in range(MAX_DOCUMENTS):
        try:
            issued.append(issue_document(wenshu, KIND, sample(KIND), "clerk1"))
        except ArchiveFull as error:
            failure = error
            break
    assert failure is not None, f"{SIZE} did not fill with {MAX_DOCUMENTS} documents"
    assert failure.errno == errno.ENOSPC and "归档存储空间已满" in str(failure)
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
