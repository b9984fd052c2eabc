"""A table of officers (.csv or .xlsx) read and checked row by row before the directory is changed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.foundations.plaintext import quote_back, unprintable
from service.foundations.table_templates import template_workbook
from service.foundations.tables import (
    RowProblem,
    TableUnreadable,
    cell_text,
    filled,
    read_table,
    required_columns,
)

NAME, CERTIFICATE, VALID_UNTIL = "姓名", "执法证号", "有效期至"
# Header texts a column may be given under, as offices name them in their own spreadsheets.
COLUMNS = {
    NAME: ("姓名", "执法人员", "执法人员姓名"),
    CERTIFICATE: ("执法证号", "执法证件号", "执法证编号", "证件号"),
    VALID_UNTIL: ("有效期至", "有效期", "有效期限", "证件有效期"),
}
# The longest each value may be: as long as the officer rows of the forms that print it.
LIMITS = {NAME: 20, CERTIFICATE: 40}
# A date as offices type it: 2027-12-31, 2027/12/31, 2027.12.31 or 2027年12月31日.
DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")

# The table offered to be filled in: the columns as offices head them, and one example officer.
TEMPLATE_EXAMPLE = ("李建平", "43061120190031", dt.date(2027, 12, 31))


@dataclass(frozen=True)
class OfficerRow:
    """One officer as a row of the table (or the page's form) gives it, with the row's number."""

    number: int
    name: str
    certificate: str
    valid_until: dt.date
    active: bool = True


class OfficersRefused(ValueError):
    """Raised when rows of a table are wrong; nothing of the table is taken then."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("；".join(problem.line() for problem in problems))
        self.problems = list(problems)


def parse_valid_until(value: Any) -> dt.date | None:
    """Return a 有效期至 cell (a date, or text such as 2027-12-31 or 2027年12月31日) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE_TEXT.fullmatch(str(value or "").strip())
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def officers_template() -> bytes:
    """Return the .xlsx an office fills in to import officers: the headers and one example row."""
    return template_workbook("执法人员名录", (NAME, CERTIFICATE, VALID_UNTIL), TEMPLATE_EXAMPLE)


def officer_row_problems(row: OfficerRow) -> list[RowProblem]:
    """Return what is wrong with an officer's name and 执法证号 (empty when the directory can hold them)."""
    problems = []
    for column, value in ((NAME, row.name), (CERTIFICATE, row.certificate)):
        if not value:
            problems.append(RowProblem(row.number, column, f"请填写{column}"))
            continue
        problem = unprintable(value)
        if problem is None and len(value) > LIMITS[column]:
            problem = f"不能超过{LIMITS[column]}个字"
        if problem:
            problems.append(RowProblem(row.number, column, problem))
    return problems


def read_officer_rows(path: Path) -> list[OfficerRow]:
    """Return the officers of a table, every row checked, or raise OfficersRefused naming each bad row.

    The first non-empty row names the columns (姓名, 执法证号 and 有效期至 are all needed);
    raises TableUnreadable for a file that cannot be read or a header that does not name them.
    """
    numbered = read_table(path)
    header_number, header = numbered[0]
    columns = required_columns(header, header_number, COLUMNS, tuple(COLUMNS), "执法人员名录")
    officers: list[OfficerRow] = []
    problems: list[RowProblem] = []
    for number, cells in numbered[1:]:
        name = cell_text(cells, columns[NAME])
        certificate = cell_text(cells, columns[CERTIFICATE])
        raw_date = cells[columns[VALID_UNTIL]] if columns[VALID_UNTIL] < len(cells) else None
        valid_until = parse_valid_until(raw_date)
        row = OfficerRow(number, name, certificate, valid_until or dt.date.min)
        row_problems = officer_row_problems(row)
        if valid_until is None:
            row_problems.append(RowProblem(number, VALID_UNTIL, _date_problem(raw_date)))
        problems.extend(row_problems)
        if not row_problems:
            officers.append(row)
    if not officers and not problems:
        raise TableUnreadable(f"“{path.name}”只有表头，没有执法人员")
    problems.extend(_repeats(officers))
    if problems:
        raise OfficersRefused(sorted(problems, key=lambda problem: problem.row))
    return officers


def _date_problem(value: Any) -> str:
    """Return why a 有效期至 cell is not a date."""
    if not filled(value):
        return "请填写有效期至（如2027-12-31）"
    return f"“{quote_back(value)}”不是日期，请写成2027-12-31的形式"


def _repeats(officers: Sequence[OfficerRow]) -> list[RowProblem]:
    """Return a problem for each officer whose 执法证号 an earlier row already gave."""
    problems = []
    seen: dict[str, OfficerRow] = {}
    for officer in officers:
        first = seen.setdefault(officer.certificate, officer)
        if first is not officer:
            problems.append(
                RowProblem(
                    officer.number,
                    CERTIFICATE,
                    f"与第{first.number}行“{first.name}”的执法证号相同，一个证号只属于一人",
                )
            )
    return problems
