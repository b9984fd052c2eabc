"""现场检查（勘验）笔录 (行政处罚法 第四十二条、第五十五条), a bordered form signed by hand."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W
from record_table import (
    COLUMNS,
    cell,
    ending,
    header,
    line,
    paragraph,
    paragraphs_of,
    signature,
    signatures,
    text_row,
)

TITLE = "现场检查（勘验）笔录"
LANDSCAPE = False
FORMAT = "表格"  # a record made on site and signed by those present

# Label, value, label, value, as the 询问笔录: the first label takes 社会信用代码 (6 characters
# of 四号), the first value an 18-character code.
WIDTHS = [1900, 3000, 1600, TEXT_W - 6500]
PERSON = "个人"
REFUSED, ABSENT = "当事人拒绝签名", "当事人不在场"
# The 告知 of 第五十五条 and 第四十三条, as the officers give it before they inspect.
NOTICE = (
    "检查人员向当事人（在场人员）出示了执法证件（执法证号：{% for row in officers %}"
    "{{ row.certificate }}{% if not loop.last %}、{% endif %}{% endfor %}），告知其依照"
    "《中华人民共和国行政处罚法》第五十五条应当如实回答询问，并协助检查，不得拒绝或者阻挠；"
    "认为执法人员与本案有直接利害关系或者有其他关系可能影响公正执法的，有权申请回避（第四十三条）。"
)
WITNESS = "{{ witness }}{% if witness_unit %}（{{ witness_unit }}）{% endif %}"
ID_LABEL = "{% if party_type == '" + PERSON + "' %}公民身份号码{% else %}社会信用代码{% endif %}"


def pair(first: str, first_value: str, second: str, second_value: str) -> Row:
    """Return a row of two labels, each beside its value."""
    return Row([cell(first), cell(first_value), cell(second), cell(second_value)])


def party_rows() -> list[Row]:
    """Return the rows naming the party: name, kind, representative, number, address."""
    return [
        line("当事人", "{{ party_name }}"),
        pair("当事人类型", "{{ party_type }}", "法定代表人", "{{ legal_representative }}"),
        line(ID_LABEL, "{{ party_id }}"),
        line("地址", "{{ party_address }}"),
    ]


def people_rows() -> list[Row]:
    """Return a row for each person present, each officer with certificate, and the recorder."""
    return [
        tag_row("for row in present", COLUMNS),
        pair("在场人", "{{ row.name }}", "身份", "{{ row.role }}"),
        tag_row("endfor", COLUMNS),
        tag_row("for row in officers", COLUMNS),
        pair("检查人员", "{{ row.name }}", "执法证号", "{{ row.certificate }}"),
        tag_row("endfor", COLUMNS),
        line("记录人", "{{ recorder }}"),
    ]


def evidence_rows() -> list[Row]:
    """Return the evidence taken on site, a row each under a header, or a line saying none was.

    The last row is kept with the signatures, which then never start a page alone.
    """

    def taken(keep: bool) -> Row:
        return Row(
            [
                cell("{{ row.method }}", keep=keep),
                cell("{{ row.item }}", span=2, align="left", keep=keep),
                cell("{{ row.quantity }}{{ row.measure }}", keep=keep),
            ]
        )

    return [
        tag_row("if evidence_taken", COLUMNS),
        Row([cell("取证方式"), cell("证据名称及内容", span=2), cell("数量")]),
        tag_row("for row in evidence_taken", COLUMNS),
        tag_row("if loop.last", COLUMNS),
        taken(keep=True),
        tag_row("else", COLUMNS),
        taken(keep=False),
        tag_row("endif", COLUMNS),
        tag_row("endfor", COLUMNS),
        tag_row("else", COLUMNS),
        line("现场取证", "未提取、拍照、录像或者复制证据", keep=True),
        tag_row("endif", COLUMNS),
    ]


def signature_rows() -> list[Row]:
    """Return where the party, the witness, the officers and the recorder sign, kept together.

    A refusal or an absence is noted where the party would sign; a typed name never stands
    where one signs.
    """
    return [
        line("笔录确认", "{{ confirmation }}", keep=True),
        tag_row(f'if confirmation == "{REFUSED}"', COLUMNS),
        line("当事人签名", "拒绝签名：{{ refusal_reason }}", keep=True),
        tag_row(f'elif confirmation == "{ABSENT}"', COLUMNS),
        line("当事人签名", "当事人不在场，由见证人签名。", keep=True),
        tag_row("else", COLUMNS),
        signature("当事人签名", "以上笔录我看过（或向我宣读过），情况属实。", keep=True),
        tag_row("endif", COLUMNS),
        tag_row("if witness", COLUMNS),
        line("见证人", WITNESS, keep=True),
        signature("见证人签名", "以上笔录记载的情况我在现场见证。", keep=True),
        tag_row("endif", COLUMNS),
        signatures("检查人员签名", "记录人签名"),
    ]


def table() -> Table:
    """Return the record: the case, the sitting, the party, who was there, what was found and taken."""
    return Table(
        WIDTHS,
        [
            line("案号", "{{ case_number }}"),
            line("检查时间", "{{ inspection_date }} {{ start_time }}至{{ end_time }}"),
            line("检查地点", "{{ place }}"),
            *party_rows(),
            *people_rows(),
            Row([Cell([paragraph(NOTICE)], span=COLUMNS)]),
            text_row("检查（勘验）\n情况", *paragraphs_of("findings")),
            *evidence_rows(),
            *signature_rows(),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the record's number, then the table."""
    return [*header(TITLE), table(), ending()]
