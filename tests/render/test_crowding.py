"""Tests of the pages a document must not have, judged on PDFs drawn line by line on the 22-line grid."""

from __future__ import annotations

from collections.abc import Sequence

import pikepdf

from service.render.crowding import ConvertedPages, TextFrame, crowded_pages
from service.render.ooxml.anchors import anchor_names

# GB/T 9704 on A4: the text area from 737 pt down to 99.2 pt, 22 lines 28.95 pt apart; a
# line's baseline stands 23.2 pt below its top, as LibreOffice sets the 三号 body.
FRAME = TextFrame(top=737.0, bottom=99.2, pitch=28.95)
BASELINE_DROP = 23.2
PAGE_NUMBER = 69.2  # the "— 1 —" below the text area
NAMES = anchor_names()


def line_top(line: int) -> float:
    """Return the top of a grid line, lines counted from 1."""
    return FRAME.top - (line - 1) * FRAME.pitch


def drawn(pages: Sequence[Sequence[int]], marks: dict[str, tuple[int, int]]) -> pikepdf.Pdf:
    """Return a PDF whose pages show text on the given grid lines (and a page number each),
    with named destinations at (page from 0, line) as LibreOffice writes them."""
    pdf = pikepdf.new()
    for lines in pages:
        pdf.add_blank_page(page_size=(595.3, 841.9))
        shows = [line_top(line) - BASELINE_DROP for line in lines] + [PAGE_NUMBER]
        content = "".join(f"BT 1 0 0 1 80 {y:.2f} Tm (x) Tj ET\n" for y in shows)
        pdf.pages[-1].obj.Contents = pdf.make_stream(content.encode())
    pdf.Root.Dests = pikepdf.Dictionary(
        {
            f"/{name}": pikepdf.Array(
                [pdf.pages[page].obj, pikepdf.Name.XYZ, 79.35, line_top(line), 0]
            )
            for name, (page, line) in marks.items()
        }
    )
    return pdf


def problems(pages: Sequence[Sequence[int]], marks: dict[str, tuple[int, int]]) -> tuple[str, ...]:
    """Return what crowded_pages finds wrong with a drawn document, as said."""
    with drawn(pages, marks) as pdf:
        converted = ConvertedPages(pdf, FRAME)
        return tuple(found.text for found in crowded_pages(converted, range(len(pdf.pages)), NAMES))


FULL = list(range(1, 23))


def test_a_last_page_with_only_its_number_is_blank() -> None:
    """This test ensures that a last page holding nothing but its page number is found blank."""
    assert problems([FULL, []], {}) == ("第2页是空白页",)
    assert problems([[1, 2]], {}) == ()


def test_a_last_page_with_only_the_imprint() -> None:
    """This test ensures that a 版记 with no text above it on the last page is found alone, and not
    when body text comes before it."""
    assert problems([FULL, [1]], {NAMES.imprint: (1, 1)}) == ("第2页只有版记",)
    assert problems([FULL, [1, 2, 3]], {NAMES.imprint: (1, 3)}) == ()
    assert problems([[1, 2, 22]], {NAMES.imprint: (0, 22)}) == ()


def test_a_page_with_only_the_signature_block() -> None:
    """This test ensures that a page opening with the 署名 and 成文日期 is found holding only them,
    with the 版记 below or not, and that a single 成文日期 carried over is found too."""
    both = {NAMES.signature: (1, 1), NAMES.date: (1, 2)}
    assert problems([FULL, [1, 2]], both) == ("第2页只有发文机关署名和成文日期",)
    with_imprint = both | {NAMES.imprint: (1, 4)}
    assert problems([FULL, [1, 2, 4]], with_imprint) == ("第2页只有发文机关署名和成文日期",)
    split = {NAMES.signature: (0, 22), NAMES.date: (1, 1)}
    assert problems([FULL, [1]], split) == ("第2页只有成文日期",)


def test_a_signature_below_text_is_not_alone() -> None:
    """This test ensures that a signature block below body text on its page is no problem."""
    marks = {NAMES.closing: (1, 1), NAMES.signature: (1, 5), NAMES.date: (1, 6)}
    assert problems([FULL, [1, 2, 5, 6]], marks) == ()
    assert problems([[1, 4, 5]], {NAMES.signature: (0, 4), NAMES.date: (0, 5)}) == ()


def test_four_empty_lines_before_the_closing_lines_is_a_gap() -> None:
    """This test ensures that a page ending four lines short (room for the signature block), before a
    page opening with the closing lines and the signature, is a gap and no lonely page, and that
    three lines short is no gap."""
    marks = {NAMES.closing: (1, 1), NAMES.signature: (1, 5), NAMES.date: (1, 6)}
    with drawn([list(range(1, 19)), [1, 2, 5, 6]], marks) as pdf:
        (gap,) = crowded_pages(ConvertedPages(pdf, FRAME), range(2), NAMES)
    assert gap.text == "第1页末尾空了4行，结尾段落和发文机关署名、成文日期移到了第2页"
    assert (gap.empty_lines, gap.lonely) == (4, False)
    assert problems([list(range(1, 20)), [1, 2, 5, 6]], marks) == ()


def test_a_short_page_before_other_text_is_no_gap() -> None:
    """This test ensures that a short page is no gap when the next page opens with other text
    than the closing lines (a table or a heading that ended the page, not the signature's keep)."""
    marks = {NAMES.closing: (1, 3), NAMES.signature: (1, 7), NAMES.date: (1, 8)}
    assert problems([list(range(1, 15)), [1, 2, 3, 4, 7, 8]], marks) == ()


def test_pages_are_counted_from_the_document_in_a_merged_pdf() -> None:
    """This test ensures that a copy's problems are judged on its own pages and named from its first."""
    copy = anchor_names(1)
    marks = {NAMES.imprint: (0, 5), copy.imprint: (2, 1)}
    with drawn([[1, 5], FULL, [1]], marks) as pdf:
        converted = ConvertedPages(pdf, FRAME)
        assert crowded_pages(converted, range(0, 1), NAMES) == ()
        (lonely,) = crowded_pages(converted, range(1, 3), copy)
        assert (lonely.text, lonely.lonely) == ("第2页只有版记", True)
