"""A case as the procedure reads it: its record, its issued instruments and approved extensions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
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


# The columns of a CaseDocument, in its fields' order: read as plain values, not ORM rows.
DOCUMENT_COLUMNS = (
    Document.id, Document.kind, Document.title, Document.number, Document.status,
    Document.document_date, Document.facts, Document.served_on, Document.issued_at,
)  # fmt: skip


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
    found = load_cases(session, [case_id])
    if not found:
        raise NoSuchCase(case_id)
    return found[0]


def load_cases(session: Session, case_ids: Sequence[int]) -> list[CaseFile]:
    """Return the cases of case_ids that exist, in that order, each with its instruments and
    approved extensions: three queries however many cases are asked for."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return []
    cases = {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(wanted)))}
    documents: dict[int, list[CaseDocument]] = defaultdict(list)
    rows = session.execute(
        select(Document.case_id, *DOCUMENT_COLUMNS)
        .where(Document.case_id.in_(wanted))
        .order_by(Document.id)
    )
    for case_id, *values in rows:
        documents[case_id].append(CaseDocument(*values))
    days: dict[int, int] = defaultdict(int)
    extensions = session.execute(
        select(Submission.case_id, Submission.facts).where(
            Submission.case_id.in_(wanted),
            Submission.kind == EXTENSION,
            Submission.status == APPROVED,
        )
    )
    for case_id, facts in extensions:
        days[case_id] += int(facts.get("days", 0))
    found = []
    for case in (cases[case_id] for case_id in case_ids if case_id in cases):
        case_file = CaseFile(
            id=case.id, number=case.number, status=case.status, cause=case.cause,
            party=case.party, opened_on=case.opened_on, closed_on=case.closed_on,
            facts=case.facts, documents=tuple(documents[case.id]),
            extension_days=days[case.id],
        )  # fmt: skip
        found.append(case_file)
    return found


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
