"""The copies a batch job issued, as its page lists them: row, recipient, 文号, 份号 and document."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from service.archive.access import Visibility, shown
from service.database.batch_models import DONE, BatchItem
from service.database.models import Document
from service.foundations.formatting import format_copy_number
from service.services import Wenshu


@dataclass(frozen=True)
class JobCopy:
    """One issued copy of a job, with the id of its archived document."""

    row_number: int
    document_id: int
    recipient: str
    number: str
    copy_number: int
    status: str

    @property
    def copy_label(self) -> str:
        """Return the 份号 as printed (000001), or "" for a document of its own."""
        return format_copy_number(self.copy_number) if self.copy_number else ""


def job_copies(wenshu: Wenshu, job_id: int, classifications: Visibility = None) -> list[JobCopy]:
    """Return the job's issued copies in row order, those of the 密级 in classifications (None: all)."""
    query = (
        select(BatchItem.row_number, Document)
        .join(Document, Document.id == BatchItem.document_id)
        .where(BatchItem.job_id == job_id, BatchItem.status == DONE, shown(classifications))
        .order_by(BatchItem.row_number)
    )
    with wenshu.database.session() as session:
        return [
            JobCopy(row, d.id, d.recipient, d.number, d.copy_number or 0, d.status)
            for row, d in session.execute(query).all()
        ]
