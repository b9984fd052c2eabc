"""Clearing what users left unfinished: staged batch uploads and template candidates never published."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from service.archive.models import TemplateVersion
from service.services import Wenshu

STALE_AFTER = dt.timedelta(days=7)
EVERY = dt.timedelta(hours=24)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Swept:
    """What one sweep removed."""

    uploads: int
    candidates: int


def sweep_stale(wenshu: Wenshu, older_than: dt.timedelta = STALE_AFTER) -> Swept:
    """Remove staged batch uploads and unpublished template candidates untouched for so long.

    A published version's file stays whatever its age; one removed meanwhile by a publish
    racing this sweep comes back from the database, which keeps every version's bytes.
    """
    cutoff = time.time() - older_than.total_seconds()
    uploads = 0
    staged = wenshu.settings.batch_path / "uploads"
    for folder in sorted(staged.iterdir()) if staged.is_dir() else []:
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            uploads += 1
    with wenshu.database.session() as session:
        published = set(session.scalars(select(TemplateVersion.sha256)))
    candidates = 0
    for path in sorted(wenshu.templates.root.glob("*.docx")):
        if path.stem not in published and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            candidates += 1
    return Swept(uploads, candidates)


class Housekeeper:
    """A daemon thread sweeping stale uploads and candidates now and every day."""

    def __init__(self, wenshu: Wenshu, every: dt.timedelta = EVERY) -> None:
        self.wenshu = wenshu
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wenshu-housekeeping", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        """Sweep, then wait a day; an error is logged and the next sweep goes ahead."""
        while True:
            try:
                swept = sweep_stale(self.wenshu)
                if swept.uploads or swept.candidates:
                    log.info("removed %d stale batch uploads and %d unpublished template "
                             "candidates", swept.uploads, swept.candidates)  # fmt: skip
            except Exception:
                log.exception("housekeeping failed")
            if self._stop.wait(self.every.total_seconds()):
                return
