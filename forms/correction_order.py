"""责令限期改正通知书: seed 档案安全监管 §五(三), to a unit that did not file its self-inspection report."""

from __future__ import annotations

import datetime as dt

from wtforms import Field
from wtforms.validators import ValidationError

from forms.annual_report import FIRST_YEAR, report_due
from forms.fields import (
    ArchivedDocument,
    InstrumentForm,
    archived_date,
    date,
    integer,
    picks,
    short_text,
)
from service.foundations.deadlines import CalendarUnknown, is_working_day
from service.foundations.formatting import format_date


class CorrectionOrderForm(InstrumentForm):
    """Facts of one order to file an overdue 档案工作自查报告 by a deadline."""

    unit = picks(short_text("未提交自查报告的单位", max_length=60), "units")
    report_year = integer("未提交的自查报告年度", minimum=FIRST_YEAR, maximum=2100)
    deadline = date("改正期限")
    issue_date = date("成文日期")
    cc = short_text("抄送", max_length=200, required=False)

    def validate_unit(self, field: Field) -> None:
        """A unit whose report for the year is in the archive did file it; an earlier order is flagged."""
        year = self.report_year.data
        if not field.data or not isinstance(year, int):
            return
        filed = self._issued("annual_report", field.data, year)
        if filed:
            report = filed[0]
            raise ValidationError(
                f"本局已收到该单位{year}年度档案工作情况报告（{report.number}，"
                f"{format_date(report.document_date)}），不应责令限期改正"
            )
        paper = self._paper_report(field.data, year)
        if paper is not None:
            summary, received = paper
            on = f"于{format_date(received)}" if received else ""
            raise ValidationError(
                f"本局{year}年度自查审核汇总表（{summary.number}）记载已{on}收到该单位的"
                "纸质报告，不应责令限期改正"
            )
        for order in self._issued("correction_order", field.data, year):
            self.warn(
                f"本局已于{format_date(order.document_date)}就{year}年度自查报告"
                f"向该单位发出责令限期改正通知书（{order.number}），请核实是否重复发文"
            )

    def validate_report_year(self, field: Field) -> None:
        """A report is missing only once its due day, 30 September of the next year, has passed."""
        issued = self.issue_date.data
        if isinstance(field.data, int) and issued and issued <= report_due(field.data):
            raise ValidationError(
                f"{field.data}年度自查报告的提交期限是{format_date(report_due(field.data))}，"
                "期限届满后方可责令限期改正"
            )

    def validate_deadline(self, field: Field) -> None:
        """The deadline follows the issue date; one on a rest day or holiday is pointed out."""
        if not field.data:
            return
        if self.issue_date.data and field.data <= self.issue_date.data:
            raise ValidationError("改正期限应当晚于成文日期")
        try:
            if not is_working_day(field.data):
                self.warn(f"改正期限{format_date(field.data)}是休息日或者法定节假日，请核对")
        except CalendarUnknown as error:
            self.warn(str(error))

    def _paper_report(self, unit: str, year: int) -> tuple[ArchivedDocument, dt.date | None] | None:
        """Return the issued audit summary of year recording the unit's report on paper, and when received.

        The due dates count such a report as received; the order agrees with them.
        """
        if self.archive is None:
            return None
        for summary in self.archive.of_kind("audit_summary", year):
            if summary.status != "issued" or summary.facts.get("audit_year") != year:
                continue
            for row in summary.facts.get("paper_reports") or []:
                if isinstance(row, dict) and str(row.get("unit") or "").strip() == unit.strip():
                    return summary, archived_date(row.get("received_date"))
        return None

    def _issued(self, kind: str, unit: str, year: int) -> list[ArchivedDocument]:
        """Return the unit's issued documents of a kind on that report year, oldest first."""
        if self.archive is None:
            return []
        return [
            document
            for document in self.archive.of_kind(kind, year)
            if document.status == "issued"
            and document.facts.get("unit") == unit
            and document.facts.get("report_year") == year
        ]
