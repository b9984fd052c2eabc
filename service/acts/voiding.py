"""Voiding a mistaken document, and with it the step its case had reached."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.acts.due_table import resettle
from service.archive.voiding import void_document
from service.cases.records import refresh_status
from service.database.models import Document, DueItemRow


def void_issued(session: Session, document_id: int, reason: str, by: str) -> Document:
    """Void the document (service.archive.voiding) and refresh its case's status in the same transaction.

    A voided instrument counts for nothing in the procedure: a case whose 结案报告 or
    decision is voided goes back to the step its remaining instruments show. Its due items
    go; what it settled is due again unless another issued follow-up settles it.
    """
    voided = session.get(Document, document_id)
    settled = (
        []
        if voided is None
        else list(
            session.scalars(
                select(DueItemRow.id)
                .join(Document, Document.id == DueItemRow.settled_by_document_id)
                .where(Document.number == voided.number)
            )
        )
    )
    document = void_document(session, document_id, reason, by)
    # What the voided follow-up settled is due again, unless another one settles it.
    resettle(session, settled)
    if document.case_id is not None:
        session.flush()
        refresh_status(session, document.case_id)
    return document
