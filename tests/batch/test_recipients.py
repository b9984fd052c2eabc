"""Tests of reading recipients tables: headers by name or label, cell types, row numbers, refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from service.batch.recipients import TableUnreadable, read_recipients
from service.instruments.registry import get_instrument
from tests.batch.conftest import write_csv, write_xlsx

ORDER = get_instrument("correction_order")


def test_header_by_field_name_or_chinese_label(tmp_path: Path) -> None:
    """This test ensures that a column is named by its field name or its Chinese label."""
    path = write_csv(
        tmp_path / "r.csv",
        ["未提交自查报告的单位", "deadline", "抄送"],
        [
            ["岳阳市君山区许市镇人民政府", "2026-11-06", ""],
            ["岳阳市君山区钱粮湖镇卫生院", "", "区委"],
        ],
    )
    rows = read_recipients(path, ORDER)
    assert [(r.number, r.facts) for r in rows] == [
        (2, {"unit": "岳阳市君山区许市镇人民政府", "deadline": "2026-11-06"}),
        (3, {"unit": "岳阳市君山区钱粮湖镇卫生院", "cc": "区委"}),
    ]


def test_row_numbers_are_the_spreadsheets_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    """This test ensures that row numbers are those the spreadsheet shows, empty rows skipped."""
    path = write_csv(tmp_path / "r.csv", ["unit"], [["甲单位"], ["", ""], ["乙单位"]])
    assert [r.number for r in read_recipients(path, ORDER)] == [2, 4]


def test_xlsx_cells_become_facts(tmp_path: Path) -> None:
    """This test ensures that spreadsheet dates become 年-月-日 and whole numbers lose their .0."""
    path = write_xlsx(
        tmp_path / "r.xlsx",
        ["unit", "report_year", "deadline", "issue_date"],
        [["甲单位", 2025.0, dt.datetime(2026, 11, 6), "2026年10月19日"]],
    )
    (row,) = read_recipients(path, ORDER)
    assert row.facts == {
        "unit": "甲单位", "report_year": "2025", "deadline": "2026-11-06", "issue_date": "2026-10-19",
    }  # fmt: skip


def test_csv_saved_by_chinese_excel_is_read(tmp_path: Path) -> None:
    """This test ensures that a CSV in GB18030, as Chinese Excel saves it, is read."""
    path = write_csv(
        tmp_path / "r.csv", ["未提交自查报告的单位"], [["良心堡镇人民政府"]], "gb18030"
    )
    assert read_recipients(path, ORDER)[0].facts == {"unit": "良心堡镇人民政府"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["unit", "邮编"], "第1行（表头）第2列“邮编”不是责令限期改正通知书的字段"),
        (["unit", "未提交自查报告的单位"], "有两列都是“unit”"),
        (["cc"], "缺少收文单位一列：unit（未提交自查报告的单位）"),
    ],
)
def test_bad_headers_are_refused(tmp_path: Path, header: list[str], expected: str) -> None:
    """This test ensures that an unknown, repeated or missing recipient column is named."""
    path = write_csv(tmp_path / "r.csv", header, [["甲单位", "x"]])
    with pytest.raises(TableUnreadable, match=expected):
        read_recipients(path, ORDER)


def test_other_files_are_refused(tmp_path: Path) -> None:
    """This test ensures that a table that is empty, only a header, or not a table is refused."""
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("unit\n甲", encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    header_only = write_csv(tmp_path / "header.csv", ["unit"], [])
    for path, message in [
        (tmp_path / "empty.csv", "没有内容"),
        (tmp_path / "r.txt", "只能读取 .xlsx 或 .csv"),
        (tmp_path / "broken.xlsx", "不是可读取的 .xlsx"),
        (header_only, "只有表头"),
    ]:
        with pytest.raises(TableUnreadable, match=message):
            read_recipients(path, ORDER)
