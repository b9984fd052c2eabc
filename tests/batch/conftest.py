"""Helpers for the batch tests: realistic recipients, tables written as CSV or XLSX, common facts."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from service.instruments.registry import get_instrument
from tests.conftest import sample

TOWNS = ("柳林洲街道", "许市镇", "钱粮湖镇", "良心堡镇", "广兴洲镇", "采桑湖镇")
UNITS = ("人民政府", "中心学校", "中心卫生院", "财政所", "司法所", "农业综合服务中心", "文化站")


def unit_names(count: int) -> list[str]:
    """Return count distinct names of units of 君山区."""
    names = [f"岳阳市君山区{town}{unit}" for unit in UNITS for town in TOWNS]
    assert count <= len(names)
    return names[:count]


# The 主送 统称 a circular to many units goes under (service.batch.main_recipients).
COLLECTIVE = "各乡镇人民政府、街道办事处，区直各单位"


def common_facts(kind: str) -> dict[str, Any]:
    """Return the kind's sample facts without the recipient: what every copy shares."""
    facts = sample(kind)
    facts.pop(get_instrument(kind).recipient_field)
    return facts


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8"
) -> Path:
    """Write a CSV table and return its path."""
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Write an XLSX table (first sheet) and return its path."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def recipients_table(tmp_path: Path, kind: str, units: Sequence[str]) -> Path:
    """Return a CSV whose only column is the kind's recipient field, one unit a row."""
    field = get_instrument(kind).recipient_field
    return write_csv(tmp_path / f"{kind}.csv", [field], [[unit] for unit in units])


def villages(count: int) -> list[str]:
    """Return count distinct village committees of 君山区, two to three names a line of 主送."""
    return [f"岳阳市君山区第{n}村民委员会" for n in range(1, count + 1)]


def circular_facts(kind: str = "safety_circular") -> dict[str, Any]:
    """Return the common facts of a document sent to many units, its 主送 the 统称."""
    return common_facts(kind) | {get_instrument(kind).recipient_field: COLLECTIVE}
