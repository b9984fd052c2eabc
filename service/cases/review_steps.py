"""What must come before a legal review, a collective discussion and the closing of a case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.case_closing import DROPPED, NOT_PENALISED, TRANSFERRED
from service.cases.decision_steps import major_reason
from service.cases.records import CaseFile
from service.cases.refusing import LAW, Errors, refuse, typed_day
from service.cases.status import RECORDS
from service.cases.stored import officer_names
from service.foundations.formatting import format_date

# The ends of a case that come without a penalty decision (第五十七条第一款第二至四项).
WITHOUT_PENALTY = frozenset({NOT_PENALISED, DROPPED, TRANSFERRED})


def investigators(case_file: CaseFile) -> set[str]:
    """Return who investigated the case: the 承办人 of its 立案审批表 and the officers of its records."""
    names = officer_names(case_file.facts)
    for kind in sorted(RECORDS):
        for record in case_file.issued(kind):
            names |= officer_names(record.facts)
    return names


def legal_review_refusals(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """Return what stops a 法制审核意见书: no notice yet, or a reviewer who investigated the case."""
    errors: Errors = {}
    if case_file.latest("penalty_notice") is None:
        refuse(
            errors,
            "case",
            "本案尚未制作行政处罚事先告知书：法制审核审查的是拟作出的行政处罚"
            f"（{LAW}第五十八条），请先制作事先告知书",
        )
    reviewer = str(values.get("reviewer") or "").strip()
    if reviewer and reviewer in investigators(case_file):
        refuse(
            errors,
            "reviewer",
            f"“{reviewer}”是本案的承办人或者调查人员：法制审核应当由从事行政"
            f"处罚决定法制审核的人员进行（{LAW}第五十八条），不能审核自己调查的案件，请另行指定审核人员",
        )
    return errors


def collective_discussion_refusals(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """Return what stops a 集体讨论记录: a major case discussed before its legal review."""
    major = major_reason(case_file)
    if not major:
        return {}
    review = case_file.latest("legal_review")
    if review is None:
        return {
            "case": [
                f"{major}，属于重大行政处罚案件：应当先进行法制审核（{LAW}第五十八条），"
                "再由负责人集体讨论，请先制作法制审核意见书"
            ]
        }
    met = typed_day(values.get("meeting_date"))
    if met is not None and met < review.document_date:
        return {
            "meeting_date": [
                f"讨论日期早于法制审核意见书{review.number}的审核日期"
                f"{format_date(review.document_date)}：重大案件应当先经法制审核，"
                f"再集体讨论（{LAW}第五十八条）"
            ]
        }
    return {}


def closing_refusals(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """Return what stops a 结案报告: a penalty not yet decided and served, or an outcome the file belies."""
    outcome = values.get("outcome")
    decision = case_file.latest("penalty_decision")
    if outcome == NOT_PENALISED and decision is not None:
        return {
            "outcome": [
                f"本案已作出行政处罚决定{decision.number}，处理结果不能是不予行政处罚；"
                "决定有误的，请先作废该决定书"
            ]
        }
    if outcome in WITHOUT_PENALTY:
        return {}
    if decision is None:
        return {
            "case": [
                "本案尚未作出行政处罚决定：给予行政处罚的案件，应当在处罚决定作出、送达并执行后"
                f"结案（{LAW}第五十七条、第六十一条），请先作出并送达行政处罚决定书"
            ]
        }
    if decision.served_on is None:
        return {
            "case": [
                f"行政处罚决定书{decision.number}尚未送达：决定书应当送达当事人（{LAW}"
                "第六十一条），请送达并登记送达日期后再结案"
            ]
        }
    closed = typed_day(values.get("closing_date"))
    if closed is not None and closed < decision.served_on:
        return {
            "closing_date": [
                f"结案日期早于行政处罚决定书{decision.number}的送达日期"
                f"{format_date(decision.served_on)}：决定送达并执行后才能结案"
            ]
        }
    return {}
