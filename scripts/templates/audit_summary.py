"""档案安全年度工作自查审核汇总表 (seed: 档案安全监管 §四(五)(六)), a landscape table."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx_tables import Cell, Row, Table, list_table
from gbt9704 import CHAR_W, TEXT_H, Para, closing, p, run, seal_lines, tab_run

TITLE = "档案安全年度工作自查审核汇总表"
LANDSCAPE = True
FORMAT = "表格"  # one row per unit, reported upward: a table form

# Shares of the landscape text width in 小四 characters (53 a line). Every two columns'
# words stay at least one character apart, or text extraction (pdftotext) reads two cells'
# lines interleaved: centred cells are wider than their words, and wrapped left-aligned
# cells keep a right indent. So 逾期报送, a date, a 文号 and a unit name of 12 characters
# fit on one line, and the text columns keep seven characters a line.
COLUMNS = [
    ("序号", 2.5),
    ("单位名称", 12.85),
    ("报送情况", 5.4),
    ("报送日期及文号", 10.3),
    ("审核结果", 5.6),
    ("存在问题", 8.175),
    ("整改落实", 8.175),
]
CELLS = [
    "{{ row.index }}",
    "{{ row.unit }}",
    "{{ row.status }}",
    "{{ row.date }}",  # and, on a line of its own when known, the report's 文号
    "{{ row.result }}",
    "{{ row.problems }}",
    "{{ row.follow_up }}",
]
LEFT_ALIGNED = {"{{ row.unit }}", "{{ row.problems }}", "{{ row.follow_up }}"}
# A dozen to hundreds of units: the table is set in 小四 (12 pt) with lines 18 pt apart,
# instead of the body's 22-lines-a-page pitch, which would double every row.
TABLE_LINE = '<w:spacing w:line="360" w:lineRule="exact"/>'
LEFT_INDENT = '<w:ind w:right="140"/>'  # 7 pt between a wrapped cell's text and the next cell
TABLE_SIZE = '<w:sz w:val="24"/><w:szCs w:val="24"/>'


def table_run(text: str, bold: bool = False) -> str:
    """Return a run of table text in 小四."""
    weight = "<w:b/>" if bold else ""
    return f'<w:r><w:rPr>{weight}{TABLE_SIZE}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def table_para(text: str, align: str = "center", bold: bool = False) -> Para:
    """Return a paragraph of table text in 小四 at the table's line pitch."""
    indent = LEFT_INDENT if align == "left" else ""
    props = f'{TABLE_LINE}{indent}<w:jc w:val="{align}"/>'
    return Para("TableText", [table_run(text, bold)], props)


def compact(cell: Cell) -> None:
    """Set a one-text cell in 小四 at the table's line pitch."""
    if isinstance(cell.content, str):
        cell.content = [table_para(cell.content, cell.align, cell.bold)]


def summary_table() -> Table:
    """Return the table: a header repeated on every page, one row per unit, then the totals."""
    table = list_table(COLUMNS, "summary_rows", CELLS, landscape=True)
    body_row = table.rows[2]
    for cell in body_row.cells:
        if cell.content in LEFT_ALIGNED:
            cell.align = "left"
    # The 文号 (or 纸质报告) goes under the date; a unit that did not report keeps one line.
    body_row.cells[3].content = [
        table_para("{{ row.date }}"),
        Para("TableText", [table_run("{%p if row.source %}")]),
        table_para("{{ row.source }}"),
        Para("TableText", [table_run("{%p endif %}")]),
    ]
    totals = (
        "应报送{{ register_count }}个单位，其中按期报送{{ on_time_count }}个，"
        "逾期报送{{ late_count }}个，未报送{{ missing_count }}个"
    )
    table.rows.append(
        Row([Cell("合计", span=2, bold=True), Cell(totals, span=len(COLUMNS) - 2, align="left")])
    )
    for row in table.rows:
        for cell in row.cells:
            compact(cell)
    return table


def landscape_signature() -> list[Para]:
    """Return 署名 and 成文日期 placed as signature() does, measured on the landscape text width.

    The seal presses into the two blank lines above the 署名, as under any sealed body: with
    one, it covered the note's last line.
    """
    date_right = TEXT_H - 4 * CHAR_W
    issuer_centre = date_right - round(6.5 * CHAR_W / 2)
    keep = "<w:keepNext/>"
    issuer_tabs = f'<w:tabs><w:tab w:val="center" w:pos="{issuer_centre}"/></w:tabs>'
    date_tabs = f'<w:tabs><w:tab w:val="right" w:pos="{date_right}"/></w:tabs>'
    return [
        *seal_lines(),
        Para("Signature", [tab_run(), run("{{ bureau }}")], keep + issuer_tabs),
        Para("Signature", [tab_run(), run("{{ issue_date }}")], date_tabs),
    ]


def body() -> list[Any]:
    """Return the template's elements: title, 文号, addressee, the table, totals and signature."""
    return [
        p("Title", TITLE),
        p("DocNumber", "（{{ audit_year }}年度）"),
        p("DocNumber", "{{ number }}"),
        p("Addressee", "{{ report_to }}："),
        p(
            "Body",
            "根据《中华人民共和国档案法实施条例》第四十五条和《君山区档案安全监管制度》"
            "第四条第（五）项的规定，列入档案登记备份名册的单位应当于{{ report_due }}前"
            "提交{{ audit_year }}年度《档案工作情况报告》。本局对各单位的报告进行了审核，"
            "现将审核情况汇总报送如下：",
        ),
        summary_table(),
        closing(
            "Body",
            "注：报送日期为报告落款日期，以纸质报送的为本局收到日期，{{ report_due }}以后的"
            "为逾期报送；日期下为本局登记报告的文号，以纸质报送的注明“纸质报告”。",
        ),
        *landscape_signature(),
    ]
