"""The shared story's case, step by step: a case ready for any kind, and any kind issued as a clerk would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from service.acts.casework import Approval
from service.acts.issuing import issue_document
from service.acts.opening import open_approved_case
from service.acts.serving import serve_document
from service.archive.units import import_units
from service.database.models import Document
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests.conftest import sample
from tests.drawn import issuable

HEAD = "刘建平"
CLERK = "李卫东"
UNITS = Path(__file__).resolve().parents[1] / "samples" / "units.csv"
# The story's steps in procedural order, each with the day it is served when it is (None: not).
STEPS: tuple[tuple[str, dt.date | None], ...] = (
    ("case_opening", None),
    ("site_record", None),
    ("inquiry_record", None),
    ("penalty_notice", dt.date(2026, 3, 11)),
    ("hearing_notice", dt.date(2026, 3, 16)),
    ("hearing_record", None),
    ("legal_review", None),
    ("collective_discussion", None),
    ("penalty_decision", dt.date(2026, 4, 17)),
    ("case_closing", None),
)
KINDS = tuple(kind for kind, _served in STEPS)


def approval(day: dt.date = dt.date(2026, 2, 4), opinion: str = "同意立案调查") -> Approval:
    """Return the head's approval as the command line gives it."""
    return Approval(head=HEAD, opinion=opinion, day=day, via="cli")


def with_directory(wenshu: Wenshu) -> None:
    """Fill the unit directory from the sample table (the story's party is in it)."""
    with wenshu.database.session() as session:
        import_units(session, UNITS)


def case_ready_for(wenshu: Wenshu, kind: str, user: str = CLERK) -> int:
    """Return a new case of the story in which kind is the next step, every earlier one done."""
    with_directory(wenshu)
    opening = open_approved_case(wenshu, sample("case_opening"), user, approval())
    case_id = opening.case_id
    assert case_id is not None
    for step, served_on in STEPS[1 : KINDS.index(kind)]:
        issued = issue_step(wenshu, step, case_id, user)
        if served_on is not None:
            serve(wenshu, issued, served_on, user)
    return case_id


def issue_step(
    wenshu: Wenshu, kind: str, case_id: int, user: str = CLERK, facts: dict[str, Any] | None = None
) -> Document:
    """Issue one step of the case from its sample, approved by the head where it must be."""
    needs = approval(dt.date(2026, 4, 16), "同意") if get_instrument(kind).approval else None
    return issue_document(
        wenshu, kind, sample(kind) if facts is None else facts, user, case_id=case_id,
        approval=needs,
    )  # fmt: skip


def serve(wenshu: Wenshu, document: Document, served_on: dt.date, user: str = CLERK) -> Document:
    """Serve a document directly to its recipient on the day, returning the 送达回证."""
    raw = {
        "served_on": served_on.isoformat(),
        "method": "直接送达",
        "recipient": document.recipient,
    }
    return serve_document(wenshu, document.id, raw, user, today=dt.date(2026, 12, 1))


def issue_sample(
    wenshu: Wenshu, kind: str, user: str = CLERK, facts: dict[str, Any] | None = None
) -> Document:
    """Issue a kind as a clerk would: a case kind in a case brought to its step, any other as is."""
    instrument = get_instrument(kind)
    if kind == "case_opening":
        with_directory(wenshu)
        chosen = sample(kind) if facts is None else facts
        return open_approved_case(wenshu, chosen, user, approval())
    if kind == "service_receipt":
        case_id = case_ready_for(wenshu, "hearing_notice", user)
        notice = next(d for d in case_documents(wenshu, case_id) if d.kind == "penalty_notice")
        with wenshu.database.session() as session:
            receipt = session.get(Document, notice.service_receipt_id)
        assert receipt is not None
        return receipt
    if instrument.case == "required":
        return issue_step(wenshu, kind, case_ready_for(wenshu, kind, user), user, facts)
    return issue_document(wenshu, kind, issuable(wenshu, kind, user, facts), user)


def case_documents(wenshu: Wenshu, case_id: int) -> list[Document]:
    """Return the documents of a case, oldest first."""
    with wenshu.database.session() as session:
        return list(
            session.scalars(
                select(Document).where(Document.case_id == case_id).order_by(Document.id)
            )
        )
