"""The head's approval: a clerk submits, the 负责人 approves (the instrument is numbered) or returns it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from service.acts.casework import (
    DEFAULT_OPINION,
    Approval,
    ApprovalRefused,
    procedure_checked,
    refuse_own,
    subject_of,
)
from service.acts.errors import FactsRefused, nothing_used
from service.acts.issuing import issue_document
from service.archive.access import Visibility
from service.archive.audit import record_event
from service.archive.lookup import DatabaseArchiveView
from service.cases.records import AWAITING_APPROVAL, EXTENSION, RETURNED, waiting_submission
from service.database.models import Document, Submission, utcnow
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.services import Wenshu


def submit(
    wenshu: Wenshu,
    kind: str,
    raw_facts: Mapping[str, Any],
    case_id: int | None,
    submitted_by: str,
    classifications: Visibility = None,
) -> Submission:
    """Record facts for the head's approval after every check issuing makes; nothing is numbered.

    Raises FactsRefused as issuing would, and when the case already has one waiting.
    """
    with nothing_used():
        instrument = get_instrument(kind)
        archive = DatabaseArchiveView(wenshu.database, classifications)
        facts = validate_facts(instrument, raw_facts, archive, wenshu.settings.policy)
        procedure_checked(wenshu, instrument, facts, case_id)
    with wenshu.database.session() as session:
        waiting = waiting_submission(session, case_id, kind)
        if waiting is not None and case_id is not None:
            raise FactsRefused(
                {"case": [f"本案已有一份{instrument.title}等待负责人审批（编号 {waiting}）"]}
            )
        submission = Submission(
            kind=kind, case_id=case_id, facts=dict(raw_facts), status=AWAITING_APPROVAL,
            submitted_by=submitted_by, submitted_at=utcnow(), decided_by="", opinion="",
        )  # fmt: skip
        session.add(submission)
        session.flush()
        record_event(
            session, "submit", submitted_by, instrument.title,
            {"submission_id": submission.id, "kind": kind, "case_id": case_id},
        )  # fmt: skip
    return submission


def approve(
    wenshu: Wenshu,
    submission_id: int,
    head: str,
    opinion: str = DEFAULT_OPINION,
    via: str = "web",
    today: dt.date | None = None,
) -> Document:
    """Issue the submitted instrument with the head's approval; raise ApprovalRefused or NotIssued.

    The document is numbered, and the submission marked approved, in one transaction: a
    failure leaves the submission waiting and no number used.
    """
    submission = _waiting(wenshu, submission_id, head)
    if submission.kind == EXTENSION:
        raise ApprovalRefused("unknown", f"编号 {submission_id} 是延长办案期限的申请，不是文书")
    approval = Approval.given(head, opinion, submission.id, via, today)
    return issue_document(
        wenshu, submission.kind, submission.facts, submission.submitted_by,
        case_id=submission.case_id, approval=approval,
    )  # fmt: skip


def return_submission(wenshu: Wenshu, submission_id: int, head: str, reason: str) -> Submission:
    """Send a submission back to its clerk with the head's reason; raise ApprovalRefused."""
    if not reason.strip():
        raise FactsRefused({"reason": ["退回应当写明理由，以便承办人修改后重新提交"]})
    submission = _waiting(wenshu, submission_id, head)
    with wenshu.database.session() as session:
        row = session.get(Submission, submission.id)
        assert row is not None
        if row.status != AWAITING_APPROVAL:
            raise ApprovalRefused("decided", f"编号 {submission_id} 的申请已经审批过了")
        row.status, row.decided_by, row.decided_at = RETURNED, head, utcnow()
        row.opinion = reason.strip()
        record_event(
            session, "return", head, subject_of(row),
            {"submission_id": row.id, "kind": row.kind, "case_id": row.case_id,
             "reason": row.opinion},
        )  # fmt: skip
        session.flush()
        session.expunge(row)
    return row


def _waiting(wenshu: Wenshu, submission_id: int, head: str) -> Submission:
    """Return the submission if it waits for a decision this head may make; raise ApprovalRefused."""
    with wenshu.database.session() as session:
        row = session.get(Submission, submission_id)
        if row is not None:
            session.expunge(row)
    if row is None:
        raise ApprovalRefused("unknown", f"没有编号为 {submission_id} 的待审批申请")
    if row.status != AWAITING_APPROVAL:
        raise ApprovalRefused("decided", f"编号 {submission_id} 的申请已经审批过了")
    refuse_own(row.submitted_by, head)
    return row
