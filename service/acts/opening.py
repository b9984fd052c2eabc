"""Opening a case: its 立案审批表 is recorded and waits for the head's approval, which numbers the case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete

from service.acts.approving import submit
from service.acts.casework import Approval
from service.acts.errors import nothing_used
from service.acts.issuing import issue_document
from service.archive.access import Visibility
from service.archive.audit import record_event
from service.archive.lookup import DatabaseArchiveView
from service.cases.procedure import OPENING
from service.cases.status import AWAITING
from service.database.models import Case, Document, Submission, utcnow
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.services import Wenshu


def open_case(
    wenshu: Wenshu,
    raw_facts: Mapping[str, Any],
    opened_by: str,
    classifications: Visibility = None,
) -> tuple[Case, Submission]:
    """Record a case from its 立案审批表's facts and submit the form for approval; raise FactsRefused.

    The case has no number until the head approves: 立案 is the head's decision (行政处罚法
    第五十四条), and its number is the 文号 the approved form is issued with.
    """
    case = _record_case(wenshu, raw_facts, opened_by, classifications)
    submission = submit(wenshu, OPENING, raw_facts, case.id, opened_by, classifications)
    return case, submission


def open_approved_case(
    wenshu: Wenshu, raw_facts: Mapping[str, Any], operator: str, approval: Approval
) -> Document:
    """Open a case and issue its 立案审批表 with an approval already given (the command line's).

    If the form cannot be issued, the case is not kept: no numberless case is left behind.
    """
    case = _record_case(wenshu, raw_facts, operator, None)
    try:
        return issue_document(
            wenshu, OPENING, raw_facts, operator, case_id=case.id, approval=approval
        )
    except BaseException:
        with wenshu.database.session() as session:
            session.execute(delete(Case).where(Case.id == case.id, Case.number.is_(None)))
        raise


def _record_case(
    wenshu: Wenshu, raw_facts: Mapping[str, Any], opened_by: str, classifications: Visibility
) -> Case:
    """Record a numberless case from valid 立案审批表 facts; raise FactsRefused."""
    instrument = get_instrument(OPENING)
    with nothing_used():
        archive = DatabaseArchiveView(wenshu.database, classifications)
        facts = validate_facts(instrument, raw_facts, archive, wenshu.settings.policy)
    with wenshu.database.session() as session:
        case = Case(
            number=None, status=AWAITING, cause=str(facts.values["cause"]),
            party=str(facts.values["party_name"]), opened_on=facts.values["opening_date"],
            facts=facts.to_json(), created_by=opened_by, created_at=utcnow(),
        )  # fmt: skip
        session.add(case)
        session.flush()
        record_event(
            session, "open_case", opened_by, case.cause, {"case_id": case.id, "party": case.party}
        )
        session.expunge(case)
    return case
