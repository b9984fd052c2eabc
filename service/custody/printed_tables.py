"""Tables read back from a PDF's printed words: rows found by their 序号, cells by the header's columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.render.pages import PageWord

MM = 72 / 25.4
# Below the text area (GB/T 9704: 37 mm + 225 mm from the top) stand only the page numbers.
TEXT_BOTTOM = (37 + 225) * MM
SAME_LINE = 3.0  # points: words whose middles differ by less stand on one line
INDEX_HEADER = "序号"


class TableNotFound(ValueError):
    """Raised when the printed words hold no table of the expected shape where it should be."""


@dataclass(frozen=True)
class Place:
    """A point in the printed text: a page and a height on it."""

    page: int
    y: float


def line_text(words: Sequence[PageWord]) -> list[tuple[Place, Place, str]]:
    """Return the printed lines: where each starts and ends (top, bottom) and its text, no spaces."""
    lines: list[list[PageWord]] = []
    for word in sorted(words, key=lambda w: (w.page, w.middle, w.x0)):
        last = lines[-1][0] if lines else None
        if last is not None and last.page == word.page and word.middle - last.middle < SAME_LINE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [
        (
            Place(line[0].page, min(w.y0 for w in line)),
            Place(line[0].page, max(w.y1 for w in line)),
            "".join(w.text for w in sorted(line, key=lambda w: w.x0)).replace(" ", ""),
        )
        for line in lines
    ]


def section(words: Sequence[PageWord], start: str, end: str | None) -> list[PageWord]:
    """Return the words below the first line reading start and above the next line reading end.

    Page numbers below the text area are left out. TableNotFound when start is not printed.
    """
    lines = line_text(words)
    begin = next((bottom for _, bottom, text in lines if text == start), None)
    if begin is None:
        raise TableNotFound(f"找不到“{start}”")
    finish = next(
        (
            top
            for top, _, text in lines
            if text == end and (top.page, top.y) > (begin.page, begin.y)
        ),
        None,
    )
    return [
        word
        for word in words
        if (word.page, word.middle) > (begin.page, begin.y)
        and (finish is None or (word.page, word.middle) < (finish.page, finish.y))
        and word.middle < TEXT_BOTTOM
    ]


def table_rows(words: Sequence[PageWord], headers: Sequence[str]) -> list[list[str]]:
    """Return the printed rows of the table in words: each row's cells, one text per header.

    headers name the columns left to right, the first being 序号; the header row repeats on
    every page. A row is found by its 序号 (vertically centred in the row), and holds the
    words between the middles of its neighbours. A word falls in the first column whose
    header ends to the right of the word's start: the columns' texts are centred under
    their headers or start at the column's left edge, right of the previous header's end.
    """
    found = {header: next((w for w in words if w.text == header), None) for header in headers}
    index = found.get(INDEX_HEADER)
    missing = [header for header, word in found.items() if word is None]
    if missing or index is None or headers[0] != INDEX_HEADER:
        raise TableNotFound(f"找不到表头“{'、'.join(missing or headers)}”")
    ends = [word.x1 for word in found.values() if word is not None]
    header_rows: dict[int, list[PageWord]] = {}
    for word in words:
        if word.text in headers:
            header_rows.setdefault(word.page, []).append(word)
    pages: dict[int, list[PageWord]] = {}
    for word in words:
        if not _in_header_row(word, header_rows.get(word.page, [])):
            pages.setdefault(word.page, []).append(word)
    anchors = sorted(
        (
            w
            for page in pages.values()
            for w in page
            if w.text.isdigit() and w.x0 <= index.x1 and w.x1 >= index.x0
        ),
        key=lambda w: (w.page, w.middle),
    )
    rows = []
    for position, anchor in enumerate(anchors):
        top, bottom = _band(anchors, position, header_rows.get(anchor.page, []))
        cells: list[list[PageWord]] = [[] for _ in headers]
        for word in pages[anchor.page]:
            if top < word.middle <= bottom:
                column = next((n for n, end in enumerate(ends) if word.x0 <= end), len(ends) - 1)
                cells[column].append(word)
        rows.append([_read(cell) for cell in cells])
    return rows


def _read(cell: Sequence[PageWord]) -> str:
    """Return a cell's words as read: line by line from the top, each line left to right."""
    lines: list[list[PageWord]] = []
    for word in sorted(cell, key=lambda w: w.middle):
        if lines and word.middle - lines[-1][0].middle < SAME_LINE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return "".join(w.text for line in lines for w in sorted(line, key=lambda w: w.x0))


def _in_header_row(word: PageWord, header_words: Sequence[PageWord]) -> bool:
    """Return whether the word stands in a header row: at the height of a header on its page."""
    return any(abs(header.middle - word.middle) < SAME_LINE for header in header_words)


def _band(
    anchors: Sequence[PageWord], position: int, header_words: Sequence[PageWord]
) -> tuple[float, float]:
    """Return the heights between which a row's words stand: halfway to the rows beside it.

    The first row on a page begins below the page's header row, the last ends at the foot
    of the text area.
    """
    anchor = anchors[position]
    before = anchors[position - 1] if position > 0 else None
    after = anchors[position + 1] if position + 1 < len(anchors) else None
    if before is not None and before.page == anchor.page:
        top = (before.middle + anchor.middle) / 2
    else:
        top = max((h.y1 for h in header_words if h.middle < anchor.middle), default=0.0)
    if after is not None and after.page == anchor.page:
        bottom = (anchor.middle + after.middle) / 2
    else:
        bottom = TEXT_BOTTOM
    return top, bottom
