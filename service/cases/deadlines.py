"""A case's deadlines: the party's windows and duties from service, and the bureau's 90-day limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.cases.limits import (
    DECISION_DAYS,
    HEARING_REQUEST_DAYS,
    Limit,
    calendar_limit,
    decision_limit,
    hearing_offered,
    hearing_request_limit,
    months_limit,
    statement_limit,
)
from service.cases.records import CaseDocument, CaseFile
from service.cases.status import AWAITING, CLOSED
from service.cases.stored import stored_amount, stored_date, stored_days
from service.foundations.deadlines import UNKNOWN_CALENDAR

PAYMENT_DAYS = 15  # 行政处罚法 第六十七条第三款: the fine is paid within 15 days of receipt
REVIEW_DAYS = 60  # 行政复议法 第二十条: 复议 is asked for within 60 days
SUIT_MONTHS = 6  # 行政诉讼法 第四十六条: a suit is brought within six months
# The orders a case may serve, and what their correction is called on the deadlines page.
ORDERS = {"enforcement_notice": "执法通知书", "correction_order": "责令限期改正通知书"}
# An order states its period either as a day (deadline) or as days from its service.
CORRECTION_DATE, CORRECTION_DAYS = "deadline", "correction_days"


@dataclass(frozen=True)
class CaseDeadline:
    """One day something in the case falls due: what, when, from which document, and a caveat."""

    what: str
    due: dt.date
    document_id: int | None = None
    note: str = ""  # e.g. the holiday calendar of the year is not known yet


def case_deadlines(case_file: CaseFile, today: dt.date) -> list[CaseDeadline]:
    """Return what falls due in an open case, earliest first.

    The party's rights (陈述、申辩, 听证, 复议, 诉讼) are listed while their windows run; the
    bureau's own limit and the party's duties (payment, correction) stay, overdue if need be,
    until the step that answers them. A case awaiting 立案 or closed has nothing due.
    """
    if case_file.status in (AWAITING, CLOSED):
        return []
    decision = case_file.latest("penalty_decision")
    if decision is None:
        items = _before_decision(case_file, today)
    else:
        items = _after_decision(decision, today)
    items += _corrections(case_file)
    return sorted(items, key=lambda item: (item.due, item.what, item.document_id or 0))


def _before_decision(case_file: CaseFile, today: dt.date) -> list[CaseDeadline]:
    """Return the 90-day limit and the windows the notice opened, while no decision is made."""
    extended = f"，含延长的{case_file.extension_days}日" if case_file.extension_days else ""
    items = [
        _deadline(
            f"作出行政处罚决定的期限届满（自立案之日起{DECISION_DAYS}日{extended}，"
            "行政处罚法第六十条）",
            decision_limit(case_file),
        )
    ]
    notice = case_file.latest("penalty_notice")
    if notice is None:
        return items
    statement = statement_limit(notice)
    days = stored_days(notice.facts, "statement_days")
    windows = [(f"陈述、申辩期限届满（事先告知书送达后{days}个工作日）", statement)]
    if hearing_offered(notice) and case_file.latest("hearing_notice") is None:
        what = f"要求听证的期限届满（事先告知书送达后{HEARING_REQUEST_DAYS}个工作日，行政处罚法第六十四条）"
        windows.append((what, hearing_request_limit(notice)))
    items += [
        _deadline(what, limit, notice)
        for what, limit in windows
        if limit is not None and limit.ends >= today
    ]
    return items


def _after_decision(decision: CaseDocument, today: dt.date) -> list[CaseDeadline]:
    """Return the payment, 复议 and 诉讼 limits that run from the decision's service."""
    served = decision.served_on
    if served is None:
        return []
    items = []
    if stored_amount(decision.facts, "fine"):
        items.append(
            _deadline(
                f"缴纳罚款期限届满（收到决定书之日起{PAYMENT_DAYS}日，行政处罚法第六十七条）",
                calendar_limit(served, PAYMENT_DAYS),
                decision,
            )
        )
    rights = [
        (
            f"申请行政复议期限届满（收到决定书之日起{REVIEW_DAYS}日，行政复议法第二十条）",
            calendar_limit(served, REVIEW_DAYS),
        ),
        (
            f"提起行政诉讼期限届满（收到决定书之日起{SUIT_MONTHS}个月，行政诉讼法第四十六条）",
            months_limit(served, SUIT_MONTHS),
        ),
    ]
    items += [_deadline(what, limit, decision) for what, limit in rights if limit.ends >= today]
    return items


def _corrections(case_file: CaseFile) -> list[CaseDeadline]:
    """Return the correction period of each order in the case: its day, or its days from service."""
    items = []
    for kind, title in ORDERS.items():
        for order in case_file.issued(kind):
            days = stored_days(order.facts, CORRECTION_DAYS)
            if days is not None and order.served_on is not None:
                what = f"改正期限届满（{title}送达后{days}日）"
                items.append(_deadline(what, calendar_limit(order.served_on, days), order))
                continue
            day = stored_date(order.facts, CORRECTION_DATE)
            if day is not None:
                items.append(_deadline(f"改正期限届满（{title}）", Limit(day), order))
    return items


def _deadline(what: str, limit: Limit, document: CaseDocument | None = None) -> CaseDeadline:
    """Return a deadline, noting when its day could not be moved off holidays."""
    note = "" if limit.known else UNKNOWN_CALENDAR
    return CaseDeadline(what, limit.ends, document.id if document else None, note)
