"""Spreadsheet tables (.xlsx or .csv) read as rows of cell values, with row numbers as shown."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


class TableUnreadable(ValueError):
    """Raised when a table cannot be read; the message says why, in Chinese."""


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
