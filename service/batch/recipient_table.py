"""The recipients table a clerk downloads for a batch: one column per fact a row gives, Chinese headers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from service.instruments.facts import describe_fields
from service.instruments.registry import Instrument

# A fact of a form naming a party that the unit directory holds: form field → directory attribute.
UNIT_FACTS = {
    "party_id": "credit_code",
    "legal_representative": "representative",
    "party_address": "address",
}
PARTY_TYPE = "party_type"  # a unit of the directory is a party of the type 单位
ROWS_OFFERED = 1000  # rows the drop-downs and date formats reach
BOOLEAN_CHOICES = ("是", "否")
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_EXAMPLE_FONT = Font(color="666666", italic=True)


def recipient_fields(instrument: Instrument) -> list[str]:
    """Return the fields each row of a batch gives, in the form's order: the recipient and its particulars.

    Everything else is common to every copy and taken through the form; a table may still
    carry any other field as a column, which then overrides the common fact for its row.
    """
    own = {instrument.recipient_field, PARTY_TYPE, *UNIT_FACTS}
    return [field.name for field in instrument.form() if field.name in own]


def recipients_workbook(instrument: Instrument, example: Mapping[str, Any]) -> bytes:
    """Return the .xlsx recipients table of a kind: Chinese headers, drop-downs, one example row."""
    described = {field["name"]: field for field in describe_fields(instrument)}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = "收文单位"
    choices = workbook.create_sheet("选项")
    choices.sheet_state = "hidden"
    lists = 0
    for column, name in enumerate(recipient_fields(instrument), start=1):
        field = described[name]
        letter = get_column_letter(column)
        header = sheet.cell(1, column, field["label"])
        header.font, header.fill = Font(bold=True), _HEADER_FILL
        cell = sheet.cell(2, column, _cell_value(example.get(name), field["type"]))
        cell.font = _EXAMPLE_FONT
        sheet.column_dimensions[letter].width = max(14, 2.2 * len(field["label"]) + 2)
        if field["type"] == "date":
            for row in range(2, ROWS_OFFERED + 2):
                sheet.cell(row, column).number_format = "yyyy-mm-dd"
        offered = _offered_choices(field)
        if offered:
            lists += 1
            source = get_column_letter(lists)
            for index, choice in enumerate(offered, start=1):
                choices.cell(index, lists, choice)
            check = DataValidation(
                type="list",
                formula1=f"'选项'!${source}$1:${source}${len(offered)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=field["label"],
                error=f"请从下拉列表中选择{field['label']}",
            )
            sheet.add_data_validation(check)
            check.add(f"{letter}2:{letter}{ROWS_OFFERED + 1}")
    sheet.freeze_panes = "A2"
    _explain(workbook.create_sheet("说明"), instrument, described)
    workbook.active = 0
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _offered_choices(field: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the values a column's drop-down offers: a choice field's choices, 是/否 for a flag."""
    if field["type"] == "choice":
        return tuple(field.get("choices") or ())
    if field["type"] == "boolean":
        return BOOLEAN_CHOICES
    return ()


def _cell_value(value: Any, kind: str) -> Any:
    """Return an example fact as a spreadsheet cell holds it: a date as a date, a flag as 是/否."""
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, bool):
        return BOOLEAN_CHOICES[0] if value else BOOLEAN_CHOICES[1]
    return value


def _explain(sheet: Any, instrument: Instrument, described: Mapping[str, Any]) -> None:
    """Write the sheet saying how the table is filled and which other columns it may carry."""
    lines = [
        f"{instrument.title}：收文单位表格",
        "每行发一份；第2行是示例，请改写或删除后再上传。",
        "各份共同的内容在批量生成页面的表单中填写；表格中的一格有值时，本行以表格为准。",
        "还可以增加下列各列（表头写中文名称）：",
        *(
            f"  {field['label']}"
            for name, field in described.items()
            if name not in recipient_fields(instrument) and field["type"] != "list"
        ),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row, 1, line)
    sheet.column_dimensions["A"].width = 80
