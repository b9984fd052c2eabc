"""Extending a case's time limit (行政处罚法 第六十条): requested by the clerk, approved by the head."""

from __future__ import annotations

import datetime as dt

from service.acts.casework import (
    DEFAULT_OPINION,
    Approval,
    ApprovalRefused,
    refuse_own,
    settle_approval,
)
from service.acts.errors import FactsRefused
from service.archive.audit import record_event
from service.cases.records import (
    AWAITING_APPROVAL,
    EXTENSION,
    NoSuchCase,
    load_case,
    waiting_submission,
)
from service.cases.status import AWAITING, CLOSED
from service.database.models import Submission, utcnow
from service.services import Wenshu

MAX_DAYS = 90  # one request extends by at most another 90 days; a longer case asks again


def request_extension(
    wenshu: Wenshu, case_id: int, days: object, reason: object, requested_by: str
) -> Submission:
    """Record a request to extend the case's time limit by days, for the head; raise FactsRefused."""
    errors: dict[str, list[str]] = {}
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = [f"延长天数应当是1至{MAX_DAYS}之间的整数"]
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = ["应当写明延长办案期限的理由（行政处罚法第六十条）"]
    with wenshu.database.session() as session:
        try:
            case_file = load_case(session, case_id)
        except NoSuchCase as error:
            raise FactsRefused({"case": [str(error)]}) from None
        if case_file.status in (AWAITING, CLOSED):
            errors["case"] = ["只有已立案、尚未结案的案件才能申请延长办案期限"]
        waiting = waiting_submission(session, case_id, EXTENSION)
        if waiting is not None:
            errors["case"] = [f"本案已有一份延长办案期限的申请等待审批（编号 {waiting}）"]
        if errors:
            raise FactsRefused(errors)
        assert isinstance(days, int) and isinstance(reason, str)
        submission = Submission(
            kind=EXTENSION, case_id=case_id, facts={"days": days, "reason": reason.strip()},
            status=AWAITING_APPROVAL, submitted_by=requested_by, submitted_at=utcnow(),
            decided_by="", opinion="",
        )  # fmt: skip
        session.add(submission)
        session.flush()
        record_event(
            session, "submit", requested_by, "延长办案期限",
            {"submission_id": submission.id, "kind": EXTENSION, "case_id": case_id, "days": days},
        )  # fmt: skip
        session.expunge(submission)
    return submission


def approve_extension(
    wenshu: Wenshu,
    submission_id: int,
    head: str,
    opinion: str = DEFAULT_OPINION,
    via: str = "web",
    today: dt.date | None = None,
) -> Submission:
    """Approve an extension request; raise ApprovalRefused if it is not one that waits."""
    approval = Approval.given(head, opinion, submission_id, via, today)
    with wenshu.database.session() as session:
        row = session.get(Submission, submission_id)
        if row is None or row.kind != EXTENSION:
            raise ApprovalRefused("unknown", f"没有编号为 {submission_id} 的延长办案期限申请")
        refuse_own(row.submitted_by, head)
        settle_approval(session, approval, None)
        session.flush()
        session.expunge(row)
    return row
