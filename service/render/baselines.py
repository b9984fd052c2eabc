"""Where text stands on the pages of a PDF: the baseline of every text shown, and the named destinations.

Poppler's pdftotext -bbox gives word boxes but takes some 300 ms a call (it loads every CJK
font), more than the conversion it would check; this reads the content streams with qpdf's
parser through pikepdf (about 2 ms for a 3-page document) and follows only what moves text
vertically: the graphics state (q, Q, cm) and the text matrix (BT, Td, TD, Tm, TL, T*). Text
drawn inside form XObjects is not followed: LibreOffice draws a document's text on its pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pikepdf

# The operators followed; every other one is left out by the parser itself.
_OPERATORS = "q Q cm BT Td TD Tm TL T* Tj TJ ' \""
_SHOWING = frozenset({"Tj", "TJ", "'", '"'})


@dataclass(frozen=True)
class Destination:
    """A named destination: the page it opens (counted from 0) and the height it shows from."""

    page: int
    top: float  # points from the bottom of the page


def page_baselines(page: pikepdf.Page) -> tuple[float, ...]:
    """Return the heights of the baselines of every text shown on the page, points from its bottom."""
    ctm = pikepdf.Matrix()
    saved: list[pikepdf.Matrix] = []
    line = text = pikepdf.Matrix()
    leading = 0.0
    found: list[float] = []
    for instruction in pikepdf.parse_content_stream(page, _OPERATORS):
        operator = str(instruction.operator)
        numbers = [float(x) for x in instruction.operands if _is_number(x)]
        if operator == "q":
            saved.append(ctm)
        elif operator == "Q":
            ctm = saved.pop() if saved else pikepdf.Matrix()
        elif operator == "cm" and len(numbers) == 6:
            ctm = pikepdf.Matrix(*numbers) @ ctm
        elif operator == "BT":
            line = text = pikepdf.Matrix()
        elif operator in ("Td", "TD") and len(numbers) == 2:
            if operator == "TD":
                leading = -numbers[1]
            line = text = pikepdf.Matrix(1, 0, 0, 1, *numbers) @ line
        elif operator == "Tm" and len(numbers) == 6:
            line = text = pikepdf.Matrix(*numbers)
        elif operator == "TL" and numbers:
            leading = numbers[0]
        if operator in ("T*", "'", '"'):
            line = text = pikepdf.Matrix(1, 0, 0, 1, 0, -leading) @ line
        if operator in _SHOWING:
            found.append((text @ ctm).f)
    return tuple(found)


def named_destinations(pdf: pikepdf.Pdf, names: Sequence[str]) -> dict[str, Destination]:
    """Return where each of the given named destinations points, those the PDF has."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    wanted = set(names)
    targets: dict[str, pikepdf.Object | None] = {}
    if "/Dests" in pdf.Root:  # PDF 1.1 style, which LibreOffice writes
        for key, value in pdf.Root.Dests.items():
            if key[1:] in wanted:
                targets[key[1:]] = value
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        tree = pikepdf.NameTree(pdf.Root.Names.Dests)
        targets.update((name, tree[name]) for name in wanted if name in tree)
    found = {}
    for name, target in targets.items():
        if isinstance(target, pikepdf.Dictionary):
            target = target.get("/D")
        if not isinstance(target, pikepdf.Array) or len(target) < 4:
            continue
        page = pages.get(target[0].objgen)
        # [page /XYZ left top zoom]: LibreOffice writes the top of the bookmarked line.
        if page is not None and str(target[1]) == "/XYZ" and _is_number(target[3]):
            found[name] = Destination(page, float(target[3]))
    return found


def drop_destinations(pdf: pikepdf.Pdf) -> None:
    """Remove every named destination, as a PDF exported without bookmarks has none."""
    if "/Dests" in pdf.Root:
        del pdf.Root.Dests
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        del pdf.Root.Names.Dests
        if not pdf.Root.Names.keys():
            del pdf.Root.Names


def _is_number(value: object) -> bool:
    """Return whether a PDF operand is a number."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
