"""双随机抽查名单 (seed: 档案安全监管 §三, 电子档案监管 §三): the drawn list, its seed and method."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, closing, heading, p, paragraphs, run, signature, tag
from imprint import file_imprint
from letterhead import file_masthead

TITLE = "双随机抽查名单"
LANDSCAPE = False
# One draw published to the units of its 主送, one 文号 for all copies: the 文件格式.
FORMAT = "文件格式"


def drawn_table() -> Table:
    """Return the list: one row per drawn unit, its check value and its two officers, header repeated."""
    shares = (1.2, 5.6, 2.2, 5.4)
    widths = [int(TEXT_W * share / sum(shares)) for share in shares]
    header = Row(
        [
            Cell("序号", bold=True),
            Cell("被抽查单位", bold=True),
            Cell("校验值", bold=True),
            Cell("检查人员（执法证号）", bold=True),
        ],
        header=True,
    )
    officer_lines = [
        Para("TableText", [run("{{ row.officers[0] }}")]),
        Para("TableText", [run("{{ row.officers[1] }}")]),
    ]
    body = Row(
        [
            Cell("{{ row.index }}"),
            Cell("{{ row.unit }}", align="left"),
            Cell("{{ row.digest }}"),
            Cell(officer_lines),
        ]
    )
    return Table(widths, [header, tag_row("for row in drawn", 4), body, tag_row("endfor", 4)])


def register_table(items: str, columns: list[tuple[str, float, str]]) -> Table:
    """Return an attachment table: (header, share, cell template) per column; long text left-aligned."""
    shares = [share for _, share, _ in columns]
    widths = [int(TEXT_W * share / sum(shares)) for share in shares]
    header = Row([Cell(text, bold=True) for text, _, _ in columns], header=True)
    body = Row([Cell(cell, align="left" if share > 3 else "center") for _, share, cell in columns])
    count = len(columns)
    return Table(
        widths, [header, tag_row(f"for row in {items}", count), body, tag_row("endfor", count)]
    )


def flush_left(name: str) -> list[Para]:
    """Return a loop of body paragraphs set flush left, not justified.

    They hold the seed and check values, long strings of letters and digits that cannot be
    broken: a justified line before one would be stretched letter by letter.
    """
    return [
        tag(f"for line in {name}"),
        Para("Body", [run("{{ line }}")], '<w:jc w:val="left"/>'),
        tag("endfor"),
    ]


def attachment(number: int, title: str) -> list[Para]:
    """Return an attachment's opening on a new page: 附件N in 黑体, then its centred title."""
    return [
        Para(
            "Heading1",
            [run(f"附件{number}")],
            '<w:pageBreakBefore/><w:ind w:firstLine="0" w:firstLineChars="0"/>',
        ),
        p("Blank"),
        p("Title", title),
        p("Blank"),
    ]


def body() -> list[Any]:
    """Return the template's paragraphs and tables."""
    return [
        *file_masthead(),
        p("Title", "{{ method }}双随机抽查名单"),
        p("Blank"),
        p("Addressee", "{{ addressee }}："),
        p(
            "Body",
            "根据《中华人民共和国档案法》第四十二条和{{ basis }}的规定，本局以随机抽取检查对象、"
            "随机选派执法检查人员的方式，{{ draw_sentence }}，"
            "每家单位随机选派2名持有行政执法证件的档案行政执法人员。"
            "执法人员与被检查单位有直接利害关系或者有其他关系可能影响公正执法的，依照《中华人民共和国"
            "行政处罚法》第四十三条的规定回避，不参加对该单位的抽取。现将抽查名单公布如下：",
        ),
        heading("一、抽查名单"),
        drawn_table(),
        p("Blank"),
        heading("二、抽取方法"),
        p("Body", "本次抽取的随机种子由系统在抽取时随机生成，经办人员不能选择或改动，为："),
        Para(
            "Body",
            [run("{{ seed }}")],
            '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/>',
        ),
        p(
            "Body",
            "检查方式为{{ method }}，"
            "抽取比例为{{ ratio }}，共抽取{{ draw_count }}家单位。每家单位的校验值是随机种子与单位名称"
            "连写后的SHA-256摘要，校验值最小的单位抽中（名单和附件1列出校验值的前8位）；"
            "检查人员同样按校验值抽取。抽取方法和复核步骤见附件3，任何人可据此复核。",
        ),
        heading("三、有关要求"),
        p(
            "Body",
            "监督检查时由2名以上档案行政执法人员参加，并出示有效证件，对监督检查的情况和处理结果予以记录。"
            "被抽查单位应当指定有关人员配合监督检查工作，如实提供有关资料，回答相关问询，协助检查工作和安全测评。",
        ),
        *paragraphs("arrangements"),
        p("Blank"),
        Para("Body", [run("附件：1.单位名录（共{{ register_size }}家）")], "<w:keepNext/>"),
        Para("Body", [run("　　　2.执法人员库")], "<w:keepNext/>"),
        closing("Body", "　　　3.抽取方法和复核步骤"),
        *signature(issuer="{{ bureau }}"),
        *attachment(1, "单位名录"),
        register_table(
            "register_rows",
            [
                ("序号", 1.2, "{{ row.index }}"),
                ("单位名称", 6.4, "{{ row.name }}"),
                ("重点监控", 2.0, "{{ row.key_monitoring }}"),
                ("校验值", 2.2, "{{ row.digest }}"),
                ("名次", 1.2, "{{ row.rank }}"),
            ],
        ),
        *attachment(2, "执法人员库"),
        register_table(
            "pool_rows",
            [
                ("序号", 1.0, "{{ row.index }}"),
                ("姓名", 1.8, "{{ row.name }}"),
                ("执法证号", 2.8, "{{ row.certificate }}"),
                ("有利害关系的单位", 6.2, "{{ row.conflicts }}"),
            ],
        ),
        *attachment(3, "抽取方法和复核步骤"),
        *flush_left("method_steps"),
        p("Blank"),
        heading("复核示例"),
        *flush_left("example_steps"),
        # The 版记 closes the document, on the last page of its last annex.
        *file_imprint(cc=None),
    ]
