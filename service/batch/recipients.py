"""Recipients tables (.csv or .xlsx): one row per copy, columns named by field name or Chinese label."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.foundations.tables import TableUnreadable, filled, header_columns, read_table
from service.instruments.facts import describe_fields
from service.instruments.registry import Instrument

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TRUE = {"是", "true", "yes", "y", "1", "√", "✓"}
_FALSE = {"否", "false", "no", "n", "0", "×", ""}


@dataclass(frozen=True)
class RecipientRow:
    """One row of the table: its number as the spreadsheet shows it, and the facts it gives."""

    number: int
    facts: dict[str, Any]


def read_recipients(path: Path, instrument: Instrument) -> list[RecipientRow]:
    """Return the table's rows as facts for the instrument, or raise TableUnreadable.

    The first non-empty row is the header: each column is a field's name (unit) or its
    Chinese label (未提交自查报告的单位). An empty cell gives nothing, so the common facts
    apply; a spreadsheet date becomes 年-月-日, as do 2026/3/5 and 2026年3月5日 in a date
    column. Completely empty rows are skipped; row numbers are those the spreadsheet shows.
    """
    numbered = read_table(path)
    header_number, header = numbered[0]
    columns = _columns(header, header_number, instrument)
    types = {field["name"]: field["type"] for field in describe_fields(instrument)}
    rows = []
    for number, cells in numbered[1:]:
        facts = {}
        for index, name in columns.items():
            value = cells[index] if index < len(cells) else None
            if filled(value):
                facts[name] = _typed(value, types[name])
        rows.append(RecipientRow(number, facts))
    if not rows:
        raise TableUnreadable(f"“{path.name}”只有表头，没有收文单位")
    return rows


def _columns(header: Sequence[Any], number: int, instrument: Instrument) -> dict[int, str]:
    """Return column index → field name from the header row, or raise naming the bad column."""
    by_label: dict[str, str] = {}
    for field in describe_fields(instrument):
        by_label[field["name"]] = field["name"]
        by_label[field["label"]] = field["name"]
    known = "、".join(f"{f['name']}（{f['label']}）" for f in describe_fields(instrument))
    named = header_columns(
        header, number, by_label, f"不是{instrument.title}的字段；可用的列：{known}"
    )
    if instrument.recipient_field not in named:
        label = next(
            f["label"]
            for f in describe_fields(instrument)
            if f["name"] == instrument.recipient_field
        )
        raise TableUnreadable(
            f"第{number}行（表头）缺少收文单位一列：{instrument.recipient_field}（{label}）"
        )
    return {index: name for name, index in named.items()}


def _typed(value: Any, kind: str) -> Any:
    """Return a cell as the facts want it: dates as 年-月-日 text, flags as booleans, lists parsed."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if kind == "date":
        match = _DATE.match(text)
        return "-".join(f"{int(p):02d}" for p in match.groups()) if match else text
    if kind == "boolean":
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    if kind == "list":
        try:
            return json.loads(text)  # a list field's rows written as JSON in one cell
        except json.JSONDecodeError:
            return text  # refused by validation as the wrong shape, naming the row
    return text
