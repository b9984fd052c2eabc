"""The due_items table kept in step with the archive: items written on issue, settled by follow-ups.

What an item says and what settles it are the rules of service.acts.duedates, applied to the
document and to one follow-up at a time; the queries here only find the candidates.

A row names one follow-up that settles it: of those issued, the least classified (then the
first), so that a reader who may not see a 秘密 follow-up still finds the item settled by a
公开 one. The pages count an item settled only by a follow-up the reader may see
(service.acts.duedates.open_rows), as if the others did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, and_, case, or_, select, true
from sqlalchemy.orm import Session

from forms.fields import archived_date
from service.acts.due_backfill import backfill as backfill_table
from service.acts.duedates import (
    CORRECTION,
    FOLLOW_UP_VISIT,
    FOLLOW_UPS,
    ITEM_KINDS,
    REVIEW_WINDOW,
    SETTLER,
    DueItem,
    own_items,
    settled_items,
)
from service.archive.access import DEFAULT_CLASSIFIED_ROLES
from service.database.models import Document, DueItemRow, utcnow

ISSUED = Document.status == "issued"
# 密级 from the most open to the most closed; an unknown one is closed most of all.
OPENNESS = {name: rank for rank, name in enumerate(DEFAULT_CLASSIFIED_ROLES)}
CLOSED_MOST = len(OPENNESS)


def _closed(classification: str) -> int:
    """Return how closed a 密级 is: 0 for 公开, more for each level up."""
    return OPENNESS.get(classification, CLOSED_MOST)


def _closed_sql(document: type[Document]) -> ColumnElement[int]:
    """Return _closed of a document's 密级, in SQL."""
    return case(OPENNESS, value=document.classification, else_=CLOSED_MOST)


def record_due(session: Session, document: Document) -> None:
    """Write the items an issued document sets and settle what it answers, in the caller's transaction.

    An item is settled at once when its follow-up is already in the archive (a report
    received before the order to file it was issued, say).
    """
    record_due_all(session, [document])


def record_due_all(session: Session, documents: Sequence[Document]) -> None:
    """Write the items of documents issued together (a batch's chunk), flushed once, and settle as record_due does."""
    issued = [document for document in documents if document.status == "issued"]
    owned = [
        (_row(document, item), document)
        for document in issued
        if document.kind in ITEM_KINDS
        for item in own_items(document)
    ]
    session.add_all(row for row, _document in owned)
    session.flush()
    for row, document in owned:
        _settle_from_archive(session, row, document)
    for document in issued:
        if document.kind in FOLLOW_UPS:
            for row, record in _answered(session, document):
                if _settles(record, document, row):
                    _settle(row, document)
    session.flush()


def resettle(session: Session, row_ids: Sequence[int]) -> None:
    """Settle again the unsettled items among row_ids that another issued follow-up answers."""
    if not row_ids:
        return
    query = (
        select(DueItemRow, Document)
        .join(Document, Document.id == DueItemRow.document_id)
        .where(DueItemRow.id.in_(row_ids), DueItemRow.settled_at.is_(None), ISSUED)
    )
    for row, record in session.execute(query).all():
        _settle_from_archive(session, row, record)
    session.flush()


def backfill(session: Session) -> None:
    """Fill the table from the archive, as migration 0014 does (service.acts.due_backfill)."""
    backfill_table(session.connection())
    session.expire_all()


def _row(document: Document, item: DueItem) -> DueItemRow:
    """Return the table's row for one item a document sets."""
    return DueItemRow(
        document_id=document.id,
        case_id=document.case_id,
        matter=item.matter,
        due=item.due,
        what=item.what,
        unit=item.unit,
        year=item.year,
        number=item.number,
        note=item.note,
        classification=document.classification,
    )


def _settles(record: Document, follow_up: Document, row: DueItemRow) -> bool:
    """Return whether the rules say follow_up settles the row's item of record."""
    return any(
        (item.matter, item.what, item.due) == (row.matter, row.what, row.due)
        for item in settled_items(record, follow_up)
    )


def _settle(row: DueItemRow, follow_up: Document) -> None:
    """Mark the row settled by the follow-up, now."""
    row.settled_at = utcnow()
    row.settled_by_document_id = follow_up.id


def _settle_from_archive(session: Session, row: DueItemRow, record: Document) -> None:
    """Settle the row by the first issued follow-up in the archive that answers it, if any."""
    candidates = select(Document).where(_follow_ups_of(row, record), ISSUED)
    for follow_up in session.scalars(candidates.order_by(_closed_sql(Document), Document.id)):
        if _settles(record, follow_up, row):
            _settle(row, follow_up)
            return


def _follow_ups_of(row: DueItemRow, record: Document) -> ColumnElement[bool]:
    """Return the condition on documents that may settle the row (the rules decide)."""
    if row.matter == REVIEW_WINDOW:  # a 复查决定 comes after its notice: read only those
        return and_(
            Document.kind == "review_decision",
            Document.document_date >= record.document_date,
            Document.facts["notice_number"].as_string() == row.number,
        )
    if row.matter != CORRECTION:
        return ~true()
    if row.year is not None:  # the report's 报告年度 and the summary's 审核年度, by index
        return and_(
            Document.about_year == row.year,
            or_(
                and_(Document.kind == "annual_report", Document.recipient == row.unit),
                Document.kind == "audit_summary",
            ),
        )
    return and_(
        Document.kind == "inspection_record",
        Document.recipient == row.unit,
        Document.facts["inspection_kind"].as_string() == FOLLOW_UP_VISIT,
    )


def _answered(session: Session, follow_up: Document) -> Iterable[tuple[DueItemRow, Document]]:
    """Return the rows (with their documents) that the follow-up may settle: unsettled, or settled by a more closed one."""
    facts = follow_up.facts
    condition: ColumnElement[bool]
    if follow_up.kind == "review_decision":
        condition = and_(
            DueItemRow.matter == REVIEW_WINDOW,
            DueItemRow.number == str(facts.get("notice_number") or ""),
        )
    elif follow_up.kind == "annual_report":
        condition = and_(
            DueItemRow.matter == CORRECTION,
            DueItemRow.year == facts.get("report_year"),
            DueItemRow.unit == str(facts.get("unit") or "").strip(),
        )
    elif follow_up.kind == "audit_summary":
        rows = facts.get("paper_reports") or []
        units = {str(row.get("unit") or "").strip() for row in rows if isinstance(row, dict)}
        condition = and_(
            DueItemRow.matter == CORRECTION,
            DueItemRow.year == facts.get("audit_year"),
            DueItemRow.unit.in_(sorted(units - {""})),
        )
    elif facts.get("inspection_kind") == FOLLOW_UP_VISIT:
        # A 回访 checks what was ordered on or before its day: later ones are not read.
        day = archived_date(facts.get("inspection_date")) or follow_up.document_date
        condition = and_(
            DueItemRow.matter == CORRECTION,
            DueItemRow.year.is_(None),
            DueItemRow.unit == str(facts.get("unit") or "").strip(),
            Document.document_date <= day,
        )
    else:
        return []
    settler = SETTLER
    query = (
        select(DueItemRow, Document)
        .join(Document, Document.id == DueItemRow.document_id)
        .outerjoin(settler, settler.id == DueItemRow.settled_by_document_id)
        .where(
            condition,
            ISSUED,
            or_(
                DueItemRow.settled_at.is_(None),
                _closed_sql(settler) > _closed(follow_up.classification),
            ),
        )
    )
    return [(row, record) for row, record in session.execute(query).all()]
