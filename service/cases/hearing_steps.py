"""What must come before a hearing's notice and its record (行政处罚法 第六十四条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from service.cases.limits import hearing_request_limit
from service.cases.records import CaseDocument, CaseFile
from service.cases.refusing import LAW, Errors, refuse, typed_day
from service.cases.stored import stored_date
from service.foundations.formatting import format_date


def hearing_notice_refusals(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """Return what is missing or late for a 听证通知书: the notice served and the hearing asked in time.

    That the hearing is held 7 working days after the party is told (第六十四条第二项) is the
    form's own rule (forms.hearing_notice), its facts being enough to judge it.
    """
    errors: Errors = {}
    notice = case_file.latest("penalty_notice")
    if notice is None or notice.served_on is None:
        missing = (
            "尚未制作行政处罚事先告知书" if notice is None else f"事先告知书{notice.number}尚未送达"
        )
        refuse(
            errors,
            "case",
            f"本案{missing}：当事人在事先告知书送达后五个工作日内要求听证的，"
            f"行政机关才组织听证（{LAW}第六十四条第一项），请先送达事先告知书",
        )
    else:
        _asked_in_time(errors, notice, typed_day(values.get("request_date")))
    return errors


def _asked_in_time(errors: Errors, notice: CaseDocument, asked: dt.date | None) -> None:
    """The party asked for the hearing after the notice's service and within 5 working days of it."""
    served, window = notice.served_on, hearing_request_limit(notice)
    if asked is None or served is None or window is None:
        return
    if asked < served:
        refuse(
            errors,
            "request_date",
            f"要求听证的日期早于事先告知书的送达日期{format_date(served)}："
            "当事人收到告知书后才能要求听证，请核对日期",
        )
    # A year the calendar does not know leaves the request standing: turning away a hearing
    # the party may have asked for in time is worse than holding one that was not owed.
    elif window.known and asked > window.ends:
        refuse(
            errors,
            "request_date",
            f"事先告知书于{format_date(served)}送达，要求听证的期限至"
            f"{format_date(window.ends)}届满（五个工作日，{LAW}第六十四条第一项、第八十五条）；"
            "当事人逾期提出的，不再组织听证，请核对要求听证的日期",
        )


def hearing_record_refusals(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """Return what is missing for a 听证笔录: a hearing notified, and held on or after its day."""
    notice = case_file.latest("hearing_notice")
    if notice is None:
        return {
            "case": [
                f"本案尚未制作听证通知书：行政机关应当在举行听证的七日前通知当事人听证的"
                f"时间、地点（{LAW}第六十四条第二项），请先制作并送达听证通知书"
            ]
        }
    planned = stored_date(notice.facts, "hearing_date")
    held = typed_day(values.get("hearing_date"))
    if planned is not None and held is not None and held < planned:
        return {
            "hearing_date": [
                f"听证通知书{notice.number}通知的听证日期是{format_date(planned)}，"
                "听证不能早于通知的日期举行；改期的，请重新制作并送达听证通知书"
            ]
        }
    return {}
