"""档案形成与保管单位巡查、回访记录 (seed: 档案安全监管 §四(一); 电子档案监管 §四), a bordered form."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, p, run, tab_run, tag

TITLE = "档案形成与保管单位巡查、回访记录"
LANDSCAPE = False
FORMAT = "表格"  # a record filled in on site and signed: a form

# Label, value, label, value: a label takes 7 characters of 四号 on a line.
WIDTHS = [2000, TEXT_W // 2 - 2000, 2000, TEXT_W - TEXT_W // 2 - 2000]
COLUMNS = len(WIDTHS)
# 四号 text 24 pt a line, long text 21 pt: the body's 22-lines-a-page pitch would
# stretch an ordinary record to a second page and leave its signatures there alone.
SHORT_LINE = '<w:spacing w:line="480" w:lineRule="exact"/>'
LONG_LINE = '<w:spacing w:line="420" w:lineRule="exact"/>'
KINDS = ("定期巡查", "不定期巡查", "回访")
METHODS = (
    ("method_report", "听取汇报"),
    ("method_records", "查阅资料"),
    ("method_site", "核查现场"),
    ("method_assessment", "安全测评"),
)


def _cell(*lines: str, span: int = 1, align: str = "center") -> Cell:
    """Return a cell of one or more short lines of text."""
    ppr = f'{SHORT_LINE}<w:jc w:val="{align}"/>'
    return Cell([Para("TableText", [run(line)], ppr) for line in lines], span=span)


def _value(text: str) -> Cell:
    """Return a value cell across the rest of the table."""
    return _cell(text, span=COLUMNS - 1, align="left")


def _text_cell(name: str) -> Cell:
    """Return a cell writing each paragraph of a long-text fact, justified and indented."""
    ppr = f'{LONG_LINE}<w:jc w:val="both"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'
    lines = [tag(f"for line in {name}"), Para("TableText", [run("{{ line }}")], ppr), tag("endfor")]
    return Cell(lines, span=COLUMNS - 1)


def _box(ticked: str, text: str) -> str:
    """Return a check box, ticked when the Jinja condition holds, followed by its option."""
    return "{% if " + ticked + " %}☑{% else %}☐{% endif %}" + text


def table() -> Table:
    """Return the record: the unit, when and how it was inspected, by whom, what was found."""
    kinds = "　".join(_box(f'inspection_kind == "{kind}"', kind) for kind in KINDS)
    methods = "　".join(_box(name, text) for name, text in METHODS)
    return Table(
        WIDTHS,
        [
            Row([_cell("被检查单位"), _value("{{ unit }}")]),
            Row([_cell("检查地点"), _value("{{ location }}")]),
            Row(
                [
                    _cell("检查日期"),
                    _cell("{{ inspection_date }}"),
                    _cell("配合检查人员"),
                    _cell("{{ unit_contact }}"),
                ]
            ),
            Row([_cell("检查类别"), _value(kinds)]),
            Row([_cell("检查方式"), _value(methods)]),
            tag_row("for row in officers", COLUMNS),
            Row(
                [
                    _cell("执法人员"),
                    _cell("{{ row.name }}"),
                    _cell("执法证号"),
                    _cell("{{ row.certificate }}"),
                ]
            ),
            tag_row("endfor", COLUMNS),
            Row([_cell("检查内容"), _text_cell("checked_items")], can_split=True),
            Row([_cell("发现的问题"), _text_cell("problems")], can_split=True),
            Row([_cell("处理情况"), _text_cell("handling")], can_split=True),
            # The head signs by hand beside the typed name; a refusal is recorded where the
            # signature would be. A typed name never stands in the signature's place.
            tag_row("if head_name", COLUMNS),
            Row(
                [
                    _cell("被检查单位", "负责人"),
                    _cell("{{ head_name }}"),
                    _cell("负责人签字"),
                    _cell("", ""),
                ]
            ),
            tag_row("else", COLUMNS),
            Row([_cell("被检查单位", "负责人签字"), _value("拒绝签字：{{ refusal_note }}")]),
            tag_row("endif", COLUMNS),
            Row([_cell("执法人员签字"), _cell("", "", span=COLUMNS - 1)]),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the record's number, then the table."""
    number_at_right = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
    return [
        p("Title", TITLE),
        Para("Signature", [run("{{ bureau }}"), tab_run(), run("{{ number }}")], number_at_right),
        table(),
        # A document ends with a paragraph; this one is 1 pt high so it never adds a page.
        Para("Blank", [], '<w:spacing w:line="20" w:lineRule="exact"/>'),
    ]
