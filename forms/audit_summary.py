"""档案安全年度工作自查审核汇总表: the year's annual reports audited, seed 档案安全监管 §四(五)(六)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wtforms import Field
from wtforms.validators import ValidationError

from forms.annual_report import FIRST_YEAR, report_due
from forms.fields import (
    ArchiveView,
    InstrumentForm,
    RowForm,
    choice,
    date,
    integer,
    picks,
    rows,
    short_text,
)
from service.foundations.formatting import format_date
from service.foundations.plaintext import quote_back
from service.foundations.tables import TableUnreadable, read_table

RESULTS = ("合格", "基本合格", "不合格")
ON_TIME, LATE, MISSING = "已报送", "逾期报送", "未报送"
PAPER = "纸质报告"
ANNUAL_REPORT = "annual_report"


class RegisterRow(RowForm):
    """One unit of the 档案登记备份名册, which must report every year."""

    unit = picks(short_text("单位名称", max_length=60), "units")


class AuditNoteRow(RowForm):
    """The bureau's audit of one unit's report."""

    unit = picks(short_text("单位名称", max_length=60), "units")
    result = choice("审核结果", RESULTS)
    problems = short_text("存在问题", max_length=200, required=False)
    follow_up = short_text("整改落实", max_length=200, required=False)


class PaperReportRow(RowForm):
    """A report a unit handed in on paper, which is not in the archive."""

    unit = picks(short_text("单位名称", max_length=60), "units")
    received_date = date("收到日期")


@dataclass(frozen=True)
class Received:
    """When and how the bureau received one unit's report."""

    date: dt.date
    source: str  # the report's 文号, or 纸质报告


class AuditSummaryForm(InstrumentForm):
    """Facts of the summary of one year's 档案工作情况报告, reported to the city bureau."""

    audit_year = integer("审核年度", minimum=FIRST_YEAR, maximum=2100)
    register = rows(RegisterRow, "档案登记备份名册单位")
    report_to = short_text("报送机关", max_length=60)
    issue_date = date("填报日期")
    audit_notes = rows(AuditNoteRow, "审核意见")
    paper_reports = rows(PaperReportRow, "纸质报告")

    def register_units(self) -> set[str]:
        """Return the units named in the register."""
        return {row["unit"] for row in self.register.data if row.get("unit")}

    def validate_register(self, field: Field) -> None:
        """The register names at least one unit, each once; archived reports outside it are noted."""
        if not field.data:
            raise ValidationError("请至少填写一个档案登记备份名册单位")
        _refuse_repeats(field.data, "档案登记备份名册")
        year = self.audit_year.data
        if self.archive is not None and isinstance(year, int):
            outside = sorted(set(archived_reports(self.archive, year)) - self.register_units())
            if outside:
                self.warn(
                    f"{'、'.join(outside)}报送了{year}年度报告，但不在档案登记备份名册中，"
                    "未列入汇总表"
                )

    def validate_issue_date(self, field: Field) -> None:
        """The summary is made after the audited year; before the due day it is flagged early."""
        year = self.audit_year.data
        if not field.data or not isinstance(year, int):
            return
        if field.data.year <= year:
            raise ValidationError(f"填报日期应当在审核年度（{year}年）之后")
        if field.data <= report_due(year):
            self.warn(
                f"{year}年度报告的报送期限{format_date(report_due(year))}尚未届满，"
                "汇总表中未报送的单位仍可能按期报送"
            )

    def validate_audit_notes(self, field: Field) -> None:
        """Each audit note is about a unit of the register, once; a unit without a report is noted."""
        self._refuse_outside_register(field.data)
        _refuse_repeats(field.data, "审核意见")
        year = self.audit_year.data
        if self.archive is None or not isinstance(year, int):
            return
        received = set(archived_reports(self.archive, year))
        received |= {row["unit"] for row in self.paper_reports.data if row.get("unit")}
        unreported = [
            row["unit"] for row in field.data if row.get("unit") and row["unit"] not in received
        ]
        if unreported:
            self.warn(f"{'、'.join(unreported)}没有报送{year}年度报告，却填写了审核意见")

    def validate_paper_reports(self, field: Field) -> None:
        """A paper report is from a unit of the register, once, received after the year and by the summary."""
        self._refuse_outside_register(field.data)
        _refuse_repeats(field.data, "纸质报告")
        year = self.audit_year.data
        for index, row in enumerate(field.data, start=1):
            received = row.get("received_date")
            if not isinstance(received, dt.date):
                continue
            if isinstance(year, int) and received.year <= year:
                raise ValidationError(
                    f"第{index}项：{quote_back(row['unit'])}的收到日期应当在审核年度（{year}年）之后"
                )
            if self.issue_date.data and received > self.issue_date.data:
                raise ValidationError(
                    f"第{index}项：{quote_back(row['unit'])}的收到日期不能晚于填报日期"
                )

    def _refuse_outside_register(self, entries: Sequence[dict[str, Any]]) -> None:
        """Raise ValidationError naming the first row whose unit is not in the register."""
        known = self.register_units()
        for index, row in enumerate(entries, start=1):
            if row.get("unit") and row["unit"] not in known:
                raise ValidationError(
                    f"第{index}项：“{quote_back(row['unit'])}”不在档案登记备份名册中，请核对单位名称"
                )


def _refuse_repeats(entries: Sequence[dict[str, Any]], where: str) -> None:
    """Raise ValidationError when a unit appears twice among the rows."""
    seen: dict[str, int] = {}
    for index, row in enumerate(entries, start=1):
        unit = row.get("unit")
        if not unit:
            continue
        if unit in seen:
            raise ValidationError(
                f"{where}中“{quote_back(unit)}”重复（第{seen[unit]}项和第{index}项）"
            )
        seen[unit] = index


def _as_date(value: Any) -> dt.date | None:
    """Return an archived fact as a date (the archive keeps dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def archived_reports(archive: ArchiveView, year: int) -> dict[str, Received]:
    """Return each unit's earliest issued annual report on year: its report date and 文号.

    Voided reports do not count; a unit that reported twice is taken at its first report.
    """
    received: dict[str, Received] = {}
    for document in archive.of_kind(ANNUAL_REPORT, year):
        facts = document.facts
        if document.status != "issued" or facts.get("report_year") != year:
            continue
        day = _as_date(facts.get("report_date")) or document.document_date
        unit = str(facts.get("unit") or "").strip()
        if unit and (unit not in received or day < received[unit].date):
            received[unit] = Received(day, document.number)
    return received


def summary_context(values: dict[str, Any], archive: ArchiveView | None) -> dict[str, Any]:
    """Return the summary's rows, one per unit of the register, and its totals.

    A unit's report is on time (已报送) when received by 30 September of the year after
    the audited year, late (逾期报送) after it, and missing (未报送) when neither an
    issued annual report in the archive nor a paper report is known.
    """
    year: int = values["audit_year"]
    due = report_due(year)
    received = archived_reports(archive, year) if archive is not None else {}
    for paper in values.get("paper_reports") or []:
        day = paper["received_date"]
        if paper["unit"] not in received or day < received[paper["unit"]].date:
            received[paper["unit"]] = Received(day, PAPER)
    notes = {note["unit"]: note for note in values.get("audit_notes") or []}
    summary_rows = []
    for index, entry in enumerate(values["register"], start=1):
        unit = entry["unit"]
        report = received.get(unit)
        status = MISSING if report is None else (LATE if report.date > due else ON_TIME)
        note = notes.get(unit, {})
        summary_rows.append(
            {
                "index": index,
                "unit": unit,
                "status": status,
                "date": report.date if report else None,
                "source": report.source if report else "",
                "result": note.get("result") or "",
                "problems": note.get("problems") or "",
                "follow_up": note.get("follow_up") or "",
            }
        )
    statuses = [row["status"] for row in summary_rows]
    return {
        "summary_rows": summary_rows,
        "report_due": due,
        "register_count": len(summary_rows),
        "on_time_count": statuses.count(ON_TIME),
        "late_count": statuses.count(LATE),
        "missing_count": statuses.count(MISSING),
    }


# Paper reports from a spreadsheet -----------------------------------------------------------

UNIT_COLUMNS = ("单位", "单位名称", "unit")
DATE_COLUMNS = ("收到日期", "received_date")
_DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class PaperReportsUnreadable(TableUnreadable):
    """Raised when a table of paper reports cannot be read; the message names the row."""


def read_paper_reports(path: Path | str) -> list[dict[str, str]]:
    """Return the paper reports listed in an .xlsx or .csv file as rows for the facts.

    The first non-empty row names the columns: 单位 (or unit) and 收到日期 (or
    received_date). Each later non-empty row gives {"unit", "received_date"} with the
    date as 年-月-日. Raises PaperReportsUnreadable, naming the row, for a bad row.
    """
    path = Path(path)
    try:
        numbered = read_table(path)
    except TableUnreadable as error:
        raise PaperReportsUnreadable(str(error)) from None
    header_number, header = numbered[0]
    names = [str(cell or "").strip().lower() for cell in header]
    unit_at = _column(names, UNIT_COLUMNS, header_number)
    date_at = _column(names, DATE_COLUMNS, header_number)
    reports = []
    for number, cells in numbered[1:]:
        unit = str(_cell(cells, unit_at) or "").strip()
        if not unit:
            raise PaperReportsUnreadable(f"第{number}行：没有填写单位")
        received = _read_date(_cell(cells, date_at))
        if received is None:
            value = _cell(cells, date_at)
            shown = f"“{quote_back(value)}”不是日期" if value not in (None, "") else "没有填写"
            raise PaperReportsUnreadable(
                f"第{number}行：{quote_back(unit)}的收到日期{shown}，日期应写作 2026-03-05 或 2026年3月5日"
            )
        reports.append({"unit": unit, "received_date": received.isoformat()})
    return reports


def _column(names: list[str], accepted: Sequence[str], header_number: int) -> int:
    """Return the index of the column named by one of accepted, or raise naming the header row."""
    for name in accepted:
        if name.lower() in names:
            return names.index(name.lower())
    raise PaperReportsUnreadable(f"第{header_number}行（表头）缺少“{accepted[0]}”列")


def _cell(cells: Sequence[Any], index: int) -> Any:
    """Return the cell at index, or None past the end of a short row."""
    return cells[index] if index < len(cells) else None


def _read_date(value: Any) -> dt.date | None:
    """Return a cell as a date: a spreadsheet date, 2026-03-05, 2026/3/5 or 2026年3月5日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE_PATTERN.match(str(value or "").strip())
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
