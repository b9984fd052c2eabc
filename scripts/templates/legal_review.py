"""法制审核意见书 (行政处罚法 第五十八条): the legal officer's review of a proposed decision, signed by hand."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import tag
from record_table import (
    COLUMNS,
    WIDTHS,
    box,
    cell,
    ending,
    header,
    label,
    line,
    paragraph,
    paragraphs_of,
    signature,
    text_row,
)

TITLE = "法制审核意见书"
LANDSCAPE = False
FORMAT = "表格"  # an internal review filled in and signed by the reviewer: a form

CONCLUSIONS = ("同意", "建议补充调查", "建议修改处罚内容", "不同意")
CHECK = (
    "{{ loop.index }}．{{ row.item }}：{{ row.result }}{% if row.note %}。{{ row.note }}{% endif %}"
)


def conclusions() -> Cell:
    """Return the four conclusions, two a line, the one reached ticked."""
    pairs = (CONCLUSIONS[:2], CONCLUSIONS[2:])
    lines = ["　　".join(box(f'conclusion == "{c}"', c) for c in pair) for pair in pairs]
    return cell(*lines, span=COLUMNS - 1, align="left", keep=True)


def table() -> Table:
    """Return the review: the case, the submission, each item checked, the conclusion, the signature."""
    return Table(
        WIDTHS,
        [
            line("案号", "{{ case_number }}"),
            line("案由", "{{ cause }}"),
            line("当事人", "{{ party_name }}"),
            Row(
                [
                    cell("送审日期"),
                    cell("{{ submitted_on }}"),
                    cell("审核日期"),
                    cell("{{ review_date }}"),
                ]
            ),
            Row(
                [
                    cell("法制审核人员"),
                    cell("{{ reviewer }}"),
                    cell("资格证书编号"),
                    cell("{{ reviewer_certificate }}"),
                ]
            ),
            text_row("审核情形", paragraph("《中华人民共和国行政处罚法》{{ grounds }}")),
            text_row("拟作出的\n处理决定", *paragraphs_of("proposal")),
            text_row("审核内容", tag("for row in checked"), paragraph(CHECK), tag("endfor")),
            Row([label("审核结论", keep=True), conclusions()]),
            # The opinion goes with the signature to its page: a signature never stands alone.
            tag_row("if opinion", COLUMNS),
            text_row("审核意见", *paragraphs_of("opinion", keep=True), keep=True),
            tag_row("endif", COLUMNS),
            signature("法制审核人员\n签名"),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the review's number, then the table."""
    return [*header(TITLE), table(), ending()]
