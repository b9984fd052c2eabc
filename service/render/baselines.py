"""Where text stands on the pages of a PDF: the baseline of every text shown, and the named destinations.

Poppler's pdftotext -bbox gives word boxes but takes some 300 ms a call (it loads every CJK
font), more than the conversion it would check; this reads the content streams with qpdf's
parser through pikepdf (about 2 ms for a 3-page document) and follows only what moves text
vertically: the graphics state (q, Q, cm) and the text matrix (BT, Td, TD, Tm, TL, T*). Text
drawn inside form XObjects is not followed: LibreOffice draws a document's text on its pages.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    identity = pikepdf.Matrix()
    ctm = line = identity
    saved: list[pikepdf.Matrix] = []
    leading = 0.0
    found: list[float] = []
    for instruction in pikepdf.parse_content_stream(page, _OPERATORS):
        operands, op = instruction.operands, str(instruction.operator)
        # The operators in the order LibreOffice writes them most: a show, then BT and Td.
        if op in _SHOWING:
            if op != "Tj" and op != "TJ":  # ' and " move to the next line first
                line = pikepdf.Matrix(1, 0, 0, 1, 0, -leading) @ line
            found.append((line @ ctm).f)
        elif op == "BT":
            line = identity
        elif op == "Td" or op == "TD":
            x, y = _numbers(operands, 2)
            leading = -y if op == "TD" else leading
            line = pikepdf.Matrix(1, 0, 0, 1, x, y) @ line
        elif op == "q":
            saved.append(ctm)
        elif op == "Q":
            ctm = saved.pop() if saved else identity
        elif op == "cm":
            ctm = pikepdf.Matrix(*_numbers(operands, 6)) @ ctm
        elif op == "Tm":
            line = pikepdf.Matrix(*_numbers(operands, 6))
        elif op == "TL":
            (leading,) = _numbers(operands, 1)
        elif op == "T*":
            line = pikepdf.Matrix(1, 0, 0, 1, 0, -leading) @ line
    return tuple(found)


def _numbers(operands: Iterable[object], count: int) -> list[float]:
    """Return an operator's count numeric operands; zeros stand in for a malformed operator's."""
    numbers = [float(x) for x in operands if isinstance(x, int | float | Decimal)]
    return numbers if len(numbers) == count else [0.0] * count


def named_destinations(pdf: pikepdf.Pdf) -> dict[str, Destination]:
    """Return where every named destination of the PDF points (those of the /XYZ kind)."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    targets: dict[str, pikepdf.Object | None] = {}
    if "/Dests" in pdf.Root:  # PDF 1.1 style, which LibreOffice writes
        targets.update((str(key)[1:], value) for key, value in pdf.Root.Dests.items())
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        targets.update(pikepdf.NameTree(pdf.Root.Names.Dests).items())
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
