"""The 卷内文件目录 of a closed case's file (GB/T 9705-2008), one row per document filed."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, p

TITLE = "卷内文件目录"
LANDSCAPE = False
FORMAT = "表格"  # not a GB/T 9704 document: the archive's list of the volume's documents
PAGE_NUMBERS = "none"  # archives number the documents' pages alone, not the 目录

# Shares of the text width. Every two columns' words stay at least a character apart, or
# text extraction reads two cells' lines as one. A date of eight digits, a page range of
# three-digit pages and 电子印章 fit their columns on one line, the bureau's name on two.
COLUMNS = [
    ("序号", 2.8),
    ("文号", 7.0),
    ("责任者", 6.9),
    ("文件题名", 8.4),
    ("日期", 5.0),
    ("页号", 4.3),
    ("备注", 5.0),
]
CELLS = [
    "{{ row.index }}",
    "{{ row.number }}",
    "{{ row.author }}",
    "{{ row.title }}",
    "{{ row.date }}",
    "{{ row.pages }}",
    "{{ row.note }}",
]
LEFT_ALIGNED = {"{{ row.title }}"}
TABLE_LINE = '<w:spacing w:line="360" w:lineRule="exact"/>'  # 小四 on lines 18 pt apart
RIGHT_GAP = '<w:ind w:right="120"/>'  # 6 pt between a wrapped cell's text and the next cell
SMALL_FOUR = '<w:sz w:val="24"/><w:szCs w:val="24"/>'


def table_run(text: str, bold: bool = False, size: str = SMALL_FOUR) -> str:
    """Return a run of table text, 小四 unless told."""
    weight = "<w:b/>" if bold else ""
    return f'<w:r><w:rPr>{weight}{size}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def table_para(text: str, align: str = "center", bold: bool = False) -> Para:
    """Return a paragraph of 小四 table text on the table's lines."""
    indent = RIGHT_GAP if align == "left" else ""
    return Para(
        "TableText", [table_run(text, bold)], f'{TABLE_LINE}{indent}<w:jc w:val="{align}"/>'
    )


class TableRow(Row):
    """A row at least two of the table's lines high, so that a short row still reads as a form."""

    def xml(self, widths: list[int]) -> str:
        """Return the row's WordprocessingML with its least height."""
        height = '<w:trHeight w:val="567" w:hRule="atLeast"/>'
        return super().xml(widths).replace("<w:trPr>", f"<w:trPr>{height}", 1)


def table() -> Table:
    """Return the list: a header repeated on every page, then a row per document."""
    shares = sum(share for _, share in COLUMNS)
    widths = [int(TEXT_W * share / shares) for _, share in COLUMNS]
    widths[-1] += TEXT_W - sum(widths)
    header = TableRow([Cell([table_para(text, bold=True)]) for text, _ in COLUMNS], header=True)
    body = TableRow(
        [Cell([table_para(text, "left" if text in LEFT_ALIGNED else "center")]) for text in CELLS]
    )
    count = len(COLUMNS)
    return Table(
        widths, [header, tag_row("for row in rows", count), body, tag_row("endfor", count)]
    )


def body() -> list[Any]:
    """Return the 目录: its title, the case number, the list."""
    return [
        p("Title", TITLE),
        p("DocNumber", "案号：{{ case_number }}"),
        table(),
        # A document ends with a paragraph; this one is 1 pt high so it never adds a page.
        Para("Blank", [], '<w:spacing w:line="20" w:lineRule="exact"/>'),
    ]
