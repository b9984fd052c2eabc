"""Tests of the 档案安全年度工作自查审核汇总表: its rules, its rows built from archived reports, paper lists."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import update

from forms.audit_summary import PaperReportsUnreadable, read_paper_reports, summary_context
from service.acts.issuing import issue_document
from service.archive.lookup import DatabaseArchiveView
from service.database.models import Document
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import FakeArchive, FakeDocument, validation_errors

SUMMARY = get_instrument("audit_summary")
SEQUENCE = itertools.count(1)


def report(unit: str, dated: str, year: int = 2025, status: str = "issued") -> FakeDocument:
    """Return an archived annual report of unit on year, dated dated, as the archive keeps it."""
    day = dt.date.fromisoformat(dated)
    number = f"君档年报〔{day.year}〕{next(SEQUENCE)}号"
    facts = sample("annual_report") | {"unit": unit, "report_year": year, "report_date": dated}
    return FakeDocument("annual_report", number, status, day, facts)


def errors_for(facts: dict[str, Any], archive: FakeArchive | None = None) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(SUMMARY, facts, archive=archive)


def check(facts: dict[str, Any], archive: Any = None) -> Facts:
    """Return the validated facts, failing the test if they are invalid."""
    return validate_facts(SUMMARY, facts, archive=archive)


def register(*units: str) -> list[dict[str, str]]:
    """Return register rows naming units."""
    return [{"unit": unit} for unit in units]


def by_unit(context: dict[str, Any]) -> dict[str, tuple[str, Any, str]]:
    """Return each summary row as unit → (status, date, source)."""
    return {
        row["unit"]: (row["status"], row["date"], row["source"]) for row in context["summary_rows"]
    }


# The rules ----------------------------------------------------------------------------------


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule without a warning."""
    assert check(sample("audit_summary")).warnings == ()


@pytest.mark.parametrize("name", ["audit_year", "report_to", "issue_date"])
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out the year, the recipient or the date is refused in Chinese."""
    facts = sample("audit_summary")
    del facts[name]
    errors = errors_for(facts)
    assert list(errors) == [name]
    assert errors[name][0].startswith("请填写")


@pytest.mark.parametrize("rows", [None, []])
def test_register_must_name_a_unit(rows: list[Any] | None) -> None:
    """This test ensures that a summary without any unit of the register is refused."""
    facts = sample("audit_summary") | {"register": rows, "audit_notes": [], "paper_reports": []}
    assert errors_for(facts) == {"register": ["请至少填写一个档案登记备份名册单位"]}


def test_register_names_each_unit_once() -> None:
    """This test ensures that a unit listed twice in the register is refused, naming both rows."""
    facts = sample("audit_summary")
    facts["register"].append({"unit": "岳阳市君山区财政局"})
    assert errors_for(facts) == {
        "register": ["档案登记备份名册中“岳阳市君山区财政局”重复（第3项和第13项）"]
    }


def test_register_row_needs_a_name() -> None:
    """This test ensures that a blank row of the register is refused at its row."""
    facts = sample("audit_summary")
    facts["register"].append({"unit": " "})
    assert errors_for(facts) == {"register": ["第13项：请填写单位名称"]}


def test_audit_note_outside_register() -> None:
    """This test ensures that an audit note on a unit not in the register is a field error."""
    facts = sample("audit_summary")
    facts["audit_notes"][1]["unit"] = "岳阳市君山区统计局"
    assert errors_for(facts) == {
        "audit_notes": ["第2项：“岳阳市君山区统计局”不在档案登记备份名册中，请核对单位名称"]
    }


def test_audit_note_once_per_unit() -> None:
    """This test ensures that a unit is audited in one note only."""
    facts = sample("audit_summary")
    facts["audit_notes"].append({"unit": "岳阳市君山区财政局", "result": "合格"})
    assert errors_for(facts) == {
        "audit_notes": ["审核意见中“岳阳市君山区财政局”重复（第1项和第4项）"]
    }


def test_audit_result_is_one_of_three() -> None:
    """This test ensures that an audit result other than 合格, 基本合格 or 不合格 is refused."""
    facts = sample("audit_summary")
    facts["audit_notes"][0]["result"] = "优秀"
    assert list(errors_for(facts)) == ["audit_notes"]


def test_paper_report_outside_register() -> None:
    """This test ensures that a paper report from a unit not in the register is a field error."""
    facts = sample("audit_summary")
    facts["paper_reports"][0]["unit"] = "岳阳市君山区审计局"
    assert errors_for(facts) == {
        "paper_reports": ["第1项：“岳阳市君山区审计局”不在档案登记备份名册中，请核对单位名称"]
    }


def test_paper_report_once_per_unit() -> None:
    """This test ensures that a unit's paper report is listed once."""
    facts = sample("audit_summary")
    facts["paper_reports"].append({"unit": "岳阳市君山区人民医院", "received_date": "2026-09-26"})
    assert errors_for(facts) == {
        "paper_reports": ["纸质报告中“岳阳市君山区人民医院”重复（第1项和第3项）"]
    }


def test_paper_report_received_after_the_year() -> None:
    """This test ensures that a report on a year cannot be received before the year is over."""
    facts = sample("audit_summary")
    facts["paper_reports"][1]["received_date"] = "2025-12-31"
    assert errors_for(facts) == {
        "paper_reports": ["第2项：岳阳市君山区许市镇人民政府的收到日期应当在审核年度（2025年）之后"]
    }


def test_paper_report_received_by_the_summary() -> None:
    """This test ensures that a paper report received after the summary's date is refused."""
    facts = sample("audit_summary")
    facts["paper_reports"][1]["received_date"] = "2026-10-21"
    assert errors_for(facts) == {
        "paper_reports": ["第2项：岳阳市君山区许市镇人民政府的收到日期不能晚于填报日期"]
    }


def test_paper_report_needs_a_date() -> None:
    """This test ensures that a paper report without its received date is refused at its row."""
    facts = sample("audit_summary")
    facts["paper_reports"][0]["received_date"] = "9月25日"
    assert "年-月-日" in errors_for(facts)["paper_reports"][0]


def test_summary_dated_in_the_audited_year() -> None:
    """This test ensures that the summary cannot be made before the audited year is over."""
    facts = sample("audit_summary") | {"issue_date": "2025-12-20", "paper_reports": []}
    assert errors_for(facts) == {"issue_date": ["填报日期应当在审核年度（2025年）之后"]}


def test_summary_before_the_due_day_is_flagged() -> None:
    """This test ensures that a summary made before 30 September warns that reports may still come."""
    facts = sample("audit_summary") | {"issue_date": "2026-09-29", "paper_reports": []}
    assert check(facts).warnings == (
        "2025年度报告的报送期限2026年9月30日尚未届满，汇总表中未报送的单位仍可能按期报送",
    )


def test_archive_warnings() -> None:
    """This test ensures that reports from units outside the register and notes without a report are flagged."""
    archive = FakeArchive(
        report("岳阳市君山区财政局", "2026-03-20"), report("岳阳市君山区统计局", "2026-04-01")
    )
    facts = sample("audit_summary")
    facts["audit_notes"].append({"unit": "岳阳市君山区民政局", "result": "不合格"})
    assert check(facts, archive).warnings == (
        "岳阳市君山区统计局报送了2025年度报告，但不在档案登记备份名册中，未列入汇总表",
        "岳阳市君山区民政局没有报送2025年度报告，却填写了审核意见",
    )


# The rows, from a fake archive ----------------------------------------------------------------


def test_rows_from_a_fake_archive() -> None:
    """This test ensures that each unit is on time, late or missing by its earliest valid report."""
    archive = FakeArchive(
        report("按期单位", "2026-09-30"),
        report("逾期单位", "2026-10-01"),
        report("作废单位", "2026-03-01", status="voided"),
        report("上年单位", "2025-03-01", year=2024),
        report("两报单位", "2026-10-05"),
        report("两报单位", "2026-08-01"),
    )
    facts = check(
        {
            "audit_year": 2025,
            "register": register(
                "按期单位", "逾期单位", "作废单位", "上年单位", "两报单位", "纸质单位", "未报单位"
            ),
            "report_to": "岳阳市档案局",
            "issue_date": "2026-10-20",
            "audit_notes": [{"unit": "逾期单位", "result": "不合格", "problems": "未备份"}],
            "paper_reports": [{"unit": "纸质单位", "received_date": "2026-10-02"}],
        },
        archive,
    )
    context = summary_context(facts.values, archive)
    rows = by_unit(context)
    day = dt.date
    assert rows["按期单位"][:2] == ("已报送", day(2026, 9, 30))
    assert rows["逾期单位"][:2] == ("逾期报送", day(2026, 10, 1))
    assert rows["作废单位"] == ("未报送", None, "")
    assert rows["上年单位"] == ("未报送", None, "")
    assert rows["两报单位"][:2] == ("已报送", day(2026, 8, 1))
    assert rows["纸质单位"] == ("逾期报送", day(2026, 10, 2), "纸质报告")
    assert rows["未报单位"] == ("未报送", None, "")
    assert rows["按期单位"][2].startswith("君档年报〔2026〕")
    late = context["summary_rows"][1]
    assert (late["index"], late["result"], late["problems"], late["follow_up"]) == (
        2, "不合格", "未备份", ""
    )  # fmt: skip
    totals = {key: context[key] for key in context if key.endswith("_count")}
    assert totals == {"register_count": 7, "on_time_count": 2, "late_count": 2, "missing_count": 3}
    assert context["report_due"] == day(2026, 9, 30)


def test_rows_without_an_archive() -> None:
    """This test ensures that without an archive only the paper reports count."""
    facts = check(sample("audit_summary"))
    context = summary_context(facts.values, None)
    rows = by_unit(context)
    assert rows["岳阳市君山区人民医院"] == ("已报送", dt.date(2026, 9, 25), "纸质报告")
    assert rows["岳阳市君山区许市镇人民政府"][0] == "逾期报送"
    assert rows["岳阳市君山区财政局"][0] == "未报送"
    assert [row["index"] for row in context["summary_rows"]] == list(range(1, 13))
    assert (context["on_time_count"], context["late_count"], context["missing_count"]) == (1, 1, 10)


# The rows, from reports really issued ---------------------------------------------------------


@pytest.mark.office
def test_rows_from_issued_reports(wenshu: Wenshu) -> None:
    """This test ensures that the summary reads issued annual reports: on time, late, missing, voided ignored."""
    annual = sample("annual_report")
    on_time = issue_document(wenshu, "annual_report", annual, "测试员")
    late = issue_document(
        wenshu, "annual_report",
        annual | {"unit": "岳阳市君山区教育局", "report_date": "2026-10-12"}, "测试员",
    )  # fmt: skip
    assert late.warnings == [
        "2025年度报告应当于2026年9月30日前提交，本报告2026年10月12日提交，属逾期报送"
    ]
    voided = issue_document(
        wenshu, "annual_report", annual | {"unit": "岳阳市君山区民政局"}, "测试员"
    )
    issue_document(
        wenshu, "annual_report",
        annual | {"unit": "岳阳市君山区卫生健康局", "report_year": 2024, "report_date": "2025-05-06"},
        "测试员",
    )  # fmt: skip
    with wenshu.database.session() as session:
        session.execute(
            update(Document).where(Document.number == voided.number).values(status="voided")
        )

    archive = DatabaseArchiveView(wenshu.database)
    facts = check(sample("audit_summary"), archive)
    assert facts.warnings == ()
    rows = by_unit(summary_context(facts.values, archive))
    assert rows["岳阳市君山区财政局"] == ("已报送", dt.date(2026, 3, 20), on_time.number)
    assert rows["岳阳市君山区教育局"] == ("逾期报送", dt.date(2026, 10, 12), late.number)
    assert rows["岳阳市君山区民政局"] == ("未报送", None, "")
    assert rows["岳阳市君山区卫生健康局"] == ("未报送", None, "")
    assert rows["岳阳市君山区人民医院"][0] == "已报送"
    assert rows["岳阳市君山区许市镇人民政府"][0] == "逾期报送"

    summary = issue_document(wenshu, "audit_summary", sample("audit_summary"), "测试员")
    text = pdfcheck.poppler_text(wenshu.archive.absolute(summary.pdf_path))
    assert "应报送12个单位，其中按期报送2个，逾期报送2个，未报送8个" in text
    assert on_time.number in text and late.number in text
    assert voided.number not in text


# Paper reports from a spreadsheet -------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """Write rows as a CSV file and return its path."""
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def test_read_paper_reports_from_xlsx(tmp_path: Path) -> None:
    """This test ensures that paper reports are read from a workbook: dates as cells or as text."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["序号", "单位", "收到日期", "备注"])
    sheet.append([1, "岳阳市君山区人民医院", dt.datetime(2026, 9, 25), "院办送来"])
    sheet.append([])
    sheet.append([2, " 岳阳市君山区许市镇人民政府 ", "2026年10月15日"])
    sheet.append([3, "岳阳市君山区民政局", dt.date(2026, 9, 1)])
    path = tmp_path / "纸质报告.xlsx"
    workbook.save(path)
    assert read_paper_reports(path) == [
        {"unit": "岳阳市君山区人民医院", "received_date": "2026-09-25"},
        {"unit": "岳阳市君山区许市镇人民政府", "received_date": "2026-10-15"},
        {"unit": "岳阳市君山区民政局", "received_date": "2026-09-01"},
    ]


def test_read_paper_reports_feed_the_facts(tmp_path: Path) -> None:
    """This test ensures that the rows read are facts the summary accepts as they are."""
    path = write_csv(
        tmp_path / "paper.csv",
        [["unit", "received_date"], ["岳阳市君山区人民医院", "2026/9/25"]],
    )
    facts = sample("audit_summary") | {"paper_reports": read_paper_reports(path)}
    assert check(facts).values["paper_reports"] == [
        {"unit": "岳阳市君山区人民医院", "received_date": dt.date(2026, 9, 25)}
    ]


def test_read_paper_reports_from_csv_saved_by_chinese_excel(tmp_path: Path) -> None:
    """This test ensures that a CSV in GB18030, as Chinese Excel saves it, is read."""
    path = write_csv(
        tmp_path / "paper.csv",
        [["单位", "收到日期"], ["岳阳市君山区人民医院", "2026-09-25"]],
        encoding="gb18030",
    )
    assert read_paper_reports(path) == [
        {"unit": "岳阳市君山区人民医院", "received_date": "2026-09-25"}
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["单位", "收到日期"], ["岳阳市君山区人民医院", "2026-13-01"]],
         "第2行：岳阳市君山区人民医院的收到日期“2026-13-01”不是日期，日期应写作 2026-03-05 或 2026年3月5日"),
        ([["单位", "收到日期"], ["甲", "2026-09-01"], ["岳阳市君山区人民医院", ""]],
         "第3行：岳阳市君山区人民医院的收到日期没有填写，日期应写作 2026-03-05 或 2026年3月5日"),
        ([["单位", "收到日期"], ["", "2026-09-25"]], "第2行：没有填写单位"),
        ([["名称", "收到日期"], ["岳阳市君山区人民医院", "2026-09-25"]], "第1行（表头）缺少“单位”列"),
        ([["单位", "日期"], ["岳阳市君山区人民医院", "2026-09-25"]], "第1行（表头）缺少“收到日期”列"),
        ([], "“paper.csv”中没有内容"),
    ],
)  # fmt: skip
def test_bad_rows_are_named(tmp_path: Path, rows: list[list[str]], message: str) -> None:
    """This test ensures that a bad row or header is reported in Chinese with its row number."""
    path = write_csv(tmp_path / "paper.csv", rows)
    with pytest.raises(PaperReportsUnreadable) as raised:
        read_paper_reports(path)
    assert str(raised.value) == message


def test_unreadable_files(tmp_path: Path) -> None:
    """This test ensures that other formats and broken workbooks are refused in Chinese."""
    with pytest.raises(PaperReportsUnreadable, match="只能读取"):
        read_paper_reports(tmp_path / "paper.xls")
    broken = tmp_path / "paper.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(PaperReportsUnreadable, match="不是可读取的"):
        read_paper_reports(broken)
