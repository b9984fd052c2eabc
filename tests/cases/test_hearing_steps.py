"""Tests of what must come before a hearing's notice and its record (行政处罚法 第六十四条)."""

from __future__ import annotations

from tests.cases.built import (
    HEARD,
    SERVED,
    D,
    case_file,
    hearing_notice,
    messages,
    notice,
    refusals,
)

NOTICE = "hearing_notice"
RECORD = "hearing_record"


def asked(day: object) -> dict[str, object]:
    """Return the checked facts of a 听证通知书 whose party asked for the hearing on day."""
    return {"request_date": day, "notice_date": D(2026, 3, 16), "hearing_date": HEARD}


def test_a_hearing_asked_in_time_is_noticed() -> None:
    """This test ensures that a request within 5 working days of the served notice passes."""
    assert refusals(case_file(notice()), NOTICE, **asked(D(2026, 3, 18))) == {}
    assert refusals(case_file(notice()), NOTICE, **asked(SERVED)) == {}


def test_without_a_served_notice_no_hearing_is_noticed() -> None:
    """This test ensures that a hearing notice needs a 事先告知书 issued and served first."""
    missing = messages(refusals(case_file(), NOTICE, **asked(D(2026, 3, 13))), "case")
    assert "尚未制作行政处罚事先告知书" in missing and "第六十四条第一项" in missing
    unserved = notice(served_on=None)
    waiting = refusals(case_file(unserved), NOTICE, **asked(D(2026, 3, 13)))
    assert f"事先告知书{unserved.number}尚未送达" in messages(waiting, "case")
    voided = refusals(case_file(notice(status="voided")), NOTICE, **asked(D(2026, 3, 13)))
    assert "尚未制作行政处罚事先告知书" in messages(voided, "case")


def test_a_request_after_five_working_days_is_refused() -> None:
    """This test ensures that a request after the 5 working days from service is late (第六十四条第一项, 第八十五条)."""
    errors = refusals(case_file(notice()), NOTICE, **asked(D(2026, 3, 19)))
    text = messages(errors, "request_date")
    assert "期限至2026年3月18日届满" in text and "第八十五条" in text


def test_a_request_before_service_is_refused() -> None:
    """This test ensures that a party cannot have asked for a hearing before it was told of the right."""
    errors = refusals(case_file(notice()), NOTICE, **asked(D(2026, 3, 10)))
    assert "早于事先告知书的送达日期" in messages(errors, "request_date")


def test_the_request_window_runs_over_labour_day() -> None:
    """This test ensures that a request window from 28 April 2026 skips 劳动节 and ends on 8 May."""
    case = case_file(notice(served_on=D(2026, 4, 28)))
    facts = {"notice_date": D(2026, 5, 8), "hearing_date": D(2026, 5, 20)}
    assert refusals(case, NOTICE, request_date=D(2026, 5, 8), **facts) == {}
    late = refusals(case, NOTICE, request_date=D(2026, 5, 9), **facts)
    assert "2026年5月8日届满" in messages(late, "request_date")


def test_a_year_the_calendar_does_not_know_leaves_the_request_standing() -> None:
    """This test ensures that a request in a year without a holiday calendar is not turned away as late."""
    case = case_file(notice(served_on=D(2027, 3, 10)), opened_on=D(2027, 3, 1))
    facts = {"notice_date": D(2027, 3, 30), "hearing_date": D(2027, 4, 20)}
    assert refusals(case, NOTICE, request_date=D(2027, 3, 29), **facts) == {}


def test_a_record_needs_the_hearing_notified() -> None:
    """This test ensures that a 听证笔录 without an issued 听证通知书 is refused (第六十四条第二项)."""
    text = messages(refusals(case_file(notice()), RECORD, hearing_date=HEARD), "case")
    assert "尚未制作听证通知书" in text and "第六十四条第二项" in text
    voided = case_file(notice(), hearing_notice(status="voided"))
    assert "尚未制作听证通知书" in messages(refusals(voided, RECORD, hearing_date=HEARD), "case")


def test_the_hearing_is_held_on_or_after_the_notified_day() -> None:
    """This test ensures that a record of a hearing before the notified day is refused, on the day passes."""
    case = case_file(notice(), hearing_notice())
    early = refusals(case, RECORD, hearing_date=D(2026, 3, 24))
    assert "通知的听证日期是2026年3月25日" in messages(early, "hearing_date")
    assert refusals(case, RECORD, hearing_date=HEARD) == {}
    assert refusals(case, RECORD, hearing_date=D(2026, 3, 27)) == {}
