"""档案工作情况报告（档案工作自查报告）: a registered unit's yearly report, seed 档案安全监管 §四(五)."""

from __future__ import annotations

import datetime as dt

from wtforms import BooleanField, Field
from wtforms.validators import DataRequired, ValidationError

from forms.fields import InstrumentForm, date, integer, long_text, picks, short_text
from service.foundations.deadlines import calendar_known, due_day
from service.foundations.formatting import format_date

FIRST_YEAR = 1987  # the year the first 档案法 was enacted; no report covers an earlier year


def report_due(report_year: int) -> dt.date:
    """Return the last day a report on report_year is on time.

    30 September of the next year, or the next working day when that is a holiday or rest day.
    """
    return due_day(dt.date(report_year + 1, 9, 30))


def is_late(report_year: int, report_date: dt.date) -> bool:
    """Return whether a report on report_year dated report_date came after its due day."""
    return report_date > report_due(report_year)


class AnnualReportForm(InstrumentForm):
    """Facts of one unit's 档案工作情况报告 on the year before the report."""

    unit = picks(
        short_text("报告单位", max_length=60), "units", {"representative": "responsible_person"}
    )
    report_year = integer("报告年度", minimum=FIRST_YEAR, maximum=2100)
    report_date = date("报告日期")
    holdings = long_text("档案保存情况")
    database = long_text("档案数据库运行维护情况")
    problems = long_text("存在的问题")
    fixes = long_text("整改措施")
    truth_statement = BooleanField(
        "本单位对报告内容的真实性负责",
        validators=[DataRequired(message="请勾选“本单位对报告内容的真实性负责”的声明")],
        false_values=(False, "false", "", "0", "n", "no"),
    )
    responsible_person = short_text("单位负责人", max_length=20)

    def validate_report_year(self, field: Field) -> None:
        """The year reported on must be over: it comes before the year of the report date."""
        if (
            field.data is not None
            and self.report_date.data
            and (field.data >= self.report_date.data.year)
        ):
            raise ValidationError(
                f"报告年度应当早于报告日期所在的{self.report_date.data.year}年"
                "（每年报告上一年度的档案工作情况）"
            )

    def validate_report_date(self, field: Field) -> None:
        """A report after 30 September of the next year is accepted, with a warning that it is late."""
        year = self.report_year.data
        valid_year = isinstance(year, int) and field.data and year < field.data.year
        if valid_year and not calendar_known(dt.date(year + 1, 9, 30)):
            self.warn(
                f"尚无{year + 1}年的国务院节假日安排：报送期限按{year + 1}年9月30日计，"
                "如遇节假日顺延，请人工核对"
            )
        if valid_year and is_late(year, field.data):
            self.warn(
                f"{year}年度报告应当于{format_date(report_due(year))}前提交，"
                f"本报告{format_date(field.data)}提交，属逾期报送"
            )
