"""Tests of checking a batch's rows: every bad row named by row number and field, nothing rendered."""

from __future__ import annotations

import datetime as dt

from service.batch.validation import RowProblem, check_rows, summarise
from service.instruments.registry import get_instrument
from tests.batch.conftest import common_facts
from tests.fakes import FakeArchive, FakeDocument

ORDER = get_instrument("correction_order")


def test_bad_rows_are_named_by_row_and_field() -> None:
    """This test ensures that each problem names its spreadsheet row and field, in row order."""
    rows = [
        (2, {"unit": "岳阳市君山区许市镇人民政府"}),
        (3, {"unit": ""}),
        (4, {"unit": "岳阳市君山区钱粮湖镇卫生院", "deadline": "2026-10-01"}),
        (5, {"unit": "岳阳市君山区良心堡镇财政所", "issue_date": "2026-13-01"}),
    ]
    check = check_rows(ORDER, common_facts("correction_order"), rows, FakeArchive(), {})
    assert [row.number for row in check.valid] == [2]
    assert [(p.row, p.field) for p in check.problems] == [
        (3, "unit"), (4, "deadline"), (5, "issue_date"),
    ]  # fmt: skip
    assert check.problems[1].line() == "第4行 deadline: 改正期限应当晚于成文日期"


def test_rows_are_checked_against_the_archive() -> None:
    """This test ensures that the archive rules apply per row: a unit that filed its report is refused."""
    filed = FakeDocument(
        "annual_report", "君档年报〔2026〕3号", "issued", dt.date(2026, 9, 1),
        {"unit": "岳阳市君山区许市镇人民政府", "report_year": 2025},
    )  # fmt: skip
    rows = [
        (2, {"unit": "岳阳市君山区许市镇人民政府"}),
        (3, {"unit": "岳阳市君山区采桑湖镇文化站"}),
    ]
    check = check_rows(ORDER, common_facts("correction_order"), rows, FakeArchive(filed), {})
    assert [(p.row, p.field) for p in check.problems] == [(2, "unit")]
    assert "君档年报〔2026〕3号" in check.problems[0].message


def test_a_row_overrides_the_common_facts() -> None:
    """This test ensures that a row's own value replaces the common one for that copy only."""
    rows = [(2, {"unit": "甲单位", "cc": "区委办"}), (3, {"unit": "乙单位"})]
    check = check_rows(ORDER, common_facts("correction_order"), rows, FakeArchive(), {})
    first, second = (row.facts for row in check.valid)
    assert first is not None and second is not None
    assert first.values["cc"] == "区委办"
    assert second.values["cc"] == common_facts("correction_order")["cc"]


def test_a_repeated_recipient_is_pointed_out() -> None:
    """This test ensures that the same recipient twice is a warning naming both rows."""
    rows = [(2, {"unit": "甲单位"}), (3, {"unit": "乙单位"}), (4, {"unit": "甲单位"})]
    check = check_rows(ORDER, common_facts("correction_order"), rows, FakeArchive(), {})
    assert check.warnings == ["第4行与第2行的收文单位相同：甲单位"]
    assert len(check.valid) == 3


def test_a_problem_of_every_row_is_said_once() -> None:
    """This test ensures that a mistake in the common facts is reported once, not once per row."""
    problems = [RowProblem(n, "deadline", "改正期限应当晚于成文日期") for n in (2, 3, 4)]
    problems.insert(1, RowProblem(2, "unit", "请填写"))
    assert summarise(problems, rows=3) == [
        "全部3行 deadline: 改正期限应当晚于成文日期",
        "第2行 unit: 请填写",
    ]


def test_the_copies_of_a_circular_may_differ_only_in_their_recipient() -> None:
    """This test ensures that a row of a circular sent to many units that differs from the first
    valid row in anything but its addressee is refused at that field, saying how to mend it."""
    circular = get_instrument("safety_circular")
    rows = [
        (2, {"addressee": ""}),
        (3, {"addressee": "甲单位"}),
        (4, {"addressee": "乙单位", "cc": "区委办"}),
        (5, {"addressee": "丙单位", "issue_date": "2026-01-21"}),
        (6, {"addressee": "丁单位"}),
    ]
    check = check_rows(circular, common_facts("safety_circular"), rows, FakeArchive(), {})
    assert [row.number for row in check.valid] == [3, 6]
    assert [(p.row, p.field) for p in check.problems] == [
        (2, "addressee"), (4, "cc"), (5, "issue_date"),
    ]  # fmt: skip
    assert check.problems[2].line() == (
        "第5行 issue_date: 各份是同一份全区档案安全通报，只有收文单位不同："
        "本行的“成文日期”与第3行不同，请写入共同事实或改成一致"
    )
