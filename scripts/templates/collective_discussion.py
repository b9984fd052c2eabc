"""集体讨论记录 (行政处罚法 第五十七条): the heads' discussion of a case, signed by those present."""

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
    label,
    line,
    options,
    paragraph,
    paragraphs_of,
    signature,
    signatures,
    text_cell,
    text_row,
)

TITLE = "集体讨论记录"
LANDSCAPE = False
FORMAT = "表格"  # the record of a meeting, signed by those who took part: a form

CONCLUSIONS = (
    "给予行政处罚",
    "不予行政处罚（违法行为轻微）",
    "不予行政处罚（违法事实不能成立）",
    "移送司法机关",
)


def members(name: str) -> str:
    """Return the people of a list of rows on one line: 刘建平（局长）、何晓东（副局长）."""
    return (
        f"{{% for row in {name} %}}{{{{ row.name }}}}（{{{{ row.position }}}}）"
        "{% if not loop.last %}、{% endif %}{% endfor %}"
    )


def meeting() -> list[Row]:
    """Return when and where the heads met, who chaired, who took part and who recorded."""
    return [
        line(
            "时间",
            "{{ meeting_date }} {{ start_time }}{% if end_time %}至{{ end_time }}{% endif %}",
        ),
        line("地点", "{{ place }}"),
        Row([cell("主持人"), cell("{{ chair }}"), cell("记录人"), cell("{{ recorder }}")]),
        line("参加人员", members("attendees")),
        line("列席人员", "{% if nonvoting %}" + members("nonvoting") + "{% else %}无{% endif %}"),
    ]


def outcome() -> list[Row]:
    """Return what was decided: the conclusion (第五十七条), the decision and the fine.

    They are kept with the signatures, so that those who sign see on their page what they sign.
    """
    return [
        Row(
            [
                label("讨论结论", keep=True),
                text_cell(*options("conclusion", CONCLUSIONS, keep=True)),
            ]
        ),
        tag_row("if decision_summary", COLUMNS),
        text_row("决定内容", *paragraphs_of("decision_summary", keep=True), keep=True),
        tag_row("endif", COLUMNS),
        tag_row("if fine", COLUMNS),
        line("罚款金额", "{{ fine }}（{{ fine_in_words }}）", keep=True),
        tag_row("endif", COLUMNS),
    ]


def table() -> Table:
    """Return the record: the case, the meeting, the report, each opinion, the outcome, signatures."""
    return Table(
        WIDTHS,
        [
            line("案号", "{{ case_number }}"),
            line("案由", "{{ cause }}"),
            line("当事人", "{{ party_name }}"),
            *meeting(),
            text_row("承办人汇报", *paragraphs_of("report")),
            text_row(
                "讨论意见",
                tag("for row in discussion"),
                paragraph("{{ row.speaker }}：{{ row.opinion }}"),
                tag("endfor"),
            ),
            *outcome(),
            signature("参加人员\n签名", "", "", keep=True),
            signatures("主持人签名", "记录人签名"),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the record's number, then the table."""
    return [*header(TITLE), table(), ending()]
