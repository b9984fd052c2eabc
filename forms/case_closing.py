"""结案报告: how a case ended (行政处罚法 第五十七条) and, for a penalty, how it was carried out."""

from __future__ import annotations

import datetime as dt
import re

from wtforms import Field, FieldList
from wtforms.validators import ValidationError

from forms.case_opening import MIN_OFFICERS, officers_problem
from forms.fields import (
    InstrumentForm,
    OfficerRow,
    choice,
    date,
    least_rows,
    long_text,
    picks,
    required_when,
    rows,
    short_text,
    shown_when,
)
from service.foundations.formatting import format_date

LAW = "《中华人民共和国行政处罚法》"
# The ends of a case: 第五十七条第一款 (一) a penalty, carried out (第六十六条); (二)(三) none;
# a case outside the bureau's power, or a crime (第二十七条, 第五十七条第一款第四项), sent on.
PENALISED = "给予行政处罚并已执行完毕"
NOT_PENALISED = "不予行政处罚"
DROPPED = "违法事实不能成立、撤销案件"
TRANSFERRED = "移送其他机关处理"
OUTCOMES = (PENALISED, NOT_PENALISED, DROPPED, TRANSFERRED)
PENALTY_DECISION = "penalty_decision"
# A 文号 as numbers are written, 机关代字〔年份〕序号号: its year and serial are plain to see,
# but where a code written into a sentence begins (作出君档罚决〔2026〕1号) is not.
NUMBER_TAIL = re.compile(r"([\w]{1,20})(〔\d{4}〕\d+号)")
CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _dates_in(text: str) -> list[tuple[str, dt.date | None]]:
    """Return each date written 2026年4月28日 in a text, with the date (None when there is no such day)."""
    found = []
    for match in CHINESE_DATE.finditer(text):
        try:
            day: dt.date | None = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            day = None
        found.append((match.group(0), day))
    return found


def _numbers_in(text: str) -> tuple[str, list[str]]:
    """Return the first 〔年份〕序号号 a text writes, and each 文号 it may be part of, longest first."""
    found = NUMBER_TAIL.search(text)
    if found is None:
        return "", []
    code, tail = found.groups()
    return tail, [code[start:] + tail for start in range(len(code))]


class CaseClosingForm(InstrumentForm):
    """Facts of one 结案报告: the case, its outcome, the penalty decision and how it was carried out."""

    cause = short_text("案由", max_length=100)
    party_name = picks(short_text("当事人姓名或者名称", max_length=60), "units")
    outcome = choice("处理结果", OUTCOMES)
    penalty_summary = required_when(
        shown_when(
            long_text("处罚决定及文号", max_length=500, required=False), "outcome", PENALISED
        ),
        lambda form: form.outcome.data == PENALISED,
        "给予行政处罚的，请写明行政处罚决定的内容及其文号，如“君档罚决〔2026〕1号，罚款人民币45000元”",
    )
    execution = required_when(
        shown_when(long_text("执行情况", max_length=1000, required=False), "outcome", PENALISED),
        lambda form: form.outcome.data == PENALISED,
        f"给予行政处罚并已执行完毕的，请写明当事人何时、以何种方式履行了处罚决定（{LAW}第六十六条）",
    )
    summary = long_text("案件办理情况", max_length=3000)
    officers = least_rows(rows(OfficerRow, "承办人", max_entries=10), MIN_OFFICERS)
    closing_date = date("结案日期")

    def validate_penalty_summary(self, field: Field) -> None:
        """Only a penalised case has a decision; it is named by its 文号, issued, and not after 结案.

        With the archive, the 文号 must be an issued 行政处罚决定书 on the same party, dated on or
        before the closing.
        """
        if self.outcome.data in OUTCOMES and self.outcome.data != PENALISED:
            raise ValidationError(
                f"处理结果为{self.outcome.data}的，没有行政处罚决定，不填写处罚决定及文号"
            )
        tail, readings = _numbers_in(field.data)
        if not readings:
            raise ValidationError("请写明行政处罚决定书的文号，如 君档罚决〔2026〕1号")
        if self.archive is None:
            return
        archived = ((number, self.archive.find(number)) for number in readings)
        number, decision = next(
            ((n, d) for n, d in archived if d is not None and d.kind == PENALTY_DECISION),
            (tail, None),
        )
        if decision is None:
            raise ValidationError(
                f"档案中没有写明的行政处罚决定书（文号为……{tail}），请核对机关代字、年份和序号"
            )
        if decision.status != "issued":
            raise ValidationError(f"{number}已作废，不能作为本案的处罚决定")
        party = decision.facts.get("party_name")
        if self.party_name.data and party != self.party_name.data:
            raise ValidationError(f"{number}的当事人是“{party}”，不是本案当事人，请核对文号")
        closed = self.closing_date.data
        if closed and decision.document_date > closed:
            raise ValidationError(
                f"{number}作出于{format_date(decision.document_date)}，晚于结案日期；"
                "处罚决定执行完毕后才能结案"
            )

    def validate_execution(self, field: Field) -> None:
        """A penalty carried out says when: a date, a real one, not after the closing."""
        dates = _dates_in(field.data)
        for written, day in dates:
            if day is None:
                raise ValidationError(f"执行情况中的“{written}”不是有效日期")
            closed = self.closing_date.data
            if closed and day > closed:
                raise ValidationError(
                    f"执行情况中的{written}晚于结案日期（{format_date(closed)}）：执行完毕后才能结案"
                )
        if self.outcome.data == PENALISED and not dates:
            raise ValidationError(
                "请写明当事人履行处罚决定的日期，如“当事人于2026年4月28日缴纳罚款人民币45000元”"
            )

    def validate_officers(self, field: FieldList) -> None:
        """At least two officers handled the case (第四十二条), each with a certificate of his or her own."""
        problem = officers_problem(field)
        if problem:
            raise ValidationError(problem)
