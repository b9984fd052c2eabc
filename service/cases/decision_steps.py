"""What must come before a penalty decision in its case (行政处罚法 第四十四至六十五条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forms.collective_discussion import PENALTY
from forms.legal_review import AGREED
from service.cases.limits import (
    Limit,
    decision_limit,
    hearing_offered,
    hearing_request_limit,
    statement_limit,
)
from service.cases.records import CaseDocument, CaseFile
from service.cases.refusing import CALENDAR_FIX, LAW, Errors, refuse, typed_day
from service.cases.stored import stored_amount, stored_date
from service.foundations.formatting import format_amount, format_date


@dataclass(frozen=True)
class MajorStep:
    """A step a major case takes before its decision, and what is said when it is missing or wanting."""

    kind: str  # the instrument that records the step
    passing: str  # the conclusion that lets the decision proceed
    required: str  # why a major case needs the step, and how to go on
    concluded: str  # what the record calls its conclusion
    not_passed: str  # what another conclusion means for the decision
    dated: str  # what the record calls its date
    first: str  # the step, as what must come before the decision
    articles: str


MAJOR_STEPS = (
    # 第五十八条: a review that did not pass stops any decision, major or not.
    MajorStep(
        kind="legal_review",
        passing=AGREED,
        required=f"作出决定之前，应当进行法制审核（{LAW}第五十八条），请先制作法制审核意见书",
        concluded="审核结论",
        not_passed=f"：未经法制审核或者审核未通过的，不得作出决定（{LAW}第五十八条）；"
        "请按审核意见办理后重新审核",
        dated="审核日期",
        first="经法制审核",
        articles="第五十八条",
    ),
    # 第五十七条第二款: a major case's penalty is decided by the heads' collective discussion.
    MajorStep(
        kind="collective_discussion",
        passing=PENALTY,
        required=f"给予行政处罚应当由行政机关负责人集体讨论决定（{LAW}第五十七条第二款），"
        "请先制作集体讨论记录",
        concluded="结论",
        not_passed=f"，不是给予行政处罚：行政处罚决定应当依照集体讨论的结论作出（{LAW}第五十七条）",
        dated="讨论日期",
        first="集体讨论",
        articles="第五十七条第二款",
    ),
)


def decision_refusals(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """Return the steps missing before this penalty decision may be made in the case."""
    errors: Errors = {}
    decided_on = typed_day(values.get("decision_date"))
    notice = case_file.latest("penalty_notice")
    if notice is None:
        refuse(
            errors,
            "case",
            "本案尚未制作行政处罚事先告知书：作出行政处罚决定之前，应当告知当事人"
            f"拟作出的行政处罚内容及事实、理由、依据和依法享有的权利（{LAW}第四十四条、第六十二条），"
            "请先制作并送达事先告知书",
        )
    elif notice.served_on is None:
        refuse(
            errors,
            "case",
            f"事先告知书{notice.number}尚未送达：当事人收到告知书后才能行使陈述、"
            f"申辩和要求听证的权利（{LAW}第四十四条、第六十二条），请送达并登记送达日期后再作出决定",
        )
    else:
        heard = case_file.latest("hearing_notice") is not None
        _waited(errors, notice, values, decided_on, hearing_offered(notice) and not heard)
        _not_heavier(errors, notice, values)
    _hearing_held(errors, case_file, decided_on)
    major = major_reason(case_file)
    for step in MAJOR_STEPS:
        _major_step_taken(errors, case_file, step, major, decided_on)
    _in_time(errors, case_file, decided_on)
    return errors


def _waited(
    errors: Errors,
    notice: CaseDocument,
    values: Mapping[str, Any],
    decided_on: dt.date | None,
    hearing_window: bool,
) -> None:
    """The party's 陈述、申辩 period and 听证 window have ended, unless waived in writing."""
    served = notice.served_on
    assert served is not None  # the caller checked the notice was served
    waived = typed_day(values.get("waiver_date"))
    if waived is not None:
        if waived < served:
            refuse(
                errors,
                "waiver_date",
                f"放弃日期{format_date(waived)}早于事先告知书的送达日期"
                f"{format_date(served)}：当事人收到告知书后才能放弃陈述、申辩和听证的权利，请核对",
            )
        elif decided_on is not None and waived > decided_on:
            refuse(
                errors,
                "waiver_date",
                f"放弃日期{format_date(waived)}晚于作出决定的日期："
                "当事人应当在决定作出之前书面放弃陈述、申辩和听证的权利，请核对",
            )
        return
    if decided_on is None:
        return
    windows: list[tuple[str, Limit | None, str]] = [
        ("陈述、申辩期限", statement_limit(notice), "第四十五条、第六十二条")
    ]
    if hearing_window:
        windows.append(
            (
                "要求听证的期限（五个工作日）",
                hearing_request_limit(notice),
                "第六十四条、第八十五条",
            )
        )
    for what, limit, articles in windows:
        if limit is None:
            continue
        if not limit.known:
            refuse(
                errors,
                "case",
                f"尚无{limit.ends.year}年的国务院节假日安排，无法确认{what}是否届满："
                f"{CALENDAR_FIX}；当事人书面放弃陈述、申辩和听证权利的，请填写放弃日期",
            )
        elif decided_on <= limit.ends:
            refuse(
                errors,
                "decision_date",
                f"事先告知书于{format_date(served)}送达，{what}至"
                f"{format_date(limit.ends)}届满，决定日期应当在此之后（{LAW}{articles}）；"
                "当事人书面放弃陈述、申辩和听证权利的，请填写放弃日期",
            )


def _not_heavier(errors: Errors, notice: CaseDocument, values: Mapping[str, Any]) -> None:
    """Neither the fine nor the confiscation exceeds what the notice told the party (第四十五条)."""
    for name, label in (("fine", "罚款金额"), ("illegal_gains", "没收违法所得金额")):
        decided = values.get(name)
        if not isinstance(decided, Decimal):
            continue
        told = stored_amount(notice.facts, name)
        if told is not None and decided <= told:
            continue
        was = f"告知的{format_amount(told)}" if told is not None else "未告知这一处罚"
        refuse(
            errors,
            name,
            f"{label}{format_amount(decided)}高于事先告知书{notice.number}（{was}）："
            f"行政机关不得因当事人陈述、申辩而给予更重的处罚（{LAW}第四十五条第二款）；"
            "确需加重的，应当重新制作并送达事先告知书",
        )


def _hearing_held(errors: Errors, case_file: CaseFile, decided_on: dt.date | None) -> None:
    """A hearing the party was notified of is held and recorded before the decision (第六十五条)."""
    notice = case_file.latest("hearing_notice")
    if notice is None:
        return
    planned = stored_date(notice.facts, "hearing_date")
    records = [
        record
        for record in case_file.issued("hearing_record")
        if planned is None or record.document_date >= planned
    ]
    if not records:
        when = f"于{format_date(planned)}" if planned else ""
        refuse(
            errors,
            "case",
            f"本案已通知当事人{when}举行听证（{notice.number}），尚未制作听证笔录："
            f"听证结束后，应当根据听证笔录作出决定（{LAW}第六十五条），请先制作听证笔录",
        )
    elif decided_on is not None and decided_on < records[-1].document_date:
        refuse(
            errors,
            "decision_date",
            f"决定日期早于听证日期{format_date(records[-1].document_date)}："
            f"听证结束后，才能根据听证笔录作出决定（{LAW}第六十五条）",
        )


def major_reason(case_file: CaseFile) -> str:
    """Return why the case is major (a hearing held, or a hearing right), or "" when it is not."""
    notice = case_file.latest("penalty_notice")
    if case_file.issued("hearing_record"):
        return "本案经过听证程序"
    if notice is not None and hearing_offered(notice):
        return f"事先告知书{notice.number}拟作出的处罚依法应当告知听证权利"
    return ""


def _major_step_taken(
    errors: Errors,
    case_file: CaseFile,
    step: MajorStep,
    major: str,
    decided_on: dt.date | None,
) -> None:
    """A major case took the step before its decision; a step that did not pass stops any decision."""
    record = case_file.latest(step.kind)
    if record is None:
        if major:
            refuse(errors, "case", f"{major}，属于重大行政处罚案件：{step.required}")
        return
    conclusion = record.facts.get("conclusion")
    if conclusion != step.passing:
        refuse(
            errors,
            "case",
            f"{record.title}{record.number}的{step.concluded}是“{conclusion}”{step.not_passed}",
        )
    elif decided_on is not None and record.document_date > decided_on:
        refuse(
            errors,
            "decision_date",
            f"{record.title}{record.number}的{step.dated}"
            f"{format_date(record.document_date)}晚于决定日期：应当先{step.first}，再作出决定"
            f"（{LAW}{step.articles}）",
        )


def _in_time(errors: Errors, case_file: CaseFile, decided_on: dt.date | None) -> None:
    """The decision is made within 90 days of 立案 and the approved extensions (第六十条)."""
    limit = decision_limit(case_file)
    if decided_on is None or decided_on <= limit.ends:
        return
    extended = f"，含已批准延长的{case_file.extension_days}日" if case_file.extension_days else ""
    refuse(
        errors,
        "decision_date",
        f"本案于{format_date(case_file.opened_on)}立案，最迟应当在"
        f"{format_date(limit.ends)}作出决定（{LAW}第六十条{extended}）；超过期限的，"
        "请先申请延长办案期限，经负责人批准后再作出决定",
    )
