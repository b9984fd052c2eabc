"""What issuing does for a case: check the procedure, print the case and approval, file the document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from service.acts.errors import FactsRefused, NotServable
from service.archive.audit import record_event
from service.cases.procedure import OPENING, refusals
from service.cases.records import (
    APPROVED,
    AWAITING_APPROVAL,
    EXTENSION,
    CaseFile,
    NoSuchCase,
    load_case,
    refresh_status,
)
from service.database.models import Case, Document, Submission, utcnow
from service.foundations.formatting import format_date
from service.instruments.facts import Facts
from service.instruments.registry import Instrument, get_instrument
from service.services import Wenshu

__all__ = ["OPENING", "Approval"]

RECEIPT = "service_receipt"  # the 送达回证: issued by serving a document (service.acts.serving)


class ApprovalRefused(Exception):
    """Raised when a submission cannot be decided: reason is "unknown", "decided" or "own"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


DEFAULT_OPINION = "同意"


def refuse_own(submitted_by: str, head: str) -> None:
    """Raise ApprovalRefused when the head would approve his own submission."""
    if submitted_by == head:
        raise ApprovalRefused("own", "不能审批自己提交的申请：应当由承办人以外的负责人审批")


@dataclass(frozen=True)
class Approval:
    """The head's approval of a submission: who, with what opinion, on which day, by which route."""

    head: str
    opinion: str
    day: dt.date
    submission_id: int | None = None  # None when the command line's operator approved it
    via: str = "web"  # "web", "api" or "cli"

    @classmethod
    def given(
        cls, head: str, opinion: str, submission_id: int, via: str, today: dt.date | None
    ) -> Approval:
        """Return the approval a head gives a submission: a blank opinion is 同意, the day today's."""
        return cls(
            head=head, opinion=opinion.strip() or DEFAULT_OPINION,
            day=today or dt.date.today(), submission_id=submission_id, via=via,
        )  # fmt: skip


def procedure_checked(
    wenshu: Wenshu, instrument: Instrument, facts: Facts, case_id: int | None
) -> CaseFile | None:
    """Return the case the instrument is issued in, or raise FactsRefused naming the missing step."""
    case_file = None
    if case_id is not None:
        with wenshu.database.session() as session:
            try:
                case_file = load_case(session, case_id)
            except NoSuchCase as error:
                raise FactsRefused({"case": [str(error)]}) from None
    errors = refusals(case_file, instrument, facts.values, wenshu.settings.policy)
    if errors:
        raise FactsRefused(errors)
    return case_file


def case_values(case_file: CaseFile | None) -> dict[str, str]:
    """Return the case's number and 立案日期 as the instrument prints them ("" outside a case)."""
    if case_file is None:
        return {"case_number": "", "case_opened_on": ""}
    return {
        "case_number": case_file.number or "",
        "case_opened_on": format_date(case_file.opened_on),
    }


def printed(approval: Approval | None) -> dict[str, str] | None:
    """Return the approval as the 审批表 prints it, or None."""
    if approval is None:
        return None
    return {"head": approval.head, "opinion": approval.opinion, "date": format_date(approval.day)}


def recorded_case(case_file: CaseFile | None, approval: Approval | None) -> dict[str, Any]:
    """Return what the issue's audit entry keeps of the case and the approval."""
    kept: dict[str, Any] = {}
    if case_file is not None:
        kept["case_id"] = case_file.id
    if approval is not None:
        kept["approval"] = {
            "head": approval.head,
            "opinion": approval.opinion,
            "day": approval.day.isoformat(),
            "submission_id": approval.submission_id,
            "via": approval.via,
        }
    return kept


def file_in_case(session: Session, case_id: int, document: Document) -> None:
    """Link the document to its case; an approved 立案审批表 gives the case its number."""
    document.case_id = case_id
    if document.kind == OPENING:  # approved: the case takes its number and its facts as approved
        case = session.get(Case, case_id)
        assert case is not None  # procedure_checked loaded it
        case.number = document.number
        case.facts = document.facts
        case.cause = str(document.facts.get("cause", case.cause))
        case.party = str(document.facts.get("party_name", case.party))
        case.opened_on = document.document_date
    session.flush()
    refresh_status(session, case_id)


def settle_approval(session: Session, approval: Approval, document_id: int | None) -> None:
    """Mark the approved submission issued inside the issuing transaction; raise if decided meanwhile."""
    if approval.submission_id is None:
        record_event(
            session, "approve", approval.head, str(document_id),
            {"document_id": document_id, "via": approval.via, "opinion": approval.opinion},
        )  # fmt: skip
        return
    row = session.get(Submission, approval.submission_id, with_for_update=True)
    if row is None or row.status != AWAITING_APPROVAL:
        raise ApprovalRefused("decided", f"编号 {approval.submission_id} 的申请已经审批过了")
    row.status, row.decided_by, row.decided_at = APPROVED, approval.head, utcnow()
    row.opinion, row.document_id = approval.opinion, document_id
    record_event(
        session, "approve", approval.head, subject_of(row),
        {"submission_id": row.id, "kind": row.kind, "case_id": row.case_id,
         "document_id": document_id, "opinion": approval.opinion, "via": approval.via},
    )  # fmt: skip


def subject_of(row: Submission) -> str:
    """Return what an approval's audit entry is about: the instrument's title or the extension."""
    return "延长办案期限" if row.kind == EXTENSION else get_instrument(row.kind).title


@dataclass(frozen=True)
class Service:
    """The service a 送达回证 records: the document served, on which day, how, and by whom."""

    document_id: int
    served_on: dt.date
    method: str
    served_by: str


def refuse_receipt_without_service(instrument: Instrument, service: Service | None) -> None:
    """Raise FactsRefused for a 送达回证 issued other than by serving its document.

    The receipt marks its document served, in the same transaction; one issued on its own
    would leave the document unserved, and every time limit running from service unknown.
    """
    if instrument.kind == RECEIPT and service is None:
        raise FactsRefused(
            {
                "served_number": [
                    "送达回证在登记送达时生成：请打开所送达的文书，在其页面的“送达”栏登记送达"
                    "（API：POST /api/documents/文书id/service）"
                ]
            }
        )


def record_service(session: Session, service: Service, receipt: Document) -> None:
    """Mark the document served by the receipt inside the issuing transaction; raise NotServable.

    A compare-and-set, as numbering does: of two receipts issued for one document at once,
    or a receipt and a voiding, only one is recorded. The case's status follows the service
    (a decision served puts the case in 执行).
    """
    changed = session.execute(
        update(Document)
        .where(
            Document.id == service.document_id,
            Document.status == "issued",
            Document.service_receipt_id.is_(None),
        )
        .values(served_on=service.served_on, service_receipt_id=receipt.id)
        .execution_options(synchronize_session=False)
    )
    served = session.get(Document, service.document_id, populate_existing=True)
    if served is None or changed.rowcount != 1:  # type: ignore[attr-defined]
        raise not_servable(session, served, service.document_id)
    record_event(
        session, "serve", service.served_by, served.number,
        {"document_id": served.id, "service_receipt_id": receipt.id,
         "service_receipt": receipt.number, "served_on": service.served_on.isoformat(),
         "method": service.method},
    )  # fmt: skip
    if served.case_id is not None:
        session.flush()
        refresh_status(session, served.case_id)


def not_servable(session: Session, document: Document | None, document_id: int) -> NotServable:
    """Return why a document may not be served (again): voided, or served by an earlier receipt."""
    if document is None:  # records are never deleted; one removed by hand is not there
        return NotServable(f"没有 id 为 {document_id} 的文书")
    if document.status != "issued":
        return NotServable(f"{document.title}{document.number}已作废，不能送达")
    receipt = session.get(Document, document.service_receipt_id or 0)
    served_on = format_date(document.served_on) if document.served_on else ""
    if receipt is None:
        return NotServable(f"{document.title}{document.number}已于{served_on}送达，不能重复送达")
    return NotServable(
        f"{document.title}{document.number}已于{served_on}送达，送达回证为{receipt.number}，"
        "不能重复送达；该送达回证有误的，先将其作废，再重新登记送达",
        (receipt.id, receipt.number),
    )
