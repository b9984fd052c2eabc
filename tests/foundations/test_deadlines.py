"""Tests of time limits: calendar days, holidays, 调休 working weekends, unknown years."""

from __future__ import annotations

import datetime as dt

import pytest

from service.foundations.deadlines import (
    CalendarUnknown,
    add_months,
    deadline,
    is_working_day,
    months_deadline,
    working_days_after,
)


def test_plain_limit_ends_on_a_working_day() -> None:
    """This test ensures that a limit ending on a working day ends that day."""
    assert deadline(dt.date(2026, 3, 5), 10) == dt.date(2026, 3, 16)  # a Monday


def test_limit_ending_on_a_weekend_moves_to_monday() -> None:
    """This test ensures that a last day on a Saturday moves to the next working day."""
    assert deadline(dt.date(2026, 3, 4), 10) == dt.date(2026, 3, 16)  # 14 March is a Saturday


def test_limit_ending_in_national_day_holiday_moves_past_it() -> None:
    """This test ensures that a last day inside the National Day holiday moves past all of it."""
    end = deadline(dt.date(2026, 9, 21), 10)  # 1 October
    assert end > dt.date(2026, 10, 1)
    assert is_working_day(end)
    assert all(not is_working_day(dt.date(2026, 10, day)) for day in range(1, end.day))


def test_adjusted_working_weekend_counts_as_working_day() -> None:
    """This test ensures that a 调休 Saturday or Sunday is a working day, so a limit may end on it."""
    adjusted = next(
        day
        for day in (dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(365))
        if day.weekday() >= 5 and is_working_day(day)
    )
    assert deadline(adjusted - dt.timedelta(days=10), 10) == adjusted


def test_unknown_year_is_said_not_guessed() -> None:
    """This test ensures that a year the holiday calendar does not know raises, naming the year."""
    with pytest.raises(CalendarUnknown, match="2031"):
        deadline(dt.date(2031, 3, 1), 10)


def test_fixed_due_day_moves_off_a_holiday() -> None:
    """This test ensures that a fixed due day on a holiday moves to the next working day."""
    from service.foundations.deadlines import calendar_known, due_day

    assert due_day(dt.date(2026, 9, 30)) == dt.date(2026, 9, 30)  # a Wednesday
    assert due_day(dt.date(2026, 1, 31)) == dt.date(2026, 2, 2)  # a Saturday
    assert due_day(dt.date(2023, 9, 30)) == dt.date(2023, 10, 7)  # 中秋、国庆; 7 October was 调休
    assert due_day(dt.date(2031, 9, 30)) == dt.date(2031, 9, 30)
    assert not calendar_known(dt.date(2031, 9, 30))


def test_working_days_skip_weekends() -> None:
    """This test ensures that a limit in working days passes over Saturdays and Sundays."""
    # Monday 16 March to Wednesday 25 March: the story's hearing notice and hearing.
    assert working_days_after(dt.date(2026, 3, 16), 7) == dt.date(2026, 3, 25)
    assert working_days_after(dt.date(2026, 3, 13), 1) == dt.date(2026, 3, 16)  # Friday to Monday
    assert working_days_after(dt.date(2026, 3, 16), 0) == dt.date(2026, 3, 16)


def test_working_days_skip_holidays_and_count_adjusted_weekends() -> None:
    """This test ensures that holidays are not counted and a 调休 weekend day is."""
    # 2026: 1-7 October are the National Day holiday, Saturday 10 October a 调休 working day.
    assert working_days_after(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert working_days_after(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)
    assert working_days_after(dt.date(2026, 10, 10), 1) == dt.date(2026, 10, 12)


def test_working_days_in_an_unknown_year_raise() -> None:
    """This test ensures that counting working days in a year the calendar does not know raises."""
    with pytest.raises(CalendarUnknown, match="2031"):
        working_days_after(dt.date(2031, 3, 1), 5)


def test_a_month_from_the_last_of_january_ends_on_the_last_of_february() -> None:
    """This test ensures that a period in months without a corresponding day ends on the month's last day."""
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)  # a leap year
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)  # across the year
    assert add_months(dt.date(2026, 4, 17), 6) == dt.date(2026, 10, 17)  # the corresponding day
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_a_limit_in_months_ends_on_a_working_day() -> None:
    """This test ensures that six months ending on a weekend or in 国庆 move to the next working day."""
    saturday = dt.date(2026, 10, 17)
    assert months_deadline(dt.date(2026, 4, 17), 6) == saturday + dt.timedelta(days=2)
    assert months_deadline(dt.date(2026, 4, 1), 6) == dt.date(2026, 10, 8)  # 1 to 7 October
    assert months_deadline(dt.date(2026, 3, 16), 6) == dt.date(2026, 9, 16)  # a Wednesday
    with pytest.raises(CalendarUnknown, match="2027"):
        months_deadline(dt.date(2026, 12, 1), 6)
