"""Tests of what must come before a legal review, a collective discussion and the closing of a case."""

from __future__ import annotations

from forms.case_closing import DROPPED, NOT_PENALISED, PENALISED, TRANSFERRED
from tests.cases.built import (
    DISCUSSED,
    REVIEWED,
    D,
    case_file,
    decision,
    document,
    hearing_notice,
    hearing_record,
    messages,
    notice,
    refusals,
    review,
)

REVIEW = "legal_review"
DISCUSSION = "collective_discussion"
CLOSING = "case_closing"
CLOSED_ON = D(2026, 5, 20)


def test_a_review_by_someone_outside_the_investigation_passes() -> None:
    """This test ensures that a reviewer who did not investigate reviews a case with a notice."""
    assert refusals(case_file(notice()), REVIEW, reviewer="周敏", review_date=REVIEWED) == {}


def test_a_review_needs_the_notice_first() -> None:
    """This test ensures that the legal review comes after a 事先告知书 is issued."""
    text = messages(refusals(case_file(), REVIEW, reviewer="周敏", review_date=REVIEWED), "case")
    assert "尚未制作行政处罚事先告知书" in text and "第五十八条" in text


def test_an_officer_of_the_case_cannot_review_it() -> None:
    """This test ensures that a 承办人 of the 立案审批表 is refused as the case's reviewer."""
    errors = refusals(case_file(notice()), REVIEW, reviewer="彭丽君", review_date=REVIEWED)
    assert "“彭丽君”是本案的承办人或者调查人员" in messages(errors, "reviewer")


def test_an_officer_of_a_record_cannot_review_it_unless_the_record_was_voided() -> None:
    """This test ensures that an officer of an issued 询问笔录 is an investigator, of a voided one not."""
    officers = [{"name": "周敏", "certificate": "43060021009"}]
    inquiry = document("inquiry_record", D(2026, 2, 10), officers=officers)
    errors = refusals(case_file(inquiry, notice()), REVIEW, reviewer="周敏", review_date=REVIEWED)
    assert "本案的承办人或者调查人员" in messages(errors, "reviewer")
    voided = document("inquiry_record", D(2026, 2, 10), status="voided", officers=officers)
    assert refusals(case_file(voided, notice()), REVIEW, reviewer="周敏") == {}


def test_a_major_case_is_discussed_after_its_review() -> None:
    """This test ensures that a major case's discussion needs the review first and on or before its day."""
    missing = refusals(case_file(notice()), DISCUSSION, meeting_date=DISCUSSED)
    assert "应当先进行法制审核" in messages(missing, "case")
    early = refusals(case_file(notice(), review()), DISCUSSION, meeting_date=D(2026, 4, 7))
    assert "讨论日期早于法制审核意见书" in messages(early, "meeting_date")
    assert refusals(case_file(notice(), review()), DISCUSSION, meeting_date=REVIEWED) == {}


def test_a_heard_case_is_major_for_the_discussion() -> None:
    """This test ensures that a hearing held makes the review a prerequisite of the discussion."""
    heard = case_file(notice(offered=False), hearing_notice(), hearing_record())
    assert "经过听证程序" in messages(refusals(heard, DISCUSSION, meeting_date=DISCUSSED), "case")


def test_a_case_that_is_not_major_is_discussed_without_review() -> None:
    """This test ensures that a discussion needs no review when there was no hearing right and no hearing."""
    assert refusals(case_file(notice(offered=False)), DISCUSSION, meeting_date=DISCUSSED) == {}


def test_a_penalised_case_closes_after_the_decision_is_served() -> None:
    """This test ensures that closing with a penalty needs a decision, issued and served."""
    served = case_file(notice(), decision(served_on=D(2026, 4, 17)))
    assert refusals(served, CLOSING, outcome=PENALISED, closing_date=CLOSED_ON) == {}
    undecided = refusals(case_file(notice()), CLOSING, outcome=PENALISED, closing_date=CLOSED_ON)
    assert "尚未作出行政处罚决定" in messages(undecided, "case")
    unserved = decision()
    waiting = refusals(case_file(notice(), unserved), CLOSING, outcome=PENALISED)
    assert f"行政处罚决定书{unserved.number}尚未送达" in messages(waiting, "case")
    voided = case_file(notice(), decision(served_on=D(2026, 4, 17), status="voided"))
    assert "尚未作出行政处罚决定" in messages(refusals(voided, CLOSING, outcome=PENALISED), "case")


def test_a_case_closes_on_or_after_the_decision_was_served() -> None:
    """This test ensures that a closing dated before the decision's service is refused."""
    served = case_file(notice(), decision(served_on=D(2026, 4, 17)))
    early = refusals(served, CLOSING, outcome=PENALISED, closing_date=D(2026, 4, 16))
    assert "结案日期早于行政处罚决定书" in messages(early, "closing_date")


def test_cases_without_a_penalty_close_without_a_decision() -> None:
    """This test ensures that 不予行政处罚, 撤销 and 移送 close a case that has no decision."""
    for outcome in (NOT_PENALISED, DROPPED, TRANSFERRED):
        assert refusals(case_file(notice()), CLOSING, outcome=outcome, closing_date=CLOSED_ON) == {}


def test_a_decided_case_cannot_close_as_not_penalised() -> None:
    """This test ensures that a case with an issued decision cannot close as 不予行政处罚, a voided one can."""
    decided = case_file(notice(), decision(served_on=D(2026, 4, 17)))
    errors = refusals(decided, CLOSING, outcome=NOT_PENALISED, closing_date=CLOSED_ON)
    assert "处理结果不能是不予行政处罚" in messages(errors, "outcome")
    voided = case_file(notice(), decision(status="voided"))
    assert refusals(voided, CLOSING, outcome=NOT_PENALISED, closing_date=CLOSED_ON) == {}
