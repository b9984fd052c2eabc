"""Tests of reading a printed table back from word boxes: rows by their 序号, cells by the header's columns."""

from __future__ import annotations

import pytest

from service.custody.printed_tables import TableNotFound, section, table_rows
from service.render.pages import PageWord

HEADERS = ("序号", "单位名称", "校验值")


def word(page: int, text: str, x0: float, y0: float, width: float = 0.0) -> PageWord:
    """Return a word 14 points high at (x0, y0), as wide as given or 14 points a character."""
    return PageWord(page, text, x0, y0, x0 + (width or 14 * len(text)), y0 + 14)


def header(page: int, y: float) -> list[PageWord]:
    """Return the header row of the table on a page: 序号 at 90, 单位名称 centred at 200, 校验值 at 320."""
    return [word(page, "序号", 90, y), word(page, "单位名称", 172, y), word(page, "校验值", 300, y)]


def test_rows_are_read_across_pages_with_wrapped_cells_in_order() -> None:
    """This test ensures that rows continue on the next page under the repeated header, wrapped names joined."""
    words = [
        word(1, "一、名单", 90, 100),
        *header(1, 130),
        # Row 1: a name on two lines, centred on the 序号's middle.
        word(1, "岳阳市君山区人力资源和社会", 120, 150), word(1, "保障局", 120, 170),
        word(1, "1", 95, 160, 7), word(1, "0a1b2c3d", 295, 160, 50),
        word(1, "2", 95, 200, 7), word(1, "岳阳市君山区林业局", 120, 200), word(1, "1d48c67f", 295, 200, 50),
        word(1, "—1—", 280, 780),  # the page number, below the text area
        *header(2, 110),
        word(2, "3", 95, 140, 7), word(2, "岳阳市君山区统计局", 120, 140), word(2, "20ad1a6f", 295, 140, 50),
        word(2, "二、方法", 90, 200),
    ]  # fmt: skip
    rows = table_rows(section(words, "一、名单", "二、方法"), HEADERS)
    assert rows == [
        ["1", "岳阳市君山区人力资源和社会保障局", "0a1b2c3d"],
        ["2", "岳阳市君山区林业局", "1d48c67f"],
        ["3", "岳阳市君山区统计局", "20ad1a6f"],
    ]


def test_a_table_without_its_header_or_heading_is_not_found() -> None:
    """This test ensures that a missing heading or header is reported rather than read as an empty table."""
    words = [word(1, "一、名单", 90, 100), word(1, "1", 95, 160, 7)]
    with pytest.raises(TableNotFound, match="找不到表头"):
        table_rows(section(words, "一、名单", None), HEADERS)
    with pytest.raises(TableNotFound, match="找不到“二、其他”"):
        section(words, "二、其他", None)
