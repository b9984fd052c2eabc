"""The 案卷封面 of a closed case's file (GB/T 9705-2008 文书档案案卷格式, 案卷封面), a bordered form."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table
from gbt9704 import TEXT_W, Para, p, run

TITLE = "案卷封面"
LANDSCAPE = False
FORMAT = "表格"  # not a GB/T 9704 document: a form the archive fills for the volume
PAGE_NUMBERS = "none"  # archives number the documents' pages alone, not the cover

# Label, value, label, value: a label takes five characters of 四号.
LABEL = 1800
WIDTHS = [LABEL, TEXT_W // 2 - LABEL, LABEL, TEXT_W - TEXT_W // 2 - LABEL]
COLUMNS = len(WIDTHS)
ROW_HEIGHT = 794  # 14 mm: a form's rows leave room to read, and to write in the blank ones
LINE = '<w:spacing w:line="440" w:lineRule="exact"/>'
BIG_TITLE = '<w:sz w:val="72"/><w:szCs w:val="72"/>'  # 小初, 36 pt


class TallRow(Row):
    """A row at least ROW_HEIGHT high, its text centred in it."""

    def xml(self, widths: list[int]) -> str:
        """Return the row's WordprocessingML with its least height."""
        height = f'<w:trHeight w:val="{ROW_HEIGHT}" w:hRule="atLeast"/>'
        return super().xml(widths).replace("<w:trPr>", f"<w:trPr>{height}", 1)


def _cell(text: str, span: int = 1, align: str = "center") -> Cell:
    """Return a cell of 四号 text on lines 22 pt apart."""
    return Cell([Para("TableText", [run(text)], f'{LINE}<w:jc w:val="{align}"/>')], span=span)


def _whole(label: str, value: str) -> TallRow:
    """Return a row of one label and its value across the rest of the table."""
    return TallRow([_cell(label), _cell(value, span=COLUMNS - 1, align="left")])


def _pair(label: str, value: str, other: str, other_value: str) -> TallRow:
    """Return a row of two labels, each with its value."""
    return TallRow([_cell(label), _cell(value), _cell(other), _cell(other_value)])


def table() -> Table:
    """Return the cover's items: the fonds, the volume, the case, its dates, its extent, custody."""
    return Table(
        WIDTHS,
        [
            _whole("全宗名称", "{{ fonds }}"),
            _whole("案卷题名", "{{ volume_title }}"),
            _whole("案　　号", "{{ case_number }}"),
            _whole("当 事 人", "{{ party }}"),
            _whole("案　　由", "{{ cause }}"),
            _pair("立案日期", "{{ opened_on }}", "结案日期", "{{ closed_on }}"),
            _pair("卷内文件", "{{ document_count }}件", "页　　数", "{{ page_count }}页"),
            _pair("保管期限", "{{ retention }}", "密　　级", "{{ classification }}"),
            # Filled by hand when the volume is made up and checked (GB/T 9705 卷内备考表).
            _pair("立 卷 人", "", "立卷日期", "　　年　　月　　日"),
        ],
    )


def body() -> list[Any]:
    """Return the cover: the kind of volume in large type, then its items."""
    return [
        Para("Blank"),
        Para("Blank"),
        Para(
            "Title",
            [f"<w:r><w:rPr>{BIG_TITLE}</w:rPr><w:t>行政处罚案卷</w:t></w:r>"],
            '<w:spacing w:before="0" w:after="0" w:line="960" w:lineRule="exact"/>',
        ),
        Para("Blank"),
        Para("Blank"),
        table(),
        Para("Blank"),
        p("DocNumber", "{{ fonds }}"),
    ]
