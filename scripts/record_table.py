"""Cells of the bordered records of a case (听证笔录, 法制审核意见书, 集体讨论记录): labels, values, text, signatures."""

from __future__ import annotations

from typing import Any

from docx_tables import Cell, Row
from gbt9704 import TEXT_W, Para, p, run, tab_run, tag

# Label, value, label, value: a label takes 7 characters of 四号 on a line.
WIDTHS = [2000, TEXT_W // 2 - 2000, 2000, TEXT_W - TEXT_W // 2 - 2000]
COLUMNS = len(WIDTHS)
# 四号 text 24 pt a line, long text 21 pt, as the inspection record sets them: the body's
# 22-lines-a-page pitch would stretch a record over more pages than its text needs.
SHORT_LINE = '<w:spacing w:line="480" w:lineRule="exact"/>'
LONG_LINE = '<w:spacing w:line="420" w:lineRule="exact"/>'
INDENTED = '<w:jc w:val="both"/><w:ind w:firstLineChars="200" w:firstLine="560"/>'
# Every paragraph of a row kept with the next keeps the row on the next row's page (Word's
# rule, which LibreOffice follows): the signatures never stand alone on a last page.
KEEP = "<w:keepNext/>"
# Room for a hand signature and the date written beside it: two blank lines of the cell.
SIGNATURE_LINES = ("", "")


def cell(*lines: str, span: int = 1, align: str = "center", keep: bool = False) -> Cell:
    """Return a cell of one or more short lines of text; keep: its row stays with the next."""
    ppr = (KEEP if keep else "") + f'{SHORT_LINE}<w:jc w:val="{align}"/>'
    return Cell([Para("TableText", [run(line)], ppr) for line in lines], span=span)


def value(text: str, keep: bool = False) -> Cell:
    """Return a value cell across the rest of the table, beside its label."""
    return cell(text, span=COLUMNS - 1, align="left", keep=keep)


def label(text: str, keep: bool = False) -> Cell:
    """Return a label cell; a label too long for one line names its line breaks with "\\n"."""
    return cell(*text.split("\n"), keep=keep)


def line(name: str, text: str, keep: bool = False) -> Row:
    """Return a row of a label and one value across the table."""
    return Row([label(name, keep), value(text, keep)])


def paragraph(text: str, keep: bool = False) -> Para:
    """Return one justified, indented paragraph of a long text cell."""
    return Para("TableText", [run(text)], (KEEP if keep else "") + LONG_LINE + INDENTED)


def text_cell(*parts: Para) -> Cell:
    """Return a value cell across the rest of the table holding paragraphs (and their loops)."""
    return Cell(list(parts), span=COLUMNS - 1)


def paragraphs_of(name: str, keep: bool = False) -> list[Para]:
    """Return a loop writing each paragraph of a long-text fact as its own paragraph."""
    return [tag(f"for line in {name}"), paragraph("{{ line }}", keep), tag("endfor")]


def text_row(name: str, *parts: Para, keep: bool = False) -> Row:
    """Return a row of long text beside its label; it may continue on the next page.

    keep: the row stays with the next (its paragraphs must be kept too).
    """
    return Row([label(name, keep), text_cell(*parts)], can_split=True)


def box(ticked: str, text: str) -> str:
    """Return a check box, ticked when the Jinja condition holds, followed by its option."""
    return "{% if " + ticked + " %}☑{% else %}☐{% endif %}" + text


def options(name: str, choices: tuple[str, ...], keep: bool = False) -> list[Para]:
    """Return one line per option of a choice, the chosen one ticked."""
    ppr = (KEEP if keep else "") + f'{SHORT_LINE}<w:jc w:val="left"/>'
    return [Para("TableText", [run(box(f'{name} == "{c}"', c))], ppr) for c in choices]


def signatures(left: str, right: str, keep: bool = False) -> Row:
    """Return a row of two hand signatures, each label beside blank room to sign in.

    A typed name never stands in a signature's place: the names are printed above, in the record.
    """
    blank = cell(*SIGNATURE_LINES, keep=keep)
    return Row([label(left, keep), blank, label(right, keep), blank])


def signature(name: str, *lines: str, keep: bool = False) -> Row:
    """Return a row of one label and room across the table for those who sign there.

    lines: what is printed in that room above the blank lines left for the signatures.
    """
    room = cell(*lines, *SIGNATURE_LINES, span=COLUMNS - 1, align="left", keep=keep)
    return Row([label(name, keep), room])


def header(title: str) -> list[Any]:
    """Return the record's title, then the bureau and the record's own number on one line."""
    number_at_right = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
    return [
        p("Title", title),
        Para("Signature", [run("{{ bureau }}"), tab_run(), run("{{ number }}")], number_at_right),
    ]


def ending() -> Para:
    """Return the paragraph a document ends with, 1 pt high so that it never adds a page."""
    return Para("Blank", [], '<w:spacing w:line="20" w:lineRule="exact"/>')
