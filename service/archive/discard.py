"""Removing stored files whose record was never committed, and only those."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from service.archive.store import ArchiveStore
from service.database.engine import Database
from service.database.models import Document

log = logging.getLogger(__name__)


def discard_unrecorded(database: Database, store: ArchiveStore, paths: Iterable[str]) -> list[str]:
    """Remove each stored file that no committed document refers to; return those removed.

    The store is content-addressed, so a writer that lost its number may have stored the
    very bytes the winner's record refers to (the same facts, number and second); and a
    commit that raised may have been made after all. Such a file stays. When the database
    cannot say, every file stays: `wenshu archive verify` lists one left over as extra.
    """
    wanted = list(dict.fromkeys(path for path in paths if path))
    if not wanted:
        return []
    try:
        with database.session() as session:
            query = select(Document.pdf_path).where(Document.pdf_path.in_(wanted))
            recorded = set(session.scalars(query))
            ofd = select(Document.ofd_path).where(Document.ofd_path.in_(wanted))
            recorded |= set(session.scalars(ofd))
    except SQLAlchemyError as error:
        log.warning("kept %d stored files: the database could not say if they are recorded (%s)",
                    len(wanted), error)  # fmt: skip
        return []
    removed = [path for path in wanted if path not in recorded]
    for path in removed:
        store.discard(path)
    return removed
