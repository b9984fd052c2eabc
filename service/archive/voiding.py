"""Voiding an issued document: it stays in the archive, its 文号 stays used, a reason is kept."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.archive.audit import record_event
from service.database.models import Document, utcnow
from service.foundations.plaintext import unprintable

MAX_REASON = 500


class VoidRefused(ValueError):
    """Raised when a document cannot be voided as asked; the message says why, in Chinese."""


class NoSuchDocument(LookupError):
    """Raised for a document id that is not in the archive."""


def void_document(session: Session, document_id: int, reason: str, by: str) -> Document:
    """Return the document after marking it voided with the reason, by whom and when.

    Only status, reason, voider and time change: number, file, fixity values and facts
    never do. Raises NoSuchDocument, or VoidRefused for a blank or overlong reason or a
    document already voided.
    """
    reason = reason.strip()
    if not reason:
        raise VoidRefused("请填写作废原因")
    if len(reason) > MAX_REASON:
        raise VoidRefused(f"作废原因不能超过{MAX_REASON}个字（现为{len(reason)}个字）")
    problem = unprintable(reason, multiline=True)
    if problem:
        raise VoidRefused(f"作废原因中{problem}")
    # Compare-and-set on the status, so that two clerks voiding at once cannot both succeed.
    changed = session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == "issued")
        .values(status="voided", void_reason=reason, voided_by=by, voided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise NoSuchDocument(document_id)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        when = document.voided_at.strftime("%Y-%m-%d %H:%M") if document.voided_at else ""
        raise VoidRefused(f"{document.number}已于{when}由{document.voided_by}作废，不能重复作废")
    record_event(
        session, "void", by, document.number, {"document_id": document_id, "reason": reason}
    )
    return document
