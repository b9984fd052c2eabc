"""The 卷内备考表 of a closed case's file (GB/T 9705-2008): what the volume holds, its approvals, its fixity."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx_tables import Cell, Row, Table, tag_row
from gbt9704 import TEXT_W, Para, p, tab_run, tag

TITLE = "卷内备考表"
LANDSCAPE = False
FORMAT = "表格"  # not a GB/T 9704 document: the archive's note on the volume
PAGE_NUMBERS = "none"  # archives number the documents' pages alone, not the 备考表

# The fixity list in 小五 (9 pt): a SHA-256 or SM3 value is 64 hexadecimal digits, which
# stand on one line of the widest column (64 half-width digits of 9 pt are 288 pt).
SMALL_FIVE = '<w:sz w:val="18"/><w:szCs w:val="18"/>'
FIXITY_LINE = '<w:spacing w:line="260" w:lineRule="exact"/>'
# 序号 in bold and SHA-256 on one line; a 文号 on two, its 机关代字 over 〔2026〕3号, beside the
# two values; the values take the rest.
WIDTHS = [500, 1250, 860, TEXT_W - 500 - 1250 - 860]
HEADERS = ("序号", "文号", "算法", "固化值")
# The statement in 四号 (14 pt) on lines 22 pt apart, so that a case's statement, approvals
# and signatures share one page, as a 备考表 is one sheet; the fixity list follows as an annex.
FOUR = '<w:sz w:val="28"/><w:szCs w:val="28"/>'
NOTE_LINE = '<w:spacing w:before="0" w:after="0" w:line="440" w:lineRule="exact"/>'
INDENT = '<w:ind w:firstLineChars="200" w:firstLine="560"/>'
FLUSH = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


def _run(text: str, bold: bool = False) -> str:
    """Return a run of 小五 text."""
    weight = "<w:b/>" if bold else ""
    return f'<w:r><w:rPr>{weight}{SMALL_FIVE}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(text: str, align: str = "center", bold: bool = False) -> Para:
    """Return a paragraph of 小五 table text."""
    return Para("TableText", [_run(text, bold)], f'{FIXITY_LINE}<w:jc w:val="{align}"/>')


def _four(text: str) -> str:
    """Return a run of 四号 text."""
    return f'<w:r><w:rPr>{FOUR}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def heading(text: str, new_page: bool = False) -> Para:
    """Return a heading of the note in 四号 黑体, kept with what follows, on a new page if told."""
    page = "<w:pageBreakBefore/>" if new_page else ""
    return Para("Heading1", [_four(text)], page + NOTE_LINE + FLUSH)


def note_paragraphs(name: str, keep: bool = False) -> list[Para]:
    """Return a loop writing each line of a list as a paragraph of 四号 text, kept with the next if told."""
    line = Para(
        "Body", [_four("{{ line }}")], ("<w:keepNext/>" if keep else "") + NOTE_LINE + INDENT
    )
    return [tag(f"for line in {name}"), line, tag("endfor")]


def fixity_table() -> Table:
    """Return the fixity list: each document's SHA-256 and SM3, one over the other."""
    header = Row([Cell([_para(text, bold=True)]) for text in HEADERS], header=True)
    row = Row(
        [
            Cell([_para("{{ row.index }}")]),
            Cell([_para("{{ row.number }}")]),
            Cell([_para("SHA-256"), _para("SM3")]),
            Cell([_para("{{ row.sha256 }}", "left"), _para("{{ row.sm3 }}", "left")]),
        ]
    )
    count = len(HEADERS)
    return Table(
        WIDTHS, [header, tag_row("for row in fixity", count), row, tag_row("endfor", count)]
    )


def signatures() -> list[Para]:
    """Return the lines the maker and the checker of the volume sign and date by hand.

    They close the statement they attest, before the fixity list, which may run on to
    other pages: so they never stand alone on a page after it.
    """
    checker_at = f'<w:tabs><w:tab w:val="left" w:pos="{TEXT_W // 2}"/></w:tabs>'
    keep = "<w:keepNext/>"
    return [
        Para("Blank", [], keep + NOTE_LINE),
        Para(
            "Signature",
            [_four("立卷人："), tab_run(), _four("检查人：")],
            keep + NOTE_LINE + checker_at,
        ),
        Para("Signature", [_four("立卷时间：　　　　年　　月　　日")], NOTE_LINE),
    ]


def body() -> list[Any]:
    """Return the 备考表: the volume's statement, the approvals, the signatures, the fixity list."""
    return [
        p("Title", TITLE),
        p("DocNumber", "案号：{{ case_number }}"),
        heading("一、卷内情况说明"),
        *note_paragraphs("statement"),
        heading("二、负责人审批"),
        # The approvals stay with the signatures under them: a page break never parts the
        # maker's and checker's lines from the end of the statement they attest.
        *note_paragraphs("approvals", keep=True),
        *signatures(),
        heading("附：卷内文件固化信息", new_page=True),
        *note_paragraphs("fixity_note"),
        fixity_table(),
        # A document ends with a paragraph; this one is 1 pt high so it never adds a page.
        Para("Blank", [], '<w:spacing w:line="20" w:lineRule="exact"/>'),
    ]
