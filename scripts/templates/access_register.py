"""档案查阅（复制）登记单 (seed: 四、公共服务事项, 档案利用服务): a bordered register form."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, p, run

TITLE = "档案查阅（复制）登记单"
LANDSCAPE = False
FORMAT = "表格"  # a register filled in and signed at the counter: a form

# A register is filled in and signed, not read as prose: its table lines are set at 20 pt
# (四号 text, 18 pt lines) instead of the 22-lines-a-page body grid, so a few records fit on one page.
TIGHT = '<w:spacing w:before="60" w:after="60" w:line="360" w:lineRule="exact"/>'


def text(content: str, align: str = "center", bold: bool = False) -> Para:
    """Return one tightly set line of table text."""
    return Para("TableText", [run(content, bold=bold)], f'{TIGHT}<w:jc w:val="{align}"/>')


def cell(content: str, span: int = 1, align: str = "center", bold: bool = False) -> Cell:
    """Return a cell holding one tightly set line."""
    return Cell([text(content, align, bold)], span=span)


def label(content: str) -> Cell:
    """Return a label cell, in bold."""
    return cell(content, bold=True)


def widths(shares: list[float]) -> list[int]:
    """Return column widths (twips) filling the text width in these proportions."""
    return [int(TEXT_W * share / sum(shares)) for share in shares]


def visitor_table() -> Table:
    """Return the table of who came, with what identity, why, and when."""
    return Table(
        widths([2.6, 4.4, 2.6, 4.4]),
        [
            Row(
                [label("查阅人"), cell("{{ visitor }}"), label("工作单位"), cell("{{ work_unit }}")]
            ),
            Row(
                [
                    label("证件类型"),
                    cell("{{ id_type }}"),
                    label("证件号码"),
                    cell("{{ id_number }}"),
                ]
            ),
            Row(
                [
                    label("利用目的"),
                    cell(
                        "{{ purpose }}{% if purpose_details %}：{{ purpose_details }}{% endif %}",
                        span=3,
                        align="left",
                    ),
                ]
            ),
            Row(
                [
                    label("服务事项"),
                    cell("{{ service_item }}"),
                    label("查阅日期"),
                    cell("{{ visit_date }}"),
                ]
            ),
        ],
    )


def records_table() -> Table:
    """Return the records consulted, one row each, the header repeated on every page."""
    header = Row(
        [label("序号"), label("档号"), label("题名"), label("页数"), label("复制页数")], header=True
    )
    row = Row(
        [
            cell("{{ loop.index }}"),
            cell("{{ row.reference }}"),
            cell("{{ row.title }}", align="left"),
            cell("{{ row.pages }}"),
            cell("{{ row.copied_pages }}"),
        ]
    )
    total = Row([label("复制页数合计"), cell("{{ copies }}")])
    total.cells[0].span = 4
    return Table(
        widths([1.1, 3.0, 5.6, 1.4, 2.2]),
        [header, tag_row("for row in records", 5), row, tag_row("endfor", 5), total],
    )


def signing_table() -> Table:
    """Return the signatures: the receiving staff member and the visitor, each beside a typed name.

    Each signs by hand in a blank cell; a typed name never stands where a signature belongs.
    """

    def blank() -> Cell:
        return Cell([text(""), text("")])

    return Table(
        widths([2.6, 3.8, 3.2, 4.4]),  # a label of six characters on one line
        [
            Row([label("接待人员"), cell("{{ receiver }}"), label("接待人员签字"), blank()]),
            Row([label("查阅人"), cell("{{ visitor }}"), label("查阅人签字"), blank()]),
        ],
    )


def note(content: str) -> Para:
    """Return one of the notes under the form, in 小四 text."""
    return Para(
        "Imprint",
        [
            f'<w:r><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:t xml:space="preserve">{escape(content)}</w:t></w:r>'
        ],
        '<w:spacing w:line="300" w:lineRule="exact"/><w:ind w:left="0" w:right="0"/>',
    )


def body() -> list[Any]:
    """Return the template's paragraphs and tables."""
    number_line = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
    return [
        p("Title", TITLE),
        Para(
            "Signature",
            [run("{{ bureau }}"), "<w:r><w:tab/></w:r>", run("编号：{{ number }}")],
            number_line,
        ),
        visitor_table(),
        Para("TableText", [run("查阅（复制）档案", bold=True)], TIGHT),
        records_table(),
        Para("Blank", [], TIGHT),
        signing_table(),
        Para("Blank", [], TIGHT),
        note(
            "注：1.依据《中华人民共和国档案法》第二十八条，单位和个人持有合法证明，可以利用已经开放的档案；"
            "利用档案涉及知识产权、个人信息的，应当遵守有关法律、行政法规的规定。"
        ),
        note(
            "2.依据《中华人民共和国档案法》第三十二条，属于国家所有的档案，未经档案馆或者有关机关同意，"
            "任何单位和个人无权公布。"
        ),
        note("3.承办机构：{{ bureau }}办公室，联系电话0730-8172787。"),
    ]
