"""Pages a converted document must not have: only the 版记, only the signature, blank, or a page left short before them.

Measured on the grid of body lines (22 a page in GB/T 9704, fewer points apart once
tightened), from the baselines of the text on each page and the destinations of the
bookmarks service.render.ooxml.anchors puts at the closing paragraph, the signature and the
版记. Only text inside the text area counts: the page number below it does not.

Lonely pages, which GB/T 9704 forbids:

- The last page holds nothing: blank.
- The 版记's page is the last and no text stands above the 版记 on it: only the 版记.
- The page of the 成文日期 is not the first and no text but the signature block's stands
  above it: only the signature (with or without the 附注 and the 版记 below it), or only
  the date when the block was split.

And a gap: the signature's page opens with the closing lines, and the page before it ends
with 4 or more empty lines of the grid. Four lines are the signature block's own height
(two blank lines the seal presses into, the 署名, the 成文日期): a page with fewer left
could not hold it, and carrying the closing lines over with it is what 7.3.5 asks (the
seal on a page with text; widow and orphan control, leaving one or two lines, fall under
this too). From four on, the signature would have fitted and the page was left short by
the whole closing paragraph kept with it, or by the 版记 taking the foot of the page: the
6 to 8 empty lines the issue describes. A gap is cured when tightening can, but it is no
lonely page: one left is no warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pikepdf

from service.render.baselines import Destination, named_destinations, page_baselines
from service.render.ooxml.anchors import AnchorNames
from service.render.ooxml.spacing import BodyGrid

TWIPS_PER_POINT = 20
# Baselines within this distance of an edge are on it (LibreOffice rounds to 0.05 pt).
TOLERANCE = 1.0
# At least this many empty grid lines at the foot of the page before the signature is a gap.
GAP_LINES = 4


@dataclass(frozen=True)
class Crowding:
    """One thing wrong with a document's pages: said in Chinese, and the empty lines of a gap."""

    text: str
    empty_lines: int = 0  # 0 for a lonely page

    @property
    def lonely(self) -> bool:
        """Return whether it is a page holding only the 版记 or the signature, or a blank one."""
        return self.empty_lines == 0


@dataclass(frozen=True)
class TextFrame:
    """The text area and the grid pitch, in points from the bottom of the page."""

    top: float
    bottom: float
    pitch: float

    @classmethod
    def of(cls, grid: BodyGrid, lines: int | None = None) -> TextFrame:
        """Return the frame of a grid, at lines a page when the body was set tighter."""
        pitch = grid.text_height // lines if lines else grid.grid_pitch
        return cls(
            top=(grid.page_height - grid.top_margin) / TWIPS_PER_POINT,
            bottom=grid.bottom_margin / TWIPS_PER_POINT,
            pitch=pitch / TWIPS_PER_POINT,
        )

    def inside(self, baseline: float) -> bool:
        """Return whether a baseline stands in the text area."""
        return self.bottom - TOLERANCE <= baseline <= self.top + TOLERANCE

    def empty_lines_below(self, baseline: float) -> int:
        """Return how many whole grid lines are empty below a line of text at baseline."""
        return max(0, math.floor((baseline - self.bottom + TOLERANCE) / self.pitch))


class ConvertedPages:
    """A converted PDF as crowding reads it: its named destinations, read once, and the baselines
    of a page in the text area, read when first asked. One serves every copy of a merged PDF."""

    def __init__(self, pdf: pikepdf.Pdf, frame: TextFrame) -> None:
        self.pdf, self.frame = pdf, frame
        self.destinations = named_destinations(pdf)
        self._text: dict[int, tuple[float, ...]] = {}

    def text(self, page: int) -> tuple[float, ...]:
        """Return the page's baselines in the text area, top first."""
        if page not in self._text:
            found = page_baselines(self.pdf.pages[page])
            inside = (baseline for baseline in found if self.frame.inside(baseline))
            self._text[page] = tuple(sorted(inside, reverse=True))
        return self._text[page]

    def alone(self, place: Destination) -> bool:
        """Return whether no text stands above the destination's line on its page."""
        return all(baseline <= place.top + TOLERANCE for baseline in self.text(place.page))


def crowded_pages(
    converted: ConvertedPages, pages: range, names: AnchorNames
) -> tuple[Crowding, ...]:
    """Return what is wrong with the pages of one document (pages of the PDF, counted from 0).

    Each problem is said in Chinese, pages counted from the document's first page.
    """
    found = {
        name: place
        for name in names.every()
        if (place := converted.destinations.get(name)) is not None and place.page in pages
    }
    last = pages.stop - 1
    if len(pages) > 1 and not converted.text(last):
        return (Crowding(f"第{last - pages.start + 1}页是空白页"),)
    imprint = found.get(names.imprint)
    signature, date = found.get(names.signature), found.get(names.date)
    problems = []
    if imprint and imprint.page == last > pages.start and converted.alone(imprint):
        problems.append(Crowding(f"第{last - pages.start + 1}页只有版记"))
    if date and date.page > pages.start:
        problems.extend(_signature_alone(converted, pages.start, signature, date))
    if signature and signature.page > pages.start:
        closing = found.get(names.closing)
        problems.extend(_gap_before(converted, pages.start, signature, closing))
    return tuple(problems)


def _signature_alone(
    converted: ConvertedPages, start: int, signature: Destination | None, date: Destination
) -> list[Crowding]:
    """Return the problem of a page holding only the signature block, or its date."""
    together = signature is not None and signature.page == date.page
    if not converted.alone(signature if signature is not None and together else date):
        return []
    what = "发文机关署名和成文日期" if together else "成文日期"
    return [Crowding(f"第{date.page - start + 1}页只有{what}")]


def _gap_before(
    converted: ConvertedPages, start: int, signature: Destination, closing: Destination | None
) -> list[Crowding]:
    """Return the problem of a page left short because the closing lines moved on with the signature."""
    before = signature.page - 1
    if closing is None or closing.page != signature.page or not converted.alone(closing):
        return []
    lines = converted.text(before)
    empty = converted.frame.empty_lines_below(lines[-1]) if lines else 0
    if empty < GAP_LINES:
        return []
    said = (
        f"第{before - start + 1}页末尾空了{empty}行，"
        f"结尾段落和发文机关署名、成文日期移到了第{signature.page - start + 1}页"
    )
    return [Crowding(said, empty)]
