"""Time limits in calendar days, ending on a working day by China's official holiday calendar."""

from __future__ import annotations

import calendar
import datetime as dt

import chinese_calendar

# What a due date says when its year's holiday arrangement is not yet published: it is the
# plain date, not moved off any holiday, for the clerk to check by hand.
UNKNOWN_CALENDAR = "尚无该年国务院节假日安排，此日期未按节假日顺延，请人工核对"


class CalendarUnknown(ValueError):
    """Raised for a date in a year whose official holiday arrangement is not yet known."""


def is_working_day(day: dt.date) -> bool:
    """Return whether the day is a working day, counting 调休 weekends; raise CalendarUnknown."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarUnknown(
            f"尚无{day.year}年的国务院节假日安排，无法判断{day.isoformat()}是否为工作日，请人工核对期限"
        ) from None


def deadline(start: dt.date, days: int) -> dt.date:
    """Return the last day of a limit of days calendar days counted from the day after start.

    A limit whose last day falls on a public holiday or rest day ends on the next working day:
    the rule of 民事诉讼法 on periods, which 行政复议法 第八十八条 applies to 复议 time limits.
    """
    end = start + dt.timedelta(days=days)
    while not is_working_day(end):
        end += dt.timedelta(days=1)
    return end


def working_days_after(start: dt.date, days: int) -> dt.date:
    """Return the working day that ends a limit of days working days counted from the day after start.

    行政处罚法 第八十五条: its 二日、三日、五日、七日 are working days, public holidays and rest
    days left out (调休 weekends counted); a hearing asked for within 五日 of service, a hearing
    noticed 七日 before it. Raises CalendarUnknown for a year the calendar does not know.
    """
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    """Return the day that ends a period of months counted from start.

    民法典 第二百零二条: the corresponding day of the last month ends it, or that month's
    last day when it has none (31 January and one month: the last day of February).
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_deadline(start: dt.date, months: int) -> dt.date:
    """Return the last day of a limit of months counted from start, moved off rest days and holidays.

    行政诉讼法 第四十六条 gives six months to sue; 民法典 第二百零三条 moves a last day that is a
    holiday or rest day to the next working day. Raises CalendarUnknown as deadline() does.
    """
    end = add_months(start, months)
    while not is_working_day(end):
        end += dt.timedelta(days=1)
    return end


def due_day(day: dt.date) -> dt.date:
    """Return a fixed due day (30 September, 31 January), moved to a working day if it is not one.

    For a year the holiday calendar does not know the day itself is returned; callers tell
    the clerk with calendar_known() rather than guess at holidays.
    """
    try:
        return deadline(day, 0)
    except CalendarUnknown:
        return day


def calendar_known(day: dt.date) -> bool:
    """Return whether the official holiday calendar covers the day's year."""
    try:
        is_working_day(day)
    except CalendarUnknown:
        return False
    return True
