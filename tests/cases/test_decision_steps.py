"""Tests of what must come before a penalty decision in its case, each rule and its absence."""

from __future__ import annotations

from decimal import Decimal

from tests.cases.built import (
    D,
    case_file,
    decision_values,
    discussion,
    heard_case,
    hearing_notice,
    hearing_record,
    messages,
    notice,
    refusals,
    review,
)

DECISION = "penalty_decision"


def test_the_story_decision_follows_every_step() -> None:
    """This test ensures that a decision after the served notice, the hearing, the review and the discussion passes."""
    assert refusals(heard_case(), DECISION, **decision_values()) == {}


def test_without_a_notice_the_decision_is_refused() -> None:
    """This test ensures that a case without a 事先告知书 cannot decide, citing 第四十四条."""
    errors = refusals(case_file(), DECISION, **decision_values())
    text = messages(errors, "case")
    assert "尚未制作行政处罚事先告知书" in text and "第四十四条" in text


def test_a_notice_not_yet_served_is_not_enough() -> None:
    """This test ensures that an issued but unserved notice keeps the decision back."""
    told = notice(served_on=None)
    errors = refusals(case_file(told), DECISION, **decision_values())
    assert f"事先告知书{told.number}尚未送达" in messages(errors, "case")


def test_the_statement_period_in_working_days_must_end_first() -> None:
    """This test ensures that the decision waits out the 陈述、申辩 period counted in working days."""
    case = case_file(notice(offered=False))  # served 11 March: 3 working days end 16 March
    errors = refusals(case, DECISION, **decision_values(decision_date=D(2026, 3, 16)))
    text = messages(errors, "decision_date")
    assert "陈述、申辩期限至2026年3月16日届满" in text and "放弃日期" in text
    assert refusals(case, DECISION, **decision_values(decision_date=D(2026, 3, 17))) == {}


def test_the_statement_period_runs_over_qingming() -> None:
    """This test ensures that 清明 2026 (4 to 6 April) does not count in the 陈述、申辩 period."""
    case = case_file(notice(served_on=D(2026, 4, 2), offered=False))  # 3 April, 7 and 8 April
    assert "2026年4月8日届满" in messages(
        refusals(case, DECISION, **decision_values(decision_date=D(2026, 4, 8))), "decision_date"
    )
    assert refusals(case, DECISION, **decision_values(decision_date=D(2026, 4, 9))) == {}


def test_the_hearing_window_must_end_first_when_a_hearing_was_offered() -> None:
    """This test ensures that a notice offering a hearing keeps the decision back 5 working days from service."""
    case = case_file(notice(), review(D(2026, 3, 12)), discussion(D(2026, 3, 12)))
    errors = refusals(case, DECISION, **decision_values(decision_date=D(2026, 3, 18)))
    text = messages(errors, "decision_date")
    assert "要求听证的期限（五个工作日）至2026年3月18日届满" in text and "第六十四条" in text
    assert refusals(case, DECISION, **decision_values(decision_date=D(2026, 3, 19))) == {}


def test_the_hearing_window_runs_over_labour_day() -> None:
    """This test ensures that the 劳动节 holiday of 2026 (1 to 5 May) does not count in the 听证 window."""
    served = D(2026, 4, 28)  # 29, 30 April, then 6, 7 and 8 May
    told = notice(served_on=served)
    case = case_file(told, review(served), discussion(served), opened_on=D(2026, 4, 1))
    late = decision_values(decision_date=D(2026, 5, 8))
    assert "2026年5月8日届满" in messages(refusals(case, DECISION, **late), "decision_date")
    assert refusals(case, DECISION, **decision_values(decision_date=D(2026, 5, 9))) == {}


def test_a_written_waiver_ends_the_wait() -> None:
    """This test ensures that a waiver on or after service lets the decision come the next day."""
    case = case_file(notice(), review(D(2026, 3, 12)), discussion(D(2026, 3, 12)))
    early = decision_values(decision_date=D(2026, 3, 12), waiver_date=D(2026, 3, 11))
    assert refusals(case, DECISION, **early) == {}


def test_a_waiver_before_service_or_after_the_decision_is_refused() -> None:
    """This test ensures that a waiver dated before the notice was served, or after the decision, is refused."""
    case = case_file(notice(), review(D(2026, 3, 12)), discussion(D(2026, 3, 12)))
    before = decision_values(decision_date=D(2026, 3, 12), waiver_date=D(2026, 3, 10))
    assert "早于事先告知书的送达日期" in messages(refusals(case, DECISION, **before), "waiver_date")
    after = decision_values(decision_date=D(2026, 3, 12), waiver_date=D(2026, 3, 13))
    assert "晚于作出决定的日期" in messages(refusals(case, DECISION, **after), "waiver_date")


def test_a_hearing_notified_must_be_recorded_first() -> None:
    """This test ensures that a hearing notified but not recorded keeps the decision back (第六十五条)."""
    case = case_file(notice(), hearing_notice(), review(), discussion())
    text = messages(refusals(case, DECISION, **decision_values()), "case")
    assert "尚未制作听证笔录" in text and "第六十五条" in text


def test_a_record_dated_before_the_notified_hearing_does_not_count() -> None:
    """This test ensures that a 听证笔录 dated before the notified hearing day is not the hearing."""
    case = case_file(
        notice(), hearing_notice(), hearing_record(D(2026, 3, 20)), review(), discussion()
    )
    assert "尚未制作听证笔录" in messages(refusals(case, DECISION, **decision_values()), "case")


def test_the_decision_comes_after_the_hearing() -> None:
    """This test ensures that a decision dated before the hearing it must follow is refused."""
    case = heard_case()
    waived = decision_values(decision_date=D(2026, 3, 24), waiver_date=D(2026, 3, 12))
    errors = refusals(case, DECISION, **waived)
    assert "早于听证日期" in messages(errors, "decision_date")


def test_a_major_case_needs_the_legal_review() -> None:
    """This test ensures that a case whose notice offered a hearing cannot decide without a 法制审核 (第五十八条)."""
    case = case_file(notice(), discussion())
    text = messages(refusals(case, DECISION, **decision_values()), "case")
    assert "应当进行法制审核" in text and "第五十八条" in text and "听证权利" in text


def test_a_major_case_needs_the_collective_discussion() -> None:
    """This test ensures that a major case cannot decide without the heads' collective discussion (第五十七条)."""
    case = case_file(notice(), review())
    text = messages(refusals(case, DECISION, **decision_values()), "case")
    assert "集体讨论决定" in text and "第五十七条第二款" in text


def test_a_hearing_held_makes_the_case_major() -> None:
    """This test ensures that a case heard is major even when the notice did not have to offer a hearing."""
    case = case_file(notice(offered=False), hearing_notice(), hearing_record())
    text = messages(refusals(case, DECISION, **decision_values()), "case")
    assert "经过听证程序" in text and "法制审核" in text and "集体讨论" in text


def test_a_case_that_is_not_major_needs_neither() -> None:
    """This test ensures that without a hearing right or a hearing neither review nor discussion is asked for."""
    assert refusals(case_file(notice(offered=False)), DECISION, **decision_values()) == {}


def test_a_review_that_did_not_pass_stops_any_decision() -> None:
    """This test ensures that the latest review concluding other than 同意 refuses the decision, major or not."""
    case = case_file(notice(offered=False), review(conclusion="建议补充调查"))
    text = messages(refusals(case, DECISION, **decision_values()), "case")
    assert "审核结论是“建议补充调查”" in text and "不得作出决定" in text
    passed = case_file(
        notice(offered=False), review(conclusion="建议补充调查"), review(D(2026, 4, 10))
    )
    assert refusals(passed, DECISION, **decision_values()) == {}


def test_a_discussion_against_a_penalty_stops_the_decision() -> None:
    """This test ensures that a collective discussion that did not conclude 给予行政处罚 refuses the decision."""
    case = case_file(notice(), review(), discussion(conclusion="不予行政处罚（违法行为轻微）"))
    text = messages(refusals(case, DECISION, **decision_values()), "case")
    assert "不是给予行政处罚" in text


def test_review_and_discussion_come_before_the_decision() -> None:
    """This test ensures that a review or a discussion dated after the decision does not precede it."""
    case = case_file(notice(), review(D(2026, 4, 17)), discussion(D(2026, 4, 18)))
    text = messages(refusals(case, DECISION, **decision_values()), "decision_date")
    assert (
        "审核日期2026年4月17日晚于决定日期" in text and "讨论日期2026年4月18日晚于决定日期" in text
    )


def test_the_fine_is_not_heavier_than_the_notice_said() -> None:
    """This test ensures that a fine above the notice's is refused (第四十五条) and an equal or lower one is not."""
    heavier = decision_values(fine=Decimal("45000.01"))
    text = messages(refusals(heard_case(), DECISION, **heavier), "fine")
    assert (
        "45,000.00元" in text and "第四十五条第二款" in text and "重新制作并送达事先告知书" in text
    )
    assert refusals(heard_case(), DECISION, **decision_values(fine=Decimal("40000"))) == {}


def test_a_confiscation_the_notice_did_not_announce_is_refused() -> None:
    """This test ensures that confiscating illegal gains the notice did not tell of is heavier, hence refused."""
    gains = decision_values(illegal_gains=Decimal("3000"))
    assert "未告知这一处罚" in messages(refusals(heard_case(), DECISION, **gains), "illegal_gains")


def test_ninety_days_from_opening_unless_extended() -> None:
    """This test ensures that a decision after 90 days from 立案 needs approved extensions covering it (第六十条)."""
    late = decision_values(
        decision_date=D(2026, 5, 7)
    )  # 4 February + 90 days = 5 May, 劳动节: 6 May
    text = messages(refusals(heard_case(), DECISION, **late), "decision_date")
    assert (
        "最迟应当在2026年5月6日作出决定" in text and "第六十条" in text and "延长办案期限" in text
    )
    on_the_day = decision_values(decision_date=D(2026, 5, 6))
    assert refusals(heard_case(), DECISION, **on_the_day) == {}
    extended = case_file(*heard_case().documents, extension_days=30)
    assert refusals(extended, DECISION, **late) == {}


def test_voided_steps_count_for_nothing() -> None:
    """This test ensures that a voided notice or review is as if it had never been issued."""
    voided_notice = case_file(notice(status="voided"))
    assert "尚未制作行政处罚事先告知书" in messages(
        refusals(voided_notice, DECISION, **decision_values()), "case"
    )
    voided_review = case_file(notice(), review(status="voided"), discussion())
    assert "应当进行法制审核" in messages(
        refusals(voided_review, DECISION, **decision_values()), "case"
    )


def test_a_year_the_calendar_does_not_know_asks_for_the_calendar_or_a_waiver() -> None:
    """This test ensures that a wait ending in a year without a holiday calendar is refused, saying how to proceed."""
    served = D(2027, 3, 10)
    case = case_file(notice(served_on=served, offered=False), opened_on=D(2027, 3, 1))
    plain = decision_values(decision_date=D(2027, 4, 1))
    text = messages(refusals(case, DECISION, **plain), "case")
    assert (
        "尚无2027年的国务院节假日安排" in text and "chinesecalendar" in text and "放弃日期" in text
    )
    waived = decision_values(decision_date=D(2027, 4, 1), waiver_date=served)
    assert refusals(case, DECISION, **waived) == {}
