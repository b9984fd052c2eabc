"""询问笔录 (行政处罚法 第四十二条、第四十三条、第五十五条), a bordered form signed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, run
from record_table import (
    COLUMNS,
    KEEP,
    LONG_LINE,
    cell,
    ending,
    header,
    line,
    paragraph,
    signature,
    signatures,
)

TITLE = "询问笔录"
LANDSCAPE = False
FORMAT = "表格"  # a record made at the inquiry and signed by those present

# Label, value, label, value, as record_table's value() spans them, but narrower labels: the
# first takes 公民身份号码 (6 characters of 四号), the first value an 18-digit number.
WIDTHS = [1900, 3000, 1600, TEXT_W - 6500]
REFUSED = "被询问人拒绝签名"
EMPLOYMENT = (
    "{{ interviewee_employer }}{% if interviewee_employer and interviewee_position %}　{% endif %}"
    "{{ interviewee_position }}"
)
# The 告知 of 第五十五条 and 第四十三条, as the officers say it before the first question.
NOTICE = (
    "我们是{{ bureau }}的执法人员，这是我们的执法证件（执法证号：{% for row in officers %}"
    "{{ row.certificate }}{% if not loop.last %}、{% endif %}{% endfor %}），请你过目。"
    "依照《中华人民共和国行政处罚法》第五十五条，你应当如实回答询问，并协助调查，不得拒绝或者阻挠；"
    "依照该法第四十三条，你认为执法人员与本案有直接利害关系或者有其他关系可能影响公正执法的，"
    "有权申请回避。"
)


@dataclass
class OpenRow(Row):
    """A row of running text whose rule above or below is left out: one box over several rows.

    The questions and answers are a row each, so that the last can be kept with the
    signatures (a row moves as a whole), and still read as the one record they are.
    """

    open_top: bool = False
    open_bottom: bool = False

    def xml(self, widths: list[int]) -> str:
        """Return the row's WordprocessingML, its cells without the rules left out."""
        sides = [
            side
            for side, left_out in (("top", self.open_top), ("bottom", self.open_bottom))
            if left_out
        ]
        borders = "".join(f'<w:{side} w:val="nil"/>' for side in sides)
        tcborders = f"<w:tcBorders>{borders}</w:tcBorders><w:vAlign"
        return super().xml(widths).replace("<w:vAlign", tcborders) if sides else super().xml(widths)


def notice_row() -> OpenRow:
    """Return the row of the 告知 the officers give before the first question, and its answer."""
    said = [
        paragraph(NOTICE),
        paragraph("问：你是否申请回避？"),
        paragraph("答：{{ recusal }}。{% if recusal_note %}{{ recusal_note }}{% endif %}"),
    ]
    return OpenRow([Cell(said, span=COLUMNS)], can_split=True, open_bottom=True)


def exchange_rows() -> list[Row]:
    """Return a row for each question and its answer, the rules between them left out.

    The last is kept whole with the signatures below it, so that they never stand alone
    on a page, and says where the record ends: nothing may be written in after it.
    """
    last = Cell(
        [
            paragraph("问：{{ row.question }}", keep=True),
            paragraph("答：{{ row.answer }}", keep=True),
            Para("TableText", [run("（以下空白）")], f'{KEEP}{LONG_LINE}<w:jc w:val="center"/>'),
        ],
        span=COLUMNS,
    )
    other = Cell(
        [paragraph("问：{{ row.question }}"), paragraph("答：{{ row.answer }}")], span=COLUMNS
    )
    return [
        tag_row("for row in exchanges", COLUMNS),
        tag_row("if loop.last", COLUMNS),
        OpenRow([last], open_top=True),
        tag_row("else", COLUMNS),
        OpenRow([other], can_split=True, open_top=True, open_bottom=True),
        tag_row("endif", COLUMNS),
        tag_row("endfor", COLUMNS),
    ]


def signature_rows() -> list[Row]:
    """Return where the person asked, the officers and the recorder sign, kept together.

    The person signs by hand under the sentence he or she confirms; a refusal is noted in
    its place by the officers. A typed name never stands where one signs.
    """
    return [
        line("笔录确认", "{{ confirmation }}", keep=True),
        tag_row(f'if confirmation == "{REFUSED}"', COLUMNS),
        line("被询问人签名", "拒绝签名：{{ refusal_reason }}", keep=True),
        tag_row("else", COLUMNS),
        signature("被询问人签名", "以上笔录我看过（或向我宣读过），和我说的相符。", keep=True),
        tag_row("endif", COLUMNS),
        signatures("询问人签名", "记录人签名"),
    ]


def table() -> Table:
    """Return the record: the case, the sitting, the person asked, the officers, what was said."""
    return Table(
        WIDTHS,
        [
            line("案号", "{{ case_number }}"),
            line("询问时间", "{{ inquiry_date }} {{ start_time }}至{{ end_time }}"),
            line("询问地点", "{{ place }}"),
            Row(
                [
                    cell("被询问人"),
                    cell("{{ interviewee }}"),
                    cell("性别"),
                    cell("{{ interviewee_sex }}"),
                ]
            ),
            Row(
                [
                    cell("公民身份号码"),
                    cell("{{ interviewee_id }}"),
                    cell("联系电话"),
                    cell("{{ interviewee_phone }}"),
                ]
            ),
            line("单位及职务", EMPLOYMENT),
            line("住址", "{{ interviewee_address }}"),
            line("与本案关系", "{{ relation }}"),
            tag_row("for row in officers", COLUMNS),
            Row(
                [
                    cell("询问人"),
                    cell("{{ row.name }}"),
                    cell("执法证号"),
                    cell("{{ row.certificate }}"),
                ]
            ),
            tag_row("endfor", COLUMNS),
            line("记录人", "{{ recorder }}"),
            notice_row(),
            *exchange_rows(),
            *signature_rows(),
        ],
    )


def body() -> list[Any]:
    """Return the template: the title, the bureau and the record's number, then the table."""
    return [*header(TITLE), table(), ending()]
