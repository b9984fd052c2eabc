"""What a killed runner leaves behind: files stored for rows it never recorded, half-written files."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select

from service.archive.discard import discard_unrecorded
from service.archive.store import TEMPORARY_DIR, ArchiveStore
from service.database.batch_models import PENDING, BatchItem
from service.services import Wenshu


def remove_leftovers(wenshu: Wenshu, job_id: int) -> int:
    """Remove files stored for the job's rows but never recorded; return how many were removed."""
    with wenshu.database.session() as session:
        staged = session.scalars(
            select(BatchItem).where(
                BatchItem.job_id == job_id, BatchItem.status == PENDING, BatchItem.staged_path != ""
            )
        ).all()
        paths = [
            path for item in staged for path in (item.staged_path, item.staged_ofd_path) if path
        ]
        for item in staged:
            item.staged_path = item.staged_ofd_path = ""
    present = [path for path in paths if wenshu.archive.absolute(path).exists()]
    removed = discard_unrecorded(wenshu.database, wenshu.archive, present)
    return len(removed) + sweep_incoming(wenshu.archive)


def sweep_incoming(store: ArchiveStore, min_age: float = 2.0) -> int:
    """Remove temporary files a killed writer left in the store; return how many.

    A file is left over when no process has it open and it has not been written to for
    min_age seconds; a writer that is alive holds its file open until it renames it.
    """
    incoming = (store.root / TEMPORARY_DIR).resolve()
    if not incoming.is_dir():
        return 0
    candidates = []
    for path in incoming.iterdir():
        try:
            if time.time() - path.stat().st_mtime > min_age:
                candidates.append(path)
        except FileNotFoundError:  # renamed into place meanwhile
            continue
    if not candidates:
        return 0
    held = _open_files()
    removed = 0
    for path in candidates:
        if str(path) not in held:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _open_files() -> set[str]:
    """Return the paths every process on this machine has open, as far as we may see them."""
    found = set()
    for descriptors in Path("/proc").glob("[0-9]*/fd"):
        try:
            for descriptor in descriptors.iterdir():
                try:
                    found.add(os.readlink(descriptor))
                except OSError:
                    continue
        except OSError:
            continue
    return found
