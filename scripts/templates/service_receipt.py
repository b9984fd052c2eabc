"""送达回证 (行政处罚法 第六十一条; 民事诉讼法 第八十七条至第九十五条), a bordered form under the bureau's seal."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, closing, p, run, signature, tab_run, tag

TITLE = "送达回证"
LANDSCAPE = False
FORMAT = "表格"  # filled in on service and signed by the recipient and the servers: a form

# Label, value, label, room to sign: a label takes 7 characters of 四号 on a line, "签名或者盖章" 6,
# and a value the name of a 送达人 or "执法证号" with his or her number.
WIDTHS = [2200, TEXT_W - 2200 - 1900 - 2000, 1900, 2000]
COLUMNS = len(WIDTHS)
# 四号 text 22 pt a line, long text 20 pt: at the inspection record's 24 and 21 pt, an ordinary
# receipt would leave its seal and the bureau's signature alone on a second page.
SHORT_LINE = '<w:spacing w:line="440" w:lineRule="exact"/>'
LONG_LINE = '<w:spacing w:line="400" w:lineRule="exact"/>'
METHODS = ("直接送达", "留置送达", "邮寄送达", "电子送达", "公告送达")
# Where a person signs by hand: two blank lines, the typed name beside them, never on them.
HAND = ("", "")


def _para(text: str, align: str = "center", line: str = SHORT_LINE) -> Para:
    """Return one paragraph of table text."""
    return Para("TableText", [run(text)], f'{line}<w:jc w:val="{align}"/>')


def _cell(*lines: str, span: int = 1, align: str = "center") -> Cell:
    """Return a cell of one or more short lines of text."""
    return Cell([_para(line, align) for line in lines], span=span)


def _value(*parts: str | Para) -> Cell:
    """Return a left-aligned value cell across the rest of the table (lines or paragraphs)."""
    paragraphs = [_para(part, "left") if isinstance(part, str) else part for part in parts]
    return Cell(paragraphs, span=COLUMNS - 1)


def _box(method: str) -> str:
    """Return a check box for one method, ticked when it is the receipt's."""
    return '{% if method == "' + method + '" %}☑{% else %}☐{% endif %}' + method


def _method_details() -> list[Para]:
    """Return what the method of service records beside its box (paragraphs dropped when empty)."""
    return [
        tag('if method == "邮寄送达"'),
        _para("邮件号：{{ tracking_number }}", "left"),
        tag('elif method == "电子送达"'),
        _para("受送达人于{{ consent_date }}同意电子送达并签订确认书", "left"),
        tag('elif method == "公告送达"'),
        _para("{{ notice_date }}发出公告，经过三十日视为送达", "left"),
        _para("公告原因：{{ notice_reason }}", "left"),
        tag("elif recording"),
        _para("拍照、录像记录：{{ recording }}", "left"),
        tag("endif"),
    ]


def _long(name: str) -> Cell:
    """Return a value cell writing each paragraph of an optional long-text fact, justified and indented.

    Left empty, the cell keeps one empty paragraph: a cell without one is no cell to Word,
    and LibreOffice merges it into its label.
    """
    ppr = f'{LONG_LINE}<w:jc w:val="both"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'
    lines = [
        tag(f"if {name}"),
        tag(f"for line in {name}"),
        Para("TableText", [run("{{ line }}")], ppr),
        tag("endfor"),
        tag("else"),
        _para(""),
        tag("endif"),
    ]
    return Cell(lines, span=COLUMNS - 1)


def _signed(label: list[str], name: list[str]) -> Row:
    """Return a row where a person signs by hand: the label, the typed name, and room to sign."""
    return Row([_cell(*label), _cell(*name), _cell("签名或者盖章"), _cell(*HAND)])


def table() -> Table:
    """Return the receipt: what was served, on whom, where, how and when, and who signed."""
    where = (
        '{% if method == "电子送达" %}电子送达地址：{{ address }}'
        '{% elif method == "公告送达" %}公告方式：{{ notice_medium }}'
        "{% else %}{{ place }}{% endif %}"
    )
    unsigned = (
        '{% if method == "电子送达" %}电子送达，送达信息到达之日为送达日期'
        "{% else %}公告送达，公告期满视为送达{% endif %}"
    )
    return Table(
        WIDTHS,
        [
            Row(
                [
                    _cell("送达文书", "名称及文号"),
                    _value("{{ served_title }}（{{ served_number }}）"),
                ]
            ),
            Row([_cell("受送达人"), _value("{{ recipient }}")]),
            Row([_cell("送达地点"), _value(where)]),
            Row(
                [_cell("送达方式"), _value("　".join(_box(m) for m in METHODS), *_method_details())]
            ),
            Row([_cell("送达日期"), _value("{{ served_on }}")]),
            # Who signed, and for whom (第八十七条, 第八十八条); where nobody did, why: the refusal
            # (第八十九条) or the method. Rows a method cannot fill are left out, so that a
            # receipt stays on one sheet.
            tag_row("if signer", COLUMNS),
            _signed(["收件人"], ["{{ signer }}"]),
            Row(
                [
                    _cell("代收人及", "代收理由"),
                    _value(
                        "{% if signer_relation %}{{ signer }}（{{ signer_relation }}）{% endif %}"
                    ),
                ]
            ),
            tag_row('elif method == "留置送达"', COLUMNS),
            Row([_cell("拒收事由和日期"), _value("{{ refusal_reason }}（{{ served_on }}）")]),
            tag_row("else", COLUMNS),
            Row([_cell("收件人签名", "或者盖章"), _value(unsigned)]),
            tag_row("endif", COLUMNS),
            tag_row("for row in witnesses", COLUMNS),
            _signed(["见证人"], ["{{ row.name }}", "{{ row.identity }}"]),
            tag_row("endfor", COLUMNS),
            tag_row("for row in server", COLUMNS),
            _signed(
                ["送达人"],
                [
                    "{{ row.name }}",
                    "{% if row.certificate %}执法证号{{ row.certificate }}{% endif %}",
                ],
            ),
            tag_row("endfor", COLUMNS),
            Row([_cell("备注"), _long("remarks")], can_split=True),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the 案号 and the receipt's number, the table, the seal's place."""
    number_at_right = (
        '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
        f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
    )
    return [
        p("Title", TITLE),
        Para(
            "Body",
            [
                run("{% if case_number %}案号：{{ case_number }}{% endif %}"),
                tab_run(),
                run("{{ number }}"),
            ],
            number_at_right,
        ),
        table(),
        closing(
            "Body",
            "依照《中华人民共和国行政处罚法》第六十一条送达。",
        ),
        *signature(issuer="{{ bureau }}", date="{{ served_on }}"),
    ]
