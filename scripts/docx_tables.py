"""Bordered tables for template forms: cells, rows (docxtpl row tags) and fixed-width tables."""

from __future__ import annotations

from dataclasses import dataclass

from gbt9704 import TEXT_H, TEXT_W, Para, run

TABLE_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


@dataclass
class Cell:
    """One table cell: its paragraphs (or one line of text) and how many grid columns it spans."""

    content: str | list[Para]
    span: int = 1
    align: str = "center"
    bold: bool = False

    def paragraphs(self) -> list[Para]:
        """Return the cell's paragraphs."""
        if isinstance(self.content, list):
            return self.content
        justify = f'<w:jc w:val="{self.align}"/>'
        return [Para("TableText", [run(self.content, bold=self.bold)], justify)]


@dataclass
class Row:
    """One table row; a header row repeats at the top of every page."""

    cells: list[Cell]
    header: bool = False
    # A row of long text may continue on the next page; its cells then align at the top, so
    # that a label stays beside the first line (and text extraction reads it before the text).
    can_split: bool = False

    def xml(self, widths: list[int]) -> str:
        """Return the row's WordprocessingML."""
        trpr = ("" if self.can_split else "<w:cantSplit/>") + (
            "<w:tblHeader/>" if self.header else ""
        )
        valign = "top" if self.can_split else "center"
        cells = []
        column = 0
        for cell in self.cells:
            width = sum(widths[column : column + cell.span])
            column += cell.span
            span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
            tcpr = f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}<w:vAlign w:val="{valign}"/></w:tcPr>'
            body = "".join(part.xml() for part in cell.paragraphs())
            cells.append(f"<w:tc>{tcpr}{body}</w:tc>")
        return f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells)}</w:tr>"


def tag_row(statement: str, columns: int) -> Row:
    """Return a docxtpl row-level tag ({%tr ... %}), removed with its row on render."""
    return Row([Cell("{%tr " + statement + " %}", span=columns)])


@dataclass
class Table:
    """A bordered table of fixed column widths (twips), centred in the text area."""

    widths: list[int]
    rows: list[Row]

    def xml(self) -> str:
        """Return the table's WordprocessingML."""
        total = sum(self.widths)
        tblpr = (
            f'<w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
            f'{TABLE_BORDERS}<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        rows = "".join(row.xml(self.widths) for row in self.rows)
        return f"<w:tbl>{tblpr}<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"


def list_table(
    columns: list[tuple[str, float]], items: str, cells: list[str], landscape: bool = False
) -> Table:
    """Return a table with a repeated header row and one row per item of a context list.

    columns: (header text, share of the text width); cells: the template text of each
    cell of the repeated row, e.g. "{{ row.unit }}".
    """
    width = TEXT_H if landscape else TEXT_W
    shares = sum(share for _, share in columns)
    widths = [int(width * share / shares) for _, share in columns]
    header = Row([Cell(text, bold=True) for text, _ in columns], header=True)
    body = Row([Cell(text, align="left" if len(text) > 20 else "center") for text in cells])
    count = len(columns)
    return Table(
        widths, [header, tag_row(f"for row in {items}", count), body, tag_row("endfor", count)]
    )
