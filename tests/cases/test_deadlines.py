"""Tests of a case's deadlines: the party's windows and duties from service, the bureau's 90 days."""

from __future__ import annotations

import dataclasses

from service.cases.deadlines import CaseDeadline, case_deadlines
from service.cases.status import AWAITING
from service.foundations.deadlines import UNKNOWN_CALENDAR
from tests.cases.built import (
    D,
    case_file,
    decision,
    document,
    hearing_notice,
    notice,
)

DECIDE = "作出行政处罚决定的期限届满（自立案之日起90日，行政处罚法第六十条）"
STATEMENT = "陈述、申辩期限届满（事先告知书送达后3个工作日）"
HEARING = "要求听证的期限届满（事先告知书送达后5个工作日，行政处罚法第六十四条）"
PAYMENT = "缴纳罚款期限届满（收到决定书之日起15日，行政处罚法第六十七条）"
REVIEW = "申请行政复议期限届满（收到决定书之日起60日，行政复议法第二十条）"
SUIT = "提起行政诉讼期限届满（收到决定书之日起6个月，行政诉讼法第四十六条）"
SERVED_DECISION = D(2026, 4, 17)


def listed(deadlines: list[CaseDeadline]) -> list[tuple[str, object]]:
    """Return what is due and when, in the order given."""
    return [(item.what, item.due) for item in deadlines]


def test_before_the_decision_the_windows_and_the_ninety_days() -> None:
    """This test ensures that a served notice opens the 陈述、申辩 and 听证 windows beside the 90-day limit."""
    told = notice()  # served 11 March 2026
    items = case_deadlines(case_file(told), D(2026, 3, 12))
    assert listed(items) == [
        (STATEMENT, D(2026, 3, 16)),
        (HEARING, D(2026, 3, 18)),
        (DECIDE, D(2026, 5, 6)),  # 4 February + 90 days is 5 May, in the 劳动节 holiday
    ]
    assert [item.document_id for item in items] == [told.id, told.id, None]
    assert all(item.note == "" for item in items)


def test_a_window_that_has_ended_is_no_longer_listed_but_the_limit_stays() -> None:
    """This test ensures that the party's windows leave the list once ended, the 90 days stay even overdue."""
    case = case_file(notice())
    assert listed(case_deadlines(case, D(2026, 3, 17))) == [
        (HEARING, D(2026, 3, 18)),
        (DECIDE, D(2026, 5, 6)),
    ]
    assert listed(case_deadlines(case, D(2026, 5, 10))) == [(DECIDE, D(2026, 5, 6))]


def test_no_hearing_window_when_not_offered_or_once_asked_for() -> None:
    """This test ensures that the 听证 window is listed only for a notice offering it, until a hearing is noticed."""
    today = D(2026, 3, 12)
    assert HEARING not in dict(listed(case_deadlines(case_file(notice(offered=False)), today)))
    asked = case_file(notice(), hearing_notice())
    assert HEARING not in dict(listed(case_deadlines(asked, today)))
    assert STATEMENT in dict(listed(case_deadlines(asked, today)))


def test_an_unserved_notice_opens_no_window() -> None:
    """This test ensures that windows run from service: an unserved notice lists only the 90 days."""
    assert listed(case_deadlines(case_file(notice(served_on=None)), D(2026, 3, 12))) == [
        (DECIDE, D(2026, 5, 6))
    ]


def test_extensions_move_the_ninety_days() -> None:
    """This test ensures that approved extensions are added to the 90 days and said so."""
    items = case_deadlines(case_file(extension_days=30), D(2026, 3, 1))
    assert listed(items) == [
        (
            "作出行政处罚决定的期限届满（自立案之日起90日，含延长的30日，行政处罚法第六十条）",
            D(2026, 6, 4),
        )
    ]


def test_a_served_decision_starts_payment_review_and_suit() -> None:
    """This test ensures that service of the decision starts 15 days to pay, 60 to ask 复议 and 6 months to sue."""
    decided = decision(served_on=SERVED_DECISION)
    items = case_deadlines(case_file(notice(), decided), D(2026, 4, 20))
    assert listed(items) == [
        (PAYMENT, D(2026, 5, 6)),  # 2 May is in the 劳动节 holiday (1 to 5 May)
        (REVIEW, D(2026, 6, 16)),
        (SUIT, D(2026, 10, 19)),  # 17 October is a Saturday
    ]
    assert {item.document_id for item in items} == {decided.id}


def test_payment_stays_overdue_while_ended_rights_leave() -> None:
    """This test ensures that an unpaid fine stays listed, overdue, while the ended 复议 window leaves."""
    case = case_file(notice(), decision(served_on=SERVED_DECISION))
    assert listed(case_deadlines(case, D(2026, 7, 1))) == [
        (PAYMENT, D(2026, 5, 6)),
        (SUIT, D(2026, 10, 19)),
    ]


def test_an_unserved_decision_lists_nothing_of_its_own() -> None:
    """This test ensures that a decision not yet served starts nothing and ends the 90 days."""
    assert case_deadlines(case_file(notice(), decision()), D(2026, 4, 20)) == []


def test_a_voided_decision_brings_back_the_ninety_days() -> None:
    """This test ensures that a voided decision counts for nothing: the case is undecided again."""
    voided = case_file(notice(), decision(served_on=SERVED_DECISION, status="voided"))
    assert listed(case_deadlines(voided, D(2026, 4, 20))) == [(DECIDE, D(2026, 5, 6))]


def test_orders_of_the_case_give_their_correction_period() -> None:
    """This test ensures that an order stating days runs from its service, one stating a day gives that day."""
    by_days = document(
        "enforcement_notice", D(2026, 2, 27), D(2026, 3, 2), correction_days=30, deadline=None
    )
    by_day = document("correction_order", D(2026, 2, 27), deadline=D(2026, 4, 30))
    unserved = document("enforcement_notice", D(2026, 2, 27), correction_days=30)
    items = case_deadlines(case_file(by_days, by_day, unserved), D(2026, 3, 3))
    corrections = [item for item in items if item.what.startswith("改正期限")]
    assert [(item.what, item.due, item.document_id) for item in corrections] == [
        ("改正期限届满（执法通知书送达后30日）", D(2026, 4, 1), by_days.id),
        ("改正期限届满（责令限期改正通知书）", D(2026, 4, 30), by_day.id),
    ]


def test_a_year_the_calendar_does_not_know_gives_the_plain_date_with_a_note() -> None:
    """This test ensures that a limit ending in a year without a holiday calendar is unshifted and noted."""
    decided = decision(D(2027, 1, 8), served_on=D(2027, 1, 9))
    case = case_file(notice(served_on=D(2026, 12, 20)), decided, opened_on=D(2026, 12, 1))
    items = case_deadlines(case, D(2027, 1, 10))
    assert (items[0].what, items[0].due, items[0].note) == (
        PAYMENT,
        D(2027, 1, 24),
        UNKNOWN_CALENDAR,
    )
    assert all(item.note == UNKNOWN_CALENDAR for item in items)


def test_a_case_awaiting_approval_or_closed_has_nothing_due() -> None:
    """This test ensures that nothing is due in a case not yet opened or already closed."""
    awaiting = dataclasses.replace(case_file(), number=None, status=AWAITING)
    assert case_deadlines(awaiting, D(2026, 2, 5)) == []
    closing = document("case_closing", D(2026, 5, 20), outcome="给予行政处罚并已执行完毕")
    closed = case_file(notice(), decision(served_on=SERVED_DECISION), closing)
    assert case_deadlines(closed, D(2026, 5, 21)) == []


def test_working_days_in_a_year_the_calendar_does_not_know_count_monday_to_friday() -> None:
    """This test ensures that the windows of a notice served in an unknown year skip weekends only, noted."""
    told = notice(served_on=D(2027, 3, 12))  # a Friday
    items = case_deadlines(case_file(told, opened_on=D(2027, 3, 1)), D(2027, 3, 12))
    assert [(item.what, item.due) for item in items[:2]] == [
        (STATEMENT, D(2027, 3, 17)),
        (HEARING, D(2027, 3, 19)),
    ]
    assert all(item.note == UNKNOWN_CALENDAR for item in items)
