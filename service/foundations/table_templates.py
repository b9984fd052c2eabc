"""Spreadsheets offered to be filled in: a header row of Chinese column names and one example row."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence


def template_workbook(
    title: str, headers: Sequence[str], example: Sequence[str | dt.date]
) -> bytes:
    """Return an .xlsx with the headers, frozen, over one example row, as bytes.

    Every column but a date column is text, so that a credit code or a 执法证号 typed in it
    keeps all its digits (a number cell would round an 18-digit code); a date column shows
    dates as 2027-12-31.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(list(example))
    for index, value in enumerate(example, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        number_format = "yyyy-mm-dd" if isinstance(value, dt.date) else "@"
        sheet.cell(row=2, column=index).number_format = number_format
        # The column's own format is what a spreadsheet gives the rows typed below the example;
        # formatting those cells one by one would make them rows the table already has.
        sheet.column_dimensions[letter].number_format = number_format
        width = max(len(str(headers[index - 1])), len(str(value))) * 2 + 2
        sheet.column_dimensions[letter].width = min(max(width, 12), 60)
    sheet.freeze_panes = "A2"
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
