"""A case's time limits on the holiday calendar: the party's windows from service, the 90-day limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.cases.records import CaseDocument, CaseFile
from service.cases.stored import stored_days
from service.foundations.deadlines import (
    CalendarUnknown,
    add_months,
    deadline,
    months_deadline,
    working_days_after,
)

# 行政处罚法 第八十五条 makes its 五日 a count of working days.
HEARING_REQUEST_DAYS = 5  # 第六十四条第一项: a hearing is asked for within 5 days of the notice
DECISION_DAYS = 90  # 第六十条: decided within 90 days of 立案, unless extended


@dataclass(frozen=True)
class Limit:
    """The last day of a time limit.

    known is False when the holiday calendar does not cover the year: the day is then
    counted without holidays (weekends only, for working days) and must be checked by hand.
    """

    ends: dt.date
    known: bool = True


def calendar_limit(start: dt.date, days: int) -> Limit:
    """Return the end of days calendar days after start, moved off rest days and holidays."""
    try:
        return Limit(deadline(start, days))
    except CalendarUnknown:
        return Limit(start + dt.timedelta(days=days), known=False)


def working_limit(start: dt.date, days: int) -> Limit:
    """Return the end of days working days after start (行政处罚法 第八十五条)."""
    try:
        return Limit(working_days_after(start, days))
    except CalendarUnknown:
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            counted += day.weekday() < 5
        return Limit(day, known=False)


def months_limit(start: dt.date, months: int) -> Limit:
    """Return the end of months after start (end-of-month rule), moved off rest days and holidays."""
    try:
        return Limit(months_deadline(start, months))
    except CalendarUnknown:
        return Limit(add_months(start, months), known=False)


def statement_limit(notice: CaseDocument) -> Limit | None:
    """Return the end of the 陈述、申辩 period the notice gave, or None before it is served.

    The notice states the period in working days (forms.penalty_notice: statement_days).
    """
    days = stored_days(notice.facts, "statement_days")
    if notice.served_on is None or days is None:
        return None
    return working_limit(notice.served_on, days)


def hearing_request_limit(notice: CaseDocument) -> Limit | None:
    """Return the last day the party may ask for a hearing, or None before the notice is served."""
    if notice.served_on is None:
        return None
    return working_limit(notice.served_on, HEARING_REQUEST_DAYS)


def hearing_offered(notice: CaseDocument) -> bool:
    """Return whether the notice told the party of its right to a hearing (第六十三条).

    The notice keeps what it told (forms.penalty_notice: hearing_offered, required where the
    penalty reaches the bureau's 较大数额 then in force): the party's window and the case's
    weight follow from that, not from the thresholds a later policy may set.
    """
    return notice.facts.get("hearing_offered") is True


def decision_limit(case_file: CaseFile) -> Limit:
    """Return the last day to decide: 90 days from 立案 and every approved extension (第六十条)."""
    return calendar_limit(case_file.opened_on, DECISION_DAYS + case_file.extension_days)
