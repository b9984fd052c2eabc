"""Spreadsheet tables (.xlsx or .csv) read as rows of cell values, with row numbers as shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.foundations.plaintext import quote_back


class TableUnreadable(ValueError):
    """Raised when a table cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one row: its number as the spreadsheet shows it, the column or field, why."""

    row: int
    field: str
    message: str

    def line(self) -> str:
        """Return the problem as one line: 第3行 统一社会信用代码: ……"""
        return f"第{self.row}行 {self.field}: {self.message}"


def read_table(path: Path) -> list[tuple[int, Sequence[Any]]]:
    """Return the table's non-empty rows with the row numbers the spreadsheet shows."""
    suffix = path.suffix.lower()
    table: list[Sequence[Any]]
    if suffix == ".xlsx":
        table = list(_xlsx_rows(path))
    elif suffix == ".csv":
        table = _csv_rows(path)
    else:
        raise TableUnreadable(f"只能读取 .xlsx 或 .csv 文件，不能读取“{path.name}”")
    numbered = [
        (n, cells) for n, cells in enumerate(table, start=1) if any(filled(c) for c in cells)
    ]
    if not numbered:
        raise TableUnreadable(f"“{path.name}”中没有内容")
    return numbered


def header_columns(
    header: Sequence[Any], number: int, titles: Mapping[str, str], unknown: str
) -> dict[str, int]:
    """Return each column's name → its index, from the header row numbered number.

    Each title is looked up in titles (the texts a column may be headed with → its name);
    empty cells are passed over. Raises TableUnreadable for a title not there, the message
    going on with unknown (what the column is not, and which may be used), and for a column
    headed twice.
    """
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        title = str(cell).strip() if filled(cell) else ""
        if not title:
            continue
        name = titles.get(title)
        if name is None:
            raise TableUnreadable(
                f"第{number}行（表头）第{index + 1}列“{quote_back(title)}”{unknown}"
            )
        if name in columns:
            raise TableUnreadable(f"第{number}行（表头）有两列都是“{name}”")
        columns[name] = index
    return columns


def required_columns(
    header: Sequence[Any],
    number: int,
    titles: Mapping[str, Sequence[str]],
    required: Sequence[str],
    table: str,
) -> dict[str, int]:
    """Return column → index of a table whose columns are known, as header_columns does.

    titles gives each column's name → the texts it may be headed with; a required column
    the header lacks raises TableUnreadable, as does a title of no column (table names the
    table: 单位名录, 执法人员名录).
    """
    by_title = {title: column for column, texts in titles.items() for title in texts}
    columns = header_columns(
        header, number, by_title, f"不是{table}的列；可用的列：{'、'.join(titles)}"
    )
    missing = [column for column in required if column not in columns]
    if missing:
        raise TableUnreadable(f"第{number}行（表头）缺少“{'”“'.join(missing)}”一列")
    return columns


def cell_text(cells: Sequence[Any], index: int) -> str:
    """Return a cell as text ("" past the row's end); 1.0 is written 1, a date as 2026-03-05."""
    value = cells[index] if index < len(cells) else None
    if not filled(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return str(value).strip()


def filled(value: Any) -> bool:
    """Return whether a cell holds anything."""
    return value is not None and str(value).strip() != ""


def _xlsx_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    """Yield the cell values of each row of the workbook's first sheet."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableUnreadable(f"“{path.name}”不是可读取的 .xlsx 文件") from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(path: Path) -> list[Sequence[Any]]:
    """Return the rows of a CSV file in UTF-8, or in GB18030 as Chinese Excel saves it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TableUnreadable(f"无法读取“{path.name}”：{error.strerror}") from error
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text, newline="")))
    raise TableUnreadable(f"“{path.name}”的文字编码无法识别，请另存为 UTF-8 编码的 CSV")
