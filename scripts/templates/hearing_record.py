"""听证笔录 (行政处罚法 第六十四条): a bordered record of the hearing, checked and signed by the party."""

from __future__ import annotations

from typing import Any

from docx_tables import Row, Table, tag_row
from gbt9704 import tag
from record_table import (
    COLUMNS,
    WIDTHS,
    cell,
    ending,
    header,
    line,
    paragraph,
    paragraphs_of,
    signature,
    signatures,
    text_row,
    value,
)

TITLE = "听证笔录"
LANDSCAPE = False
FORMAT = "表格"  # a record written during the hearing and signed: a form

REFUSED = "当事人或者其代理人拒绝签字或者盖章"
TOLD = "主持人核对了出席人员的身份，宣布了听证纪律，告知当事人有申请回避、进行申辩和质证的权利。"
TERMINATED = (
    "{{ termination }}，视为放弃听证权利，听证终止"
    "（《中华人民共和国行政处罚法》第六十四条第六项）。以上由主持人注明。"
)
CHECKED = "以上笔录我已核对（或者已向我宣读），与听证的情况相符。"


def people() -> list[Row]:
    """Return who held the hearing, who appeared for the party, who presented the case."""
    return [
        Row([cell("主持人"), cell("{{ host }}"), cell("记录员"), cell("{{ recorder }}")]),
        line("当事人", "{{ party_name }}（{{ party_type }}）"),
        tag_row("for row in party_attendees", COLUMNS),
        line("{{ row.role }}", "{{ row.name }}{% if row.unit %}（{{ row.unit }}）{% endif %}"),
        tag_row("endfor", COLUMNS),
        tag_row("if not party_attendees", COLUMNS),
        line("当事人一方", "未出席"),
        tag_row("endif", COLUMNS),
        tag_row("for row in officers", COLUMNS),
        Row(
            [
                cell("调查人员"),
                cell("{{ row.name }}"),
                cell("执法证号"),
                cell("{{ row.certificate }}"),
            ]
        ),
        tag_row("endfor", COLUMNS),
        tag_row("for row in others", COLUMNS),
        line("{{ row.role }}", "{{ row.name }}"),
        tag_row("endfor", COLUMNS),
    ]


def course() -> list[Row]:
    """Return the hearing itself: rights told, recusal, each turn, the last word, its end."""
    return [
        tag_row("if rights_told", COLUMNS),
        text_row("告知事项", paragraph(TOLD)),
        tag_row("endif", COLUMNS),
        Row(
            [
                cell("回避申请"),
                value("{{ recusal }}{% if recusal_decision %}：{{ recusal_decision }}{% endif %}"),
            ]
        ),
        text_row(
            "听证经过",
            tag("for row in proceedings"),
            paragraph("{{ row.speaker }}：{{ row.content }}"),
            tag("endfor"),
        ),
        tag_row("if final_statement", COLUMNS),
        text_row("当事人\n最后陈述", *paragraphs_of("final_statement", keep=True), keep=True),
        tag_row("endif", COLUMNS),
        tag_row("if termination", COLUMNS),
        text_row("听证终止", paragraph(TERMINATED, keep=True), keep=True),
        tag_row("endif", COLUMNS),
    ]


def signing() -> list[Row]:
    """Return how the record was checked, and the signatures (第六十四条第八项).

    The last words of the hearing (its final statement, or its termination) are kept with the
    rows after them, so no page holds the signatures alone. The party's side signs or seals
    under its check of the record; a refusal is printed where
    its signature would stand, as the host noted it. A hearing ended without the party has no
    signature of its side: the host's note of the termination stands above.
    """
    return [
        tag_row("if confirmation", COLUMNS),
        line("笔录核对", "{{ confirmation }}", keep=True),
        tag_row("endif", COLUMNS),
        tag_row(f'if confirmation == "{REFUSED}"', COLUMNS),
        line(
            "当事人一方\n签名或者盖章",
            "拒绝签字或者盖章：{{ refusal_note }}（主持人注明）",
            keep=True,
        ),
        tag_row("elif confirmation", COLUMNS),
        signature("当事人一方\n签名或者盖章", CHECKED, keep=True),
        tag_row("endif", COLUMNS),
        signatures("主持人签名", "记录员签名", keep=True),
        signature("调查人员签名"),
    ]


def table() -> Table:
    """Return the record: the case, when and where, who took part, what was said, who signed."""
    return Table(
        WIDTHS,
        [
            line("案号", "{{ case_number }}"),
            line("案由", "{{ cause }}"),
            line("听证时间", "{{ hearing_date }} {{ start_time }}至{{ end_time }}"),
            line("听证地点", "{{ place }}"),
            line("听证方式", "{{ public }}"),
            *people(),
            *course(),
            *signing(),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the record's number, then the table."""
    return [*header(TITLE), table(), ending()]
