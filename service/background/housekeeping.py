"""Clearing what users left unfinished: staged batch uploads and template candidates never published."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from dataclasses import dataclass

from sqlalchemy import select

from service.accounts.stale import forget_stale_sign_ins
from service.database.models import TemplateVersion, utcnow
from service.foundations.periodic import Every
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


class Housekeeper(Every):
    """A daemon thread sweeping stale uploads, candidates and ended sign-ins now and every day."""

    def __init__(self, wenshu: Wenshu, every: dt.timedelta = EVERY) -> None:
        super().__init__("wenshu-housekeeping", every.total_seconds())
        self.wenshu = wenshu

    def work(self) -> None:
        """Sweep, and say in the log what went."""
        swept = sweep_stale(self.wenshu)
        idle = dt.timedelta(minutes=self.wenshu.settings.session_idle_minutes)
        forget_stale_sign_ins(self.wenshu.database, utcnow(), idle)
        if swept.uploads or swept.candidates:
            log.info("removed %d stale batch uploads and %d unpublished template candidates",
                     swept.uploads, swept.candidates)  # fmt: skip
