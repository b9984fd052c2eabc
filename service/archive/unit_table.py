"""A table of units (.csv or .xlsx) read and checked row by row before the directory is changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.identity import credit_code_problem
from service.foundations.plaintext import unprintable
from service.foundations.table_templates import template_workbook
from service.foundations.tables import (
    RowProblem,
    TableUnreadable,
    cell_text,
    read_table,
    required_columns,
)

NAME, CODE, ADDRESS, REPRESENTATIVE = "单位名称", "统一社会信用代码", "地址", "法定代表人（负责人）"
TOWN, CATEGORY = "所在乡镇", "单位类别"
# Header texts a column may be given under, as offices name them in their own spreadsheets.
COLUMNS = {
    NAME: ("单位名称", "名称", "单位"),
    CODE: ("统一社会信用代码", "信用代码"),
    ADDRESS: ("地址", "单位地址", "住所"),
    REPRESENTATIVE: ("法定代表人（负责人）", "法定代表人(负责人)", "法定代表人", "负责人"),
    TOWN: ("所在乡镇", "所在乡镇（街道）", "所在乡镇(街道)", "乡镇", "乡镇（街道）", "乡镇街道"),
    CATEGORY: ("单位类别", "类别"),
}
REQUIRED = (NAME, CODE)
# The longest each value may be: as long as the party fields of the forms that print it.
LIMITS = {NAME: 60, CODE: 18, ADDRESS: 100, REPRESENTATIVE: 20, TOWN: 60, CATEGORY: 60}

# The table offered to be filled in: the columns as offices head them, and one example unit.
TEMPLATE_HEADERS = ("单位名称", "统一社会信用代码", "地址", "法定代表人", "所在乡镇", "单位类别")
TEMPLATE_EXAMPLE = (
    "岳阳君信档案数字化服务有限公司",
    "91430611MA4PBN3K2X",
    "湖南省岳阳市君山区柳林洲街道君山大道168号",
    "陈志刚",
    "柳林洲街道",
    "档案服务企业",
)


@dataclass(frozen=True)
class UnitRow:
    """One unit as a row of the table gives it, with the row's number as the spreadsheet shows it."""

    number: int
    name: str
    credit_code: str
    address: str
    representative: str
    # None when the table has no such column: an import then leaves what the directory holds.
    town: str | None = None
    category: str | None = None


class UnitsRefused(ValueError):
    """Raised when rows of a table are wrong; nothing of the table is taken then."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("；".join(problem.line() for problem in problems))
        self.problems = list(problems)


def units_template() -> bytes:
    """Return the .xlsx an office fills in to import units: the headers and one example row."""
    return template_workbook("单位名录", TEMPLATE_HEADERS, TEMPLATE_EXAMPLE)


def read_unit_rows(path: Path) -> list[UnitRow]:
    """Return the units of a table, every row checked, or raise UnitsRefused naming each bad row.

    The first non-empty row names the columns (单位名称 and 统一社会信用代码 are needed;
    地址, 法定代表人（负责人）, 所在乡镇 and 单位类别 may be given); raises TableUnreadable for a file that cannot
    be read or a header that does not name them.
    """
    numbered = read_table(path)
    header_number, header = numbered[0]
    columns = required_columns(header, header_number, COLUMNS, REQUIRED, "单位名录")
    units, problems = [], []
    for number, cells in numbered[1:]:
        values = {column: cell_text(cells, at) for column, at in columns.items()}
        row_problems = unit_row_problems(number, values, _is_number(cells, columns[CODE]))
        problems.extend(row_problems)
        if not row_problems:
            units.append(
                UnitRow(
                    number,
                    values[NAME],
                    values[CODE].upper(),
                    values.get(ADDRESS, ""),
                    values.get(REPRESENTATIVE, ""),
                    values.get(TOWN),
                    values.get(CATEGORY),
                )
            )
    if not units and not problems:
        raise TableUnreadable(f"“{path.name}”只有表头，没有单位")
    problems.extend(_repeats(units))
    if problems:
        raise UnitsRefused(sorted(problems, key=lambda problem: problem.row))
    return units


def _is_number(cells: Sequence[Any], index: int) -> bool:
    """Return whether a spreadsheet stored the cell as a number, not as text."""
    value = cells[index] if index < len(cells) else None
    return isinstance(value, int | float) and not isinstance(value, bool)


def unit_row_problems(
    number: int, values: dict[str, str], code_is_number: bool = False
) -> list[RowProblem]:
    """Return what is wrong with one row's values (empty when it is a unit the directory can hold).

    A credit code of 18 digits typed into a number cell has lost its last digits to the
    spreadsheet's floating point before it reaches here: the clerk is told to make it text.
    """
    problems = []
    for column, value in values.items():
        problem = unprintable(value)
        if problem is None and len(value) > LIMITS[column]:
            problem = f"不能超过{LIMITS[column]}个字"
        if problem:
            problems.append(RowProblem(number, column, problem))
    if not values[NAME]:
        problems.append(RowProblem(number, NAME, "请填写单位名称"))
    if not values[CODE]:
        problems.append(RowProblem(number, CODE, "请填写统一社会信用代码"))
    elif code_is_number:
        problems.append(
            RowProblem(
                number,
                CODE,
                "单元格是数字格式，18位代码的末几位已被表格软件改动；"
                "请将该列设为文本格式后重新填写代码",
            )
        )
    elif not any(problem.field == CODE for problem in problems):
        code_problem = credit_code_problem(values[CODE])
        if code_problem:
            problems.append(RowProblem(number, CODE, f"“{values[CODE]}”：{code_problem}"))
    return problems


def _repeats(units: Sequence[UnitRow]) -> list[RowProblem]:
    """Return a problem for each unit whose name or credit code an earlier row already gave."""
    problems = []
    names: dict[str, UnitRow] = {}
    codes: dict[str, UnitRow] = {}
    for unit in units:
        if unit.name in names:
            first = names[unit.name]
            problems.append(RowProblem(unit.number, NAME, f"与第{first.number}行重复"))
            continue
        if unit.credit_code in codes:
            first = codes[unit.credit_code]
            problems.append(
                RowProblem(
                    unit.number,
                    CODE,
                    f"与第{first.number}行“{first.name}”的统一社会信用代码相同，"
                    "一个代码只属于一个单位",
                )
            )
            continue
        names[unit.name] = unit
        codes[unit.credit_code] = unit
    return problems
