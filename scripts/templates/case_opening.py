"""立案审批表 (行政处罚法 第五十四条): the case proposed by its officers and the head's approval, a bordered form."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, run, tab_run, tag

TITLE = "立案审批表"
LANDSCAPE = False
FORMAT = "表格"  # an internal approval form, signed by the officers and the head

# Label, value, label, value: a label takes up to 7 characters of 四号 on a line, the second
# value a 法定代表人's name or a date.
LABEL = 2100
WIDTHS = [LABEL, TEXT_W // 2 - LABEL, LABEL, TEXT_W - TEXT_W // 2 - LABEL]
COLUMNS = len(WIDTHS)
# 四号 text 20 pt a line: at the body's 22-lines-a-page pitch, or even at the inspection
# record's 24 pt, an ordinary case's summary pushes the head's approval to a second page,
# apart from the proposal it approves.
SHORT_LINE = '<w:spacing w:line="400" w:lineRule="exact"/>'
LONG_LINE = SHORT_LINE
SOURCES = ("监督检查中发现", "投诉、举报", "上级机关交办", "其他机关移送", "其他")


def _cell(*lines: str, span: int = 1, align: str = "center") -> Cell:
    """Return a cell of one or more short lines of text."""
    ppr = f'{SHORT_LINE}<w:jc w:val="{align}"/>'
    return Cell([Para("TableText", [run(line)], ppr) for line in lines], span=span)


def _value(text: str) -> Cell:
    """Return a value cell across the rest of the table."""
    return _cell(text, span=COLUMNS - 1, align="left")


def _long(text: str, align: str = "both") -> Para:
    """Return one paragraph of long text, justified, its first line indented two characters."""
    ppr = f'{LONG_LINE}<w:jc w:val="{align}"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'
    return Para("TableText", [run(text)], ppr)


def _text_cell(name: str, *after: Para) -> Cell:
    """Return a cell writing each paragraph of a long-text fact, then the paragraphs after."""
    lines = [tag(f"for line in {name}"), _long("{{ line }}"), tag("endfor"), *after]
    return Cell(lines, span=COLUMNS - 1)


def _right(text: str) -> Para:
    """Return a line set flush right, as a signature's date is."""
    return Para("TableText", [run(text)], f'{SHORT_LINE}<w:jc w:val="right"/>')


def _blank() -> Para:
    """Return an empty line, room for a handwritten opinion or signature."""
    return Para("TableText", [], SHORT_LINE)


def _box(ticked: str, text: str) -> str:
    """Return a check box, ticked when the Jinja condition holds, followed by its option."""
    return "{% if " + ticked + " %}☑{% else %}☐{% endif %}" + text


def _id_label() -> Cell:
    """Return the label of the party's number: a person's 公民身份号码, a unit's credit code."""
    ppr = f'{SHORT_LINE}<w:jc w:val="center"/>'
    return Cell(
        [
            tag('if party_type == "个人"'),
            Para("TableText", [run("公民身份号码")], ppr),
            tag("else"),
            Para("TableText", [run("统一社会")], ppr),
            Para("TableText", [run("信用代码")], ppr),
            tag("endif"),
        ]
    )


def _approval() -> Cell:
    """Return the 负责人审批意见 cell: the approval given in the service, or room to sign by hand.

    An approval recorded in the service prints the head's opinion, name and date; before it,
    in a preview or on paper, the cell keeps blank lines and the signature and date line.
    """
    return Cell(
        [
            tag("if approval"),
            _long("{{ approval.opinion }}"),
            _right("负责人：{{ approval.head }}　　{{ approval.date }}"),
            tag("else"),
            _blank(),
            _blank(),
            _right("负责人签字：　　　　　　　　　年　　月　　日"),
            tag("endif"),
        ],
        span=COLUMNS - 1,
    )


def table() -> Table:
    """Return the form: the cause, the party, the source, the facts, the officers, the approval."""
    sources = "　".join(_box(f'source == "{source}"', source) for source in SOURCES)
    return Table(
        WIDTHS,
        [
            Row([_cell("案由"), _value("{{ cause }}")]),
            Row([_cell("当事人"), _value("{{ party_name }}")]),
            Row(
                [
                    _cell("当事人类型"),
                    _cell("{{ party_type }}"),
                    _cell("法定代表人", "（负责人）"),
                    _cell("{{ legal_representative }}"),
                ]
            ),
            Row([_id_label(), _value("{{ party_id }}")]),
            Row([_cell("地址"), _value("{{ party_address }}")]),
            Row(
                [
                    _cell("案件来源"),
                    Cell(
                        [
                            Para("TableText", [run(sources)], f'{SHORT_LINE}<w:jc w:val="left"/>'),
                            tag("if source_detail"),
                            Para(
                                "TableText",
                                [run("{{ source_detail }}")],
                                f'{SHORT_LINE}<w:jc w:val="left"/>',
                            ),
                            tag("endif"),
                        ],
                        span=COLUMNS - 1,
                    ),
                ]
            ),
            Row(
                [
                    _cell("受案日期"),
                    _cell("{{ received_date }}"),
                    _cell("立案日期"),
                    _cell("{{ opening_date }}"),
                ]
            ),
            Row([_cell("简要案情"), _text_cell("summary")], can_split=True),
            tag_row("for row in officers", COLUMNS),
            Row(
                [
                    _cell("承办人"),
                    _cell("{{ row.name }}"),
                    _cell("执法证号"),
                    _cell("{{ row.certificate }}"),
                ]
            ),
            tag_row("endfor", COLUMNS),
            Row(
                [
                    _cell("承办人意见"),
                    _text_cell("proposal", _right("承办人签字：　　　　　　　　　年　　月　　日")),
                ],
                can_split=True,
            ),
            Row([_cell("负责人审批意见"), _approval()]),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the case number, then the form."""
    number_at_right = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
    return [
        Para("Title", [run(TITLE)]),
        Para(
            "Signature",
            [run("{{ bureau }}"), tab_run(), run("案号：{{ case_number or number }}")],
            number_at_right,
        ),
        table(),
        # A document ends with a paragraph; this one is 1 pt high so it never adds a page.
        Para("Blank", [], '<w:spacing w:line="20" w:lineRule="exact"/>'),
    ]
