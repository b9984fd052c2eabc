"""What the case pages read: the register of cases, a case's timeline, the submissions awaiting the head."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from service.cases.records import APPROVED, AWAITING_APPROVAL, EXTENSION, RETURNED
from service.database.models import Case, Document, Submission
from service.instruments.registry import INSTRUMENTS

SUBMITTED, ISSUED = "submitted", "issued"  # the timeline's own events beside the decisions


def case_register(session: Session, status: str | None = None) -> list[Case]:
    """Return the cases, newest first, only those of one status if given."""
    query = select(Case).order_by(Case.id.desc())
    if status is not None:
        query = query.where(Case.status == status)
    return list(session.scalars(query))


def status_counts(session: Session) -> Counter[str]:
    """Return how many cases there are of each status."""
    return Counter(session.scalars(select(Case.status)))


def submission_title(kind: str) -> str:
    """Return what a submission asks the head to approve, in words."""
    if kind == EXTENSION:
        return "延长办案期限"
    instrument = INSTRUMENTS.get(kind)
    return instrument.title if instrument else kind


@dataclass(frozen=True)
class Event:
    """One line of a case's timeline: an instrument issued, or a submission and its decision."""

    at: dt.datetime
    what: str  # ISSUED, SUBMITTED, APPROVED or RETURNED
    title: str  # the instrument's title, or 延长办案期限
    by: str
    opinion: str = ""  # the head's opinion, or the reason a submission was returned
    document: Document | None = None  # the instrument issued (ISSUED), or approved (APPROVED)
    receipt: Document | None = None  # the 送达回证 of a served instrument, if recorded
    submission: Submission | None = None


def case_timeline(
    session: Session, case_id: int, documents_shown: ColumnElement[bool] | None = None
) -> list[Event]:
    """Return what happened in the case, oldest first: instruments, submissions, decisions.

    documents_shown is the reader's 密级 condition (service.archive.access.shown): a document
    the reader may not see is left out, with the approval that numbered it.
    """
    condition = true() if documents_shown is None else documents_shown
    documents = list(
        session.scalars(
            select(Document).where(Document.case_id == case_id, condition).order_by(Document.id)
        )
    )
    receipt_ids = [d.service_receipt_id for d in documents if d.service_receipt_id is not None]
    receipts = {
        receipt.id: receipt
        for receipt in session.scalars(
            select(Document).where(Document.id.in_(receipt_ids), condition)
        )
    }
    submissions = case_submissions(session, case_id)
    return merged_timeline(documents, receipts, submissions)


def merged_timeline(
    documents: Sequence[Document], receipts: dict[int, Document], submissions: Iterable[Submission]
) -> list[Event]:
    """Return the events of the documents and submissions in the order they happened.

    An approval is shown just before the document it numbered, although it is settled in
    the same transaction a moment later: the head approved, then the document was issued.
    """
    by_id = {document.id: document for document in documents}
    events: list[tuple[dt.datetime, int, Event]] = []
    for document in documents:
        receipt = receipts.get(document.service_receipt_id or 0)
        issued = Event(document.issued_at, ISSUED, document.title, document.issued_by,
                       document=document, receipt=receipt)  # fmt: skip
        events.append((document.issued_at, 1, issued))
    for row in submissions:
        title = submission_title(row.kind)
        submitted = Event(row.submitted_at, SUBMITTED, title, row.submitted_by, submission=row)
        events.append((row.submitted_at, 0, submitted))
        if row.status == RETURNED and row.decided_at is not None:
            returned = Event(row.decided_at, RETURNED, title, row.decided_by, row.opinion,
                             submission=row)  # fmt: skip
            events.append((row.decided_at, 0, returned))
        elif row.status == APPROVED and row.decided_at is not None:
            numbered = by_id.get(row.document_id or 0)
            if row.kind != EXTENSION and numbered is None:
                continue  # the document is of a 密级 the reader may not see
            approved = Event(row.decided_at, APPROVED, title, row.decided_by, row.opinion,
                             document=numbered, submission=row)  # fmt: skip
            events.append((numbered.issued_at if numbered else row.decided_at, 0, approved))
    events.sort(key=lambda event: (event[0], event[1]))
    return [event for _, _, event in events]


def case_submissions(session: Session, case_id: int) -> list[Submission]:
    """Return every submission of the case, oldest first."""
    query = select(Submission).where(Submission.case_id == case_id).order_by(Submission.id)
    return list(session.scalars(query))


def open_returns(submissions: Sequence[Submission]) -> list[Submission]:
    """Return the returned submissions not yet submitted again: the newest of their kind."""
    newest: dict[str, Submission] = {}
    for row in submissions:
        newest[row.kind] = row
    return [row for row in newest.values() if row.status == RETURNED]


def awaiting_approval(session: Session) -> list[tuple[Submission, Case | None]]:
    """Return every submission waiting for the head, oldest first, each with its case."""
    query = (
        select(Submission, Case)
        .outerjoin(Case, Submission.case_id == Case.id)
        .where(Submission.status == AWAITING_APPROVAL)
        .order_by(Submission.id)
    )
    return [(submission, case) for submission, case in session.execute(query)]


def own_submissions(session: Session, username: str) -> tuple[list[Submission], list[Submission]]:
    """Return a clerk's submissions still waiting for the head, and those returned not yet resubmitted.

    A returned submission counts until a newer one of its kind is made in its case, by
    anyone: the clerk's desk then lists the newer one instead, or nothing.
    """
    query = select(Submission).order_by(Submission.id)
    mine = {
        row.case_id for row in session.scalars(query.where(Submission.submitted_by == username))
    }
    newest: dict[tuple[int | None, str], Submission] = {}
    for row in session.scalars(
        query.where(Submission.case_id.in_(sorted(case for case in mine if case is not None)))
    ):
        newest[(row.case_id, row.kind)] = row
    for row in session.scalars(
        query.where(Submission.case_id.is_(None), Submission.submitted_by == username)
    ):
        newest[(None, row.kind + str(row.id))] = row
    latest = [row for row in newest.values() if row.submitted_by == username]
    waiting = [row for row in latest if row.status == AWAITING_APPROVAL]
    returned = [row for row in latest if row.status == RETURNED]
    return waiting, sorted(
        returned, key=lambda row: row.decided_at or row.submitted_at, reverse=True
    )
