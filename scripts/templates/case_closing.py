"""结案报告: how a case ended and how its penalty was carried out, for the head to approve, a bordered form."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, run, tab_run, tag

TITLE = "结案报告"
LANDSCAPE = False
FORMAT = "表格"  # an internal report, signed by the officers and the head

# Label, value, label, value: a label takes up to 7 characters of 四号 on a line, the
# second value a date.
LABEL = 2100
WIDTHS = [LABEL, TEXT_W // 2 - LABEL, LABEL, TEXT_W - TEXT_W // 2 - LABEL]
COLUMNS = len(WIDTHS)
# 四号 text 20 pt a line, as on the 立案审批表 it closes: the whole report and its signatures
# on one page for an ordinary case.
LINE = '<w:spacing w:line="400" w:lineRule="exact"/>'
OUTCOMES = (
    "给予行政处罚并已执行完毕",
    "不予行政处罚",
    "违法事实不能成立、撤销案件",
    "移送其他机关处理",
)


def _line(text: str, align: str = "center") -> Para:
    """Return one line of table text."""
    return Para("TableText", [run(text)] if text else [], f'{LINE}<w:jc w:val="{align}"/>')


def _cell(*lines: str, span: int = 1, align: str = "center") -> Cell:
    """Return a cell of one or more short lines of text."""
    return Cell([_line(line, align) for line in lines], span=span)


def _value(text: str) -> Cell:
    """Return a value cell across the rest of the table."""
    return _cell(text, span=COLUMNS - 1, align="left")


def _text_cell(name: str, *after: Para, none: str = "") -> Cell:
    """Return a cell writing each paragraph of a long-text fact (none when it is empty), then after."""
    ppr = f'{LINE}<w:jc w:val="both"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'
    lines = [tag(f"for line in {name}"), Para("TableText", [run("{{ line }}")], ppr)]
    if none:
        lines += [tag("else"), _line(none, "left")]
    return Cell([*lines, tag("endfor"), *after], span=COLUMNS - 1)


def _box(ticked: str, text: str) -> str:
    """Return a check box, ticked when the Jinja condition holds, followed by its option."""
    return "{% if " + ticked + " %}☑{% else %}☐{% endif %}" + text


def _signing(signer: str, blank_lines: int) -> Cell:
    """Return room for handwritten signatures (and an opinion), the date line at its foot."""
    date_line = _line(f"{signer}　　　　　　　　　年　　月　　日", "right")
    return Cell([*(_line("") for _ in range(blank_lines)), date_line], span=COLUMNS - 1)


def table() -> Table:
    """Return the report: the case, its outcome, the decision and its execution, the signatures."""
    # Two options a line: the four fit in two lines of the value cell.
    outcomes = [
        _line("　".join(_box(f'outcome == "{o}"', o) for o in pair), "left")
        for pair in (OUTCOMES[:2], OUTCOMES[2:])
    ]
    return Table(
        WIDTHS,
        [
            Row([_cell("案号"), _value("{{ case_number }}")]),
            Row([_cell("案由"), _value("{{ cause }}")]),
            Row([_cell("当事人"), _value("{{ party_name }}")]),
            Row(
                [
                    _cell("立案日期"),
                    _cell("{{ case_opened_on }}"),
                    _cell("结案日期"),
                    _cell("{{ closing_date }}"),
                ]
            ),
            Row([_cell("处理结果"), Cell(outcomes, span=COLUMNS - 1)]),
            Row(
                [_cell("处罚决定", "及文号"), _text_cell("penalty_summary", none="无")],
                can_split=True,
            ),
            Row([_cell("执行情况"), _text_cell("execution", none="无")], can_split=True),
            Row([_cell("案件办理情况"), _text_cell("summary")], can_split=True),
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
            Row([_cell("承办人签字"), _signing("", 1)]),
            Row([_cell("负责人意见"), _signing("负责人签字：", 2)]),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the report's number, then the report."""
    number_at_right = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
    return [
        Para("Title", [run(TITLE)]),
        Para("Signature", [run("{{ bureau }}"), tab_run(), run("{{ number }}")], number_at_right),
        table(),
        # A document ends with a paragraph; this one is 1 pt high so it never adds a page.
        Para("Blank", [], '<w:spacing w:line="20" w:lineRule="exact"/>'),
    ]
