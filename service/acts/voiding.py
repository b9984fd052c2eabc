"""Voiding a mistaken document, and with it the step its case had reached."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.archive.voiding import void_document
from service.cases.records import refresh_status
from service.database.models import Document


def void_issued(session: Session, document_id: int, reason: str, by: str) -> Document:
    """Void the document (service.archive.voiding) and refresh its case's status in the same transaction.

    A voided instrument counts for nothing in the procedure: a case whose 结案报告 or
    decision is voided goes back to the step its remaining instruments show.
    """
    document = void_document(session, document_id, reason, by)
    if document.case_id is not None:
        session.flush()
        refresh_status(session, document.case_id)
    return document
