"""Voiding an issued document (with every copy of it): it stays in the archive, its 文号 stays used."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from service.archive.audit import record_event
from service.archive.due_rows import forget_voided
from service.database.batch_models import DONE, BatchItem, BatchJob
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
    never do. A copy of a document sent to many units is the document: voiding one voids
    every copy sharing its 文号, once all of them are issued. A voided 送达回证 leaves the
    document it served unserved again; its due items go, and what it settled is due again
    (service.archive.due_rows). Raises NoSuchDocument, or
    VoidRefused for a blank or overlong reason, a document already voided, or one whose
    batch is still issuing copies.
    """
    reason = reason.strip()
    if not reason:
        raise VoidRefused("请填写作废原因")
    if len(reason) > MAX_REASON:
        raise VoidRefused(f"作废原因不能超过{MAX_REASON}个字（现为{len(reason)}个字）")
    problem = unprintable(reason, multiline=True)
    if problem:
        raise VoidRefused(f"作废原因中{problem}")
    document = session.get(Document, document_id)
    if document is None:
        raise NoSuchDocument(document_id)
    copies = _copies_of(document)
    unfinished = _unfinished_batch(session, copies)
    if unfinished is not None:
        raise VoidRefused(
            f"{document.number}的批量任务 #{unfinished} 尚未发完各份，"
            "请待其完成（或继续完成）后再作废，以免作废后仍有新的副本生成"
        )
    # Compare-and-set on the status, so that two clerks voiding at once cannot both succeed.
    changed = session.execute(
        update(Document)
        .where(copies, Document.status == "issued")
        .values(status="voided", void_reason=reason, voided_by=by, voided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:  # records are never deleted; but one removed by hand is not there
        raise NoSuchDocument(document_id)
    if changed.rowcount == 0:  # type: ignore[attr-defined]
        when = document.voided_at.strftime("%Y-%m-%d %H:%M") if document.voided_at else ""
        raise VoidRefused(f"{document.number}已于{when}由{document.voided_by}作废，不能重复作废")
    details: dict[str, object] = {"document_id": document_id, "reason": reason}
    if document.copy_number:
        details["copies"] = changed.rowcount  # type: ignore[attr-defined]
    forget_voided(session, select(Document.id).where(copies))
    unserved = _unserve(session, document_id)
    if unserved is not None:
        details["unserved_document_id"] = unserved
    record_event(session, "void", by, document.number, details)
    return document


def _unserve(session: Session, receipt_id: int) -> int | None:
    """Return the id of the document a voided 送达回证 served, now waiting to be served again.

    A voided receipt proves no service: the document's served_on goes with it, so that a
    correct receipt can be issued and no time limit runs from a service not proved.
    """
    served = session.scalar(select(Document.id).where(Document.service_receipt_id == receipt_id))
    if served is not None:
        session.execute(
            update(Document)
            .where(Document.id == served)
            .values(served_on=None, service_receipt_id=None)
            .execution_options(synchronize_session=False)
        )
    return served


def _copies_of(document: Document) -> ColumnElement[bool]:
    """Return the condition naming the document and, for a copy, every copy of its 文号."""
    if not document.copy_number:
        return Document.id == document.id
    return and_(
        Document.series == document.series,
        Document.year == document.year,
        Document.sequence == document.sequence,
        Document.copy_number > 0,
    )


def _unfinished_batch(session: Session, copies: ColumnElement[bool]) -> int | None:
    """Return the id of an unfinished batch job that issued some of the copies, if there is one."""
    return session.scalar(
        select(BatchJob.id)
        .join(BatchItem, BatchItem.job_id == BatchJob.id)
        .join(Document, Document.id == BatchItem.document_id)
        .where(copies, Document.copy_number > 0, BatchJob.status != DONE)
        .limit(1)
    )
