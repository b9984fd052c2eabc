"""全区档案安全通报（预警、警示信息）: the year's archives-safety assessment, seed 档案安全监管 §四(六)."""

from __future__ import annotations

import datetime as dt

from wtforms import Field
from wtforms.validators import ValidationError

from forms.annual_report import FIRST_YEAR
from forms.fields import InstrumentForm, date, integer, long_text, short_text
from service.foundations.deadlines import calendar_known, due_day
from service.foundations.formatting import format_date


def circular_due(assessment_year: int) -> dt.date:
    """Return the last day the circular on assessment_year is on time.

    31 January of the next year, or the next working day when that is a holiday or rest day.
    """
    return due_day(dt.date(assessment_year + 1, 1, 31))


class SafetyCircularForm(InstrumentForm):
    """Facts of one copy of the 全区档案安全通报, sent to one addressee."""

    assessment_year = integer("考核年度", minimum=FIRST_YEAR, maximum=2100)
    addressee = short_text("主送单位", max_length=60)
    overall = long_text("总体情况")
    good_practices = long_text("好的做法")
    problems = long_text("存在的问题")
    requirements = long_text("工作要求")
    issue_date = date("成文日期")
    cc = short_text("抄送", max_length=200, required=False)

    def validate_issue_date(self, field: Field) -> None:
        """The circular follows the assessed year; after 31 January of the next year it is late."""
        year = self.assessment_year.data
        if not field.data or not isinstance(year, int):
            return
        if field.data.year <= year:
            raise ValidationError(f"成文日期应当在考核年度（{year}年）结束之后")
        if not calendar_known(dt.date(year + 1, 1, 31)):
            self.warn(
                f"尚无{year + 1}年的国务院节假日安排：发布期限按{year + 1}年1月31日计，"
                "如遇节假日顺延，请人工核对"
            )
        if field.data > circular_due(year):
            self.warn(
                f"{year}年度全区档案安全通报应当于{format_date(circular_due(year))}前发布，"
                f"本通报成文日期为{format_date(field.data)}，已逾期"
            )
