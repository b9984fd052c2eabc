"""Tests of the acts of a case: opening, submitting, approving and returning, extending, voiding a step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.acts import duedates
from service.acts.approving import approve, return_submission, submit
from service.acts.casework import ApprovalRefused
from service.acts.duedates import DueItem
from service.acts.errors import ConversionFailed, FactsRefused
from service.acts.extensions import approve_extension, request_extension
from service.acts.issuing import issue_document
from service.acts.opening import open_case
from service.acts.voiding import void_issued
from service.background.startup import prepare_service
from service.cases.records import CaseFile, load_case, load_cases
from service.database.models import AuditEvent, Case, Document, NumberSeries, Submission
from service.foundations.config import Settings
from service.instruments.registry import INSTRUMENTS
from service.render.office.converter import Converter
from service.services import Wenshu
from tests.casework import CLERK, HEAD, case_ready_for, issue_step, serve, with_directory
from tests.conftest import sample
from tests.fakes import FailingConverter


@pytest.fixture
def wenshu(settings: Settings, converter: Converter) -> Iterator[Wenshu]:
    """Services on a fresh instance, converting to blank pages (the procedure is the subject here)."""
    services = Wenshu.open(settings, converter)
    prepare_service(services)
    with_directory(services)
    yield services
    services.database.dispose()


def opened(wenshu: Wenshu) -> tuple[int, int]:
    """Return a new case of the story awaiting approval, and its submission's id."""
    case, submission = open_case(wenshu, sample("case_opening"), CLERK)
    return case.id, submission.id


def test_a_case_waits_numberless_until_the_head_approves_it(wenshu: Wenshu) -> None:
    """This test ensures that an opened case has no number until approved, then takes its 立案审批表's 文号 and the audit keeps the approval."""
    case_id, submission_id = opened(wenshu)
    with wenshu.database.session() as session:
        assert session.get(Case, case_id).number is None  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(NumberSeries)) == 0
    document = approve(wenshu, submission_id, HEAD, "同意立案", today=dt.date(2026, 2, 4))
    case_file = _case(wenshu, case_id)
    assert (case_file.number, case_file.status) == (document.number, "立案")
    assert document.context["approval"] == {
        "head": HEAD,
        "opinion": "同意立案",
        "date": "2026年2月4日",
    }  # type: ignore[index]
    with wenshu.database.session() as session:
        row = session.get(Submission, submission_id)
        assert row is not None and (row.status, row.document_id) == ("approved", document.id)
        entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "approve")).one()
    assert entry.actor == HEAD and entry.details["submission_id"] == submission_id


def test_only_a_waiting_submission_of_someone_else_is_decided(wenshu: Wenshu) -> None:
    """This test ensures that a head cannot approve an unknown submission, his own, or one already decided."""
    _case_id, submission_id = opened(wenshu)
    with pytest.raises(ApprovalRefused) as unknown:
        approve(wenshu, submission_id + 100, HEAD)
    assert unknown.value.reason == "unknown"
    with pytest.raises(ApprovalRefused) as own:
        approve(wenshu, submission_id, CLERK)
    assert own.value.reason == "own"
    approve(wenshu, submission_id, HEAD)
    for decide in (lambda: approve(wenshu, submission_id, HEAD),
                   lambda: return_submission(wenshu, submission_id, HEAD, "理由")):  # fmt: skip
        with pytest.raises(ApprovalRefused) as decided:
            decide()
        assert decided.value.reason == "decided"


def test_a_return_needs_a_reason_and_lets_the_clerk_submit_again(wenshu: Wenshu) -> None:
    """This test ensures that a return without a reason is refused, a returned opening may be resubmitted, and two cannot wait at once."""
    case_id, submission_id = opened(wenshu)
    with pytest.raises(FactsRefused) as blank:
        return_submission(wenshu, submission_id, HEAD, "  ")
    assert "reason" in blank.value.errors
    with pytest.raises(FactsRefused) as twice:
        submit(wenshu, "case_opening", sample("case_opening"), case_id, CLERK)
    assert "等待负责人审批" in " ".join(twice.value.errors["case"])
    returned = return_submission(wenshu, submission_id, HEAD, "请补充案件来源材料")
    assert (returned.status, returned.opinion) == ("returned", "请补充案件来源材料")
    again = submit(wenshu, "case_opening", sample("case_opening"), case_id, CLERK)
    approve(wenshu, again.id, HEAD)
    assert _case(wenshu, case_id).status == "立案"


def test_a_kind_the_head_approves_is_never_issued_without_approval(wenshu: Wenshu) -> None:
    """This test ensures that issuing a penalty decision directly, even in its case, is refused without the head's approval."""
    case_id = case_ready_for(wenshu, "penalty_decision")
    with pytest.raises(FactsRefused) as refused:
        issue_document(
            wenshu, "penalty_decision", sample("penalty_decision"), CLERK, case_id=case_id
        )
    assert "负责人批准" in " ".join(refused.value.errors["case"])


def test_a_failed_issue_leaves_the_submission_waiting_and_no_number_used(
    settings: Settings,
) -> None:
    """This test ensures that when the approved instrument cannot be rendered, the submission still waits and no 文号 is used."""
    failing = Wenshu.open(settings, FailingConverter())
    prepare_service(failing)
    with_directory(failing)
    case_id, submission_id = opened(failing)
    with pytest.raises(ConversionFailed):
        approve(failing, submission_id, HEAD)
    with failing.database.session() as session:
        assert session.get(Submission, submission_id).status == "awaiting_approval"  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.get(Case, case_id).number is None  # type: ignore[union-attr]
    failing.database.dispose()


def test_a_decision_after_ninety_days_needs_an_approved_extension(wenshu: Wenshu) -> None:
    """This test ensures that a decision dated past 立案 + 90 days is refused until the head approves an extension covering it."""
    case_id = case_ready_for(wenshu, "penalty_decision")
    late = sample("penalty_decision") | {
        "decision_date": "2026-05-15"
    }  # 立案 2026-02-04 + 100 days
    with pytest.raises(FactsRefused) as refused:
        submit(wenshu, "penalty_decision", late, case_id, CLERK)
    assert "第六十条" in str(refused.value)
    with pytest.raises(FactsRefused) as bad:
        request_extension(wenshu, case_id, 0, "", CLERK)
    assert set(bad.value.errors) == {"days", "reason"}
    extension = request_extension(wenshu, case_id, 30, "案情复杂，需补充鉴定", CLERK)
    with pytest.raises(ApprovalRefused):
        approve_extension(wenshu, extension.id, CLERK)  # one's own request
    approve_extension(wenshu, extension.id, HEAD)
    assert _case(wenshu, case_id).extension_days == 30
    submitted = submit(wenshu, "penalty_decision", late, case_id, CLERK)
    assert submitted.status == "awaiting_approval"


def test_cases_loaded_together_are_the_cases_loaded_one_by_one(wenshu: Wenshu) -> None:
    """This test ensures that load_cases gives each case its own instruments and extensions, in the order asked, skipping ids of no case."""
    first = case_ready_for(wenshu, "penalty_notice")
    second = case_ready_for(wenshu, "hearing_notice")
    extension = request_extension(wenshu, second, 30, "案情复杂，需补充鉴定", CLERK)
    approve_extension(wenshu, extension.id, HEAD)
    with wenshu.database.session() as session:
        alone = [load_case(session, second), load_case(session, first)]
        together = load_cases(session, [second, 999, first])
    assert together == alone
    assert [case.extension_days for case in together] == [30, 0]
    assert len(together[0].documents) > len(together[1].documents) > 0


def test_case_items_are_computed_again_only_for_a_case_that_changed(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the open cases' due items are kept by the case's state: a page read again loads no case, an extension, an issue or a voiding loads that case alone, and the items are those computed afresh."""
    first = case_ready_for(wenshu, "penalty_notice")
    second = case_ready_for(wenshu, "hearing_notice")
    today = dt.date(2026, 3, 12)
    loaded: list[list[int]] = []
    original = duedates.load_cases

    def counted(session: Session, case_ids: Sequence[int]) -> list[CaseFile]:
        loaded.append(list(case_ids))
        return original(session, case_ids)

    monkeypatch.setattr(duedates, "load_cases", counted)

    def items(classifications: frozenset[str] | None = None) -> list[DueItem]:
        with wenshu.database.session() as session:
            return duedates.open_case_items(session, today, classifications)

    def fresh() -> list[DueItem]:
        monkeypatch.setattr(duedates, "CASE_ITEMS", duedates.ItemCache(16))
        return items()

    before = items()
    assert items() == before and loaded == [[first, second]]  # read again: nothing loaded

    def after_change(case_id: int) -> list[DueItem]:
        """Return the items once a case changed, checking that it alone was loaded for them."""
        loaded.clear()
        found = items()
        assert loaded == [[case_id]]
        assert found == fresh()  # as computed afresh, with nothing kept
        return found

    extension = request_extension(wenshu, second, 30, "案情复杂，需补充鉴定", CLERK)
    approve_extension(wenshu, extension.id, HEAD)
    extended = after_change(second)
    assert extended != before  # the decision's 90 days now count the 30 more
    notice = issue_step(wenshu, "penalty_notice", first)
    after_change(first)
    serve(wenshu, notice, dt.date(2026, 3, 11))
    assert after_change(first) != extended  # the party's time to state his case runs
    with wenshu.database.session() as session:
        void_issued(session, notice.id, "告知书日期填错", CLERK)
    assert after_change(first) == extended
    loaded.clear()
    items(frozenset({"公开"}))  # another reader's 密级: computed for him
    assert loaded == [[first, second]]


def test_voiding_a_step_takes_the_case_back(wenshu: Wenshu) -> None:
    """This test ensures that voiding the 结案报告 reopens the case at the step its other instruments show."""
    case_id = case_ready_for(wenshu, "case_closing")
    closing = issue_step(wenshu, "case_closing", case_id)
    assert _case(wenshu, case_id).status == "结案"
    with wenshu.database.session() as session:
        void_issued(session, closing.id, "结案报告填错了日期", CLERK)
    assert _case(wenshu, case_id).status == "执行"


def _case(wenshu: Wenshu, case_id: int):  # type: ignore[no-untyped-def]
    """Return the case as the procedure reads it."""
    with wenshu.database.session() as session:
        return load_case(session, case_id)


def test_only_what_is_served_on_a_party_takes_a_service(wenshu: Wenshu) -> None:
    """This test ensures that the kinds served on a party are the notices, orders and decisions, and a record's service is refused."""
    served = {kind for kind, instrument in INSTRUMENTS.items() if instrument.served}
    assert served == {
        "supervision_notice", "review_decision", "enforcement_notice", "correction_order",
        "penalty_decision", "penalty_notice", "hearing_notice",
    }  # fmt: skip
    case_id = case_ready_for(wenshu, "inquiry_record")
    record = issue_step(wenshu, "site_record", case_id)
    with pytest.raises(FactsRefused) as refused:
        serve(wenshu, record, dt.date(2026, 2, 7))
    assert "不送达当事人" in " ".join(refused.value.errors["served_number"])
