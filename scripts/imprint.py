"""The 版记 (GB/T 9704 7.4): 抄送, 印发机关 and 印发日期 at the foot of the last page, with its rules.

The 版记 is a table floating at the bottom of the text area, anchored to the line after the
signature: LibreOffice keeps it on that line's page, its last line on the last line of the
text area, and moves text that would run into it to the next page, the anchor with it. The
signature before a 版记 keeps its date with the anchor (gbt9704.signature(imprint=True)), so
that the 版记 never goes to a page of its own: the signature goes along.
"""

from __future__ import annotations

from docx_tables import Cell, Row, tag_row
from gbt9704 import IMPRINT_PT, MARGIN_LEFT, TEXT_W, Para, exact_line, run, tab_run, tag

CC = "cc"
THICK_EIGHTHS = 8  # the first and last rules: 1 pt, 0.35 mm (w:sz counts eighths of a point)
THIN_EIGHTHS = 6  # the rules between: 0.75 pt, 0.26 mm
ONE_CHAR = IMPRINT_PT * 20  # 四号: one character in, in twips
# Placed from the page's left edge: LibreOffice keeps a table as wide as the text area in the
# text flow unless its position is given from the page; it measures that position to the
# cells' text, one cell margin in.
FLOAT = (
    '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" '
    f'w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{MARGIN_LEFT + ONE_CHAR}" w:tblpYSpec="bottom"/>'
    '<w:tblOverlap w:val="never"/>'
)


def _rule(side: str, eighths: int) -> str:
    """Return one horizontal rule of the table's borders."""
    return f'<w:{side} w:val="single" w:sz="{eighths}" w:space="0" w:color="000000"/>'


def _line(*runs: str, right_tab: bool = False) -> Cell:
    """Return a cell holding one 四号 line of the 版记."""
    tabs = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W - 2 * ONE_CHAR}"/></w:tabs>'
    ppr = (tabs if right_tab else "") + '<w:jc w:val="left"/>'
    return Cell([Para("Imprint", list(runs), ppr)])


class ImprintTable:
    """The 版记 table: text-area wide, rules above, between and below its lines, floating at the foot."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def xml(self) -> str:
        """Return the table's WordprocessingML."""
        borders = (
            "<w:tblBorders>"
            + _rule("top", THICK_EIGHTHS)
            + '<w:left w:val="nil"/>'
            + _rule("bottom", THICK_EIGHTHS)
            + '<w:right w:val="nil"/>'
            + _rule("insideH", THIN_EIGHTHS)
            + '<w:insideV w:val="nil"/></w:tblBorders>'
        )
        tblpr = (
            f'<w:tblPr>{FLOAT}<w:tblW w:w="{TEXT_W}" w:type="dxa"/>{borders}'
            '<w:tblLayout w:type="fixed"/><w:tblCellMar>'
            f'<w:left w:w="{ONE_CHAR}" w:type="dxa"/><w:right w:w="{ONE_CHAR}" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
        grid = f'<w:tblGrid><w:gridCol w:w="{TEXT_W}"/></w:tblGrid>'
        rows = "".join(row.xml([TEXT_W]) for row in self.rows)
        return f"<w:tbl>{tblpr}{grid}{rows}</w:tbl>"


def anchor_line() -> Para:
    """Return the paragraph the 版记 is anchored to: one point high, taking no room from the text."""
    return Para("Blank", [], exact_line(1))


def file_imprint(cc: str | None = CC) -> list[object]:
    """Return the 文件格式 版记: 抄送 (when the fact cc is given) and 印发机关 and 印发日期, between rules.

    抄送 is set one character in on both sides; the printing office one character in from
    the left and the date, followed by 印发, one character in from the right (§7.4.2, §7.4.3).
    An instrument without a 抄送 fact passes cc=None.
    """
    printed = _line(
        run("{{ printed_by }}"), tab_run(), run("{{ printed_date }}印发"), right_tab=True
    )
    rows = [Row([printed])]
    if cc is not None:
        cc_line = _line(run("抄送：{{ " + cc + " }}。"))
        rows = [tag_row(f"if {cc}", 1), Row([cc_line]), tag_row("endif", 1), *rows]
    return [ImprintTable(rows), anchor_line()]


def letter_imprint(cc: str = CC) -> list[object]:
    """Return the 信函格式 版记: the 抄送 line alone, at the foot of the last page's text area.

    GB/T 9704 10.1: a letter's 版记 has no 印发机关 and 印发日期 and no rules. The line the 抄送
    is anchored to is printed with it or not at all: left without a 版记, it could stand
    alone as a blank last page.
    """
    frame = (
        '<w:framePr w:wrap="notBeside" w:hAnchor="margin" w:vAnchor="margin" '
        f'w:xAlign="center" w:yAlign="bottom" w:w="{TEXT_W}"/>'
    )
    indent = f'<w:ind w:left="{ONE_CHAR}" w:right="{ONE_CHAR}"/>'
    return [
        tag(f"if {cc}"),
        Para("Imprint", [run("抄送：{{ " + cc + " }}。")], frame + indent),
        anchor_line(),
        tag("endif"),
    ]
