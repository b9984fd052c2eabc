"""Closed cases for the case-file tests: the shared story's case from 立案 to 结案, and a short one for refusals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from service.acts.extensions import approve_extension, request_extension
from service.acts.issuing import issue_document
from service.acts.opening import open_approved_case
from service.archive.voiding import void_document
from service.cases.status import CLOSED
from service.database.models import Case, Document
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests import sealed
from tests.casework import CLERK, HEAD, approval, case_ready_for, issue_step, with_directory
from tests.conftest import sample

CLOSED_ON = dt.date(2026, 5, 20)  # the sample 结案报告's closing date
# The steps of the story's file in the procedure's order; each served one is followed by its
# 送达回证 (service_receipt_id).
STEPS = (
    "case_opening",
    "site_record",
    "inquiry_record",
    "penalty_notice",
    "hearing_notice",
    "hearing_record",
    "legal_review",
    "collective_discussion",
    "penalty_decision",
    "case_closing",
)
FILED_COUNT = (
    13  # the ten steps and the 送达回证 of the notice, the hearing notice and the decision
)
SEALED_COUNT = 6  # the notice, the hearing notice, the decision and their three receipts


def closed_case(wenshu: Wenshu) -> int:
    """Return the id of the story's case, closed by its 结案报告, every sealed instrument signed.

    Before the closing an inspection record is issued in the case and voided, and the head
    approves an extension of the time limit: the file leaves the one out and lists the other.
    """
    sealed.install(wenshu)
    case_id = case_ready_for(wenshu, "case_closing")
    void_in_case(wenshu, case_id)
    extension = request_extension(wenshu, case_id, 30, "当事人申请听证，案情复杂", CLERK)
    approve_extension(wenshu, extension.id, HEAD, "同意延长30日", via="api")
    issue_step(wenshu, "case_closing", case_id)
    return case_id


def short_closed_case(wenshu: Wenshu) -> int:
    """Return the id of a case opened, investigated and marked closed in its record, unsealed.

    Enough for what is refused before any conversion (the fast tier's blank pages).
    """
    with_directory(wenshu)
    opening = open_approved_case(wenshu, sample("case_opening"), CLERK, approval())
    case_id = opening.case_id
    assert case_id is not None
    for kind in ("site_record", "inquiry_record"):
        issue_step(wenshu, kind, case_id)
    with wenshu.database.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.status, case.closed_on = CLOSED, CLOSED_ON
    return case_id


def open_case(wenshu: Wenshu) -> int:
    """Return the id of the story's case just opened: its 立案审批表 approved, nothing else."""
    with_directory(wenshu)
    opening = open_approved_case(wenshu, sample("case_opening"), CLERK, approval())
    assert opening.case_id is not None
    return opening.case_id


def void_in_case(wenshu: Wenshu, case_id: int) -> Document:
    """Issue an inspection record in the case and void it, as a record made in error."""
    wrong = issue_document(
        wenshu, "inspection_record", sample("inspection_record"), CLERK, case_id=case_id
    )
    with wenshu.database.session() as session:
        void_document(session, wrong.id, "记错了被检查单位", HEAD)
    return wrong


def case_documents(wenshu: Wenshu, case_id: int) -> list[Document]:
    """Return the issued documents of a case, oldest first."""
    with wenshu.database.session() as session:
        return list(
            session.scalars(
                select(Document)
                .where(Document.case_id == case_id, Document.status == "issued")
                .order_by(Document.id)
            )
        )


def filed_order(documents: list[Document]) -> list[Document]:
    """Return the story's documents in the order its file must hold them.

    Each step's document, then the 送达回证 its record names: worked out from the story,
    apart from the order the file is made in.
    """
    by_id = {document.id: document for document in documents}
    ordered = []
    for kind in STEPS:
        document = next(d for d in documents if d.kind == kind)
        ordered.append(document)
        if document.service_receipt_id is not None:
            ordered.append(by_id[document.service_receipt_id])
    assert len(ordered) == len(documents) == FILED_COUNT
    return ordered


def printed_opinion(wenshu: Wenshu, document: Document) -> str:
    """Return the head's opinion as the approved document printed it (its kept context)."""
    with wenshu.database.session() as session:
        context = session.scalar(select(Document.context).where(Document.id == document.id))
    assert context is not None and context.get("approval")
    return str(context["approval"]["opinion"])


def is_sealed_kind(document: Document) -> bool:
    """Return whether a document's kind bears the bureau's seal."""
    return get_instrument(document.kind).seal
