"""A case as the procedure reads it: its record, its issued instruments and approved extensions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.cases.status import case_status
from service.database.models import Case, Document, Submission

EXTENSION = "extension"  # the Submission kind of a request to extend a case's time limit
AWAITING_APPROVAL, RETURNED, APPROVED = "awaiting_approval", "returned", "approved"


@dataclass(frozen=True)
class CaseDocument:
    """One instrument issued in a case, as the procedure and the case page read it."""

    id: int
    kind: str
    title: str
    number: str
    status: str
    document_date: dt.date
    facts: dict[str, Any]
    served_on: dt.date | None
    issued_at: dt.datetime


@dataclass(frozen=True)
class CaseFile:
    """A case and everything issued in it, oldest first."""

    id: int
    number: str | None
    status: str
    cause: str
    party: str
    opened_on: dt.date
    closed_on: dt.date | None
    facts: dict[str, Any]
    documents: tuple[CaseDocument, ...]
    extension_days: int  # the days of every approved extension, added up

    def issued(self, kind: str) -> list[CaseDocument]:
        """Return the issued (not voided) instruments of a kind, oldest first."""
        return [d for d in self.documents if d.kind == kind and d.status == "issued"]

    def latest(self, kind: str) -> CaseDocument | None:
        """Return the newest issued instrument of a kind, if any."""
        found = self.issued(kind)
        return found[-1] if found else None


class NoSuchCase(LookupError):
    """Raised for a case id or number that names no case."""

    def __str__(self) -> str:
        return f"没有案件 {self.args[0]}"


def load_case(session: Session, case_id: int) -> CaseFile:
    """Return the case with its instruments and approved extensions, or raise NoSuchCase."""
    case = session.get(Case, case_id)
    if case is None:
        raise NoSuchCase(case_id)
    rows = session.scalars(
        select(Document).where(Document.case_id == case_id).order_by(Document.id)
    )
    documents = tuple(_case_document(row) for row in rows)
    extensions = session.scalars(
        select(Submission).where(
            Submission.case_id == case_id,
            Submission.kind == EXTENSION,
            Submission.status == APPROVED,
        )
    )
    return CaseFile(
        id=case.id, number=case.number, status=case.status, cause=case.cause, party=case.party,
        opened_on=case.opened_on, closed_on=case.closed_on, facts=case.facts, documents=documents,
        extension_days=sum(int(extension.facts.get("days", 0)) for extension in extensions),
    )  # fmt: skip


def _case_document(row: Document) -> CaseDocument:
    """Return the procedure's view of one document of the case."""
    return CaseDocument(
        id=row.id, kind=row.kind, title=row.title, number=row.number, status=row.status,
        document_date=row.document_date, facts=row.facts, served_on=row.served_on,
        issued_at=row.issued_at,
    )  # fmt: skip


def waiting_submission(session: Session, case_id: int | None, kind: str) -> int | None:
    """Return the id of the case's submission of a kind that still waits for the head, if any."""
    return session.scalar(
        select(Submission.id).where(
            Submission.kind == kind,
            Submission.case_id == case_id,
            Submission.status == AWAITING_APPROVAL,
        )
    )


def case_id_for_number(session: Session, number: str) -> int:
    """Return the id of the case with this number, or raise NoSuchCase."""
    found = session.scalar(select(Case.id).where(Case.number == number))
    if found is None:
        raise NoSuchCase(number)
    return found


def refresh_status(session: Session, case_id: int) -> str:
    """Store and return the case's status as its instruments now show it."""
    case_file = load_case(session, case_id)
    status = case_status(case_file.number is not None, case_file.documents)
    case = session.get(Case, case_id)
    assert case is not None  # load_case found it
    case.status = status
    closing = case_file.latest("case_closing")
    case.closed_on = closing.document_date if closing else None
    return status
