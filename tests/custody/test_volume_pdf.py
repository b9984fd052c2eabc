"""Tests of laying the volume's page numbers over its pages: corner on corner, portrait and landscape alike."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from service.custody.volume_pdf import NumbersMismatch, number_pages
from tests import pdfcheck

PORTRAIT, LANDSCAPE = (595, 842), (842, 595)
# Where the numbers page draws a front's number (near its top right) and a back's (top left).
FRONT_X, BACK_X, TOP_Y = 500, 80, 800


def numbers_page(pdf: pikepdf.Pdf, number: int) -> None:
    """Add a portrait page printing number at its top outer corner, in a standard font."""
    page = pdf.add_blank_page(page_size=PORTRAIT)
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    x = FRONT_X if number % 2 else BACK_X
    page.obj.Contents = pdf.make_stream(f"BT /F1 14 Tf {x} {TOP_Y} Td ({number}) Tj ET".encode())


def numbered(tmp_path: Path, sizes: list[tuple[int, int]]) -> Path:
    """Return a file of blank pages of the sizes, each numbered by number_pages."""
    path = tmp_path / "numbered.pdf"
    with pikepdf.new() as volume, pikepdf.new() as numbers:
        for size in sizes:
            volume.add_blank_page(page_size=size)
        for number in range(1, len(sizes) + 1):
            numbers_page(numbers, number)
        number_pages(volume, numbers)
        volume.save(path)
    return path


def test_a_landscape_page_takes_its_number_at_its_own_top_outer_corner(tmp_path: Path) -> None:
    """This test ensures that a landscape page's number stands at its top right (front) or top left (back)."""
    path = numbered(tmp_path, [PORTRAIT, LANDSCAPE, LANDSCAPE])
    words = {word.page: word for word in pdfcheck.words(path)}
    assert [words[page].text for page in (1, 2, 3)] == ["1", "2", "3"]
    top = PORTRAIT[1] - TOP_Y  # how far below its page's top the numbers page draws them
    assert words[1].x0 == pytest.approx(FRONT_X, abs=1)
    assert words[2].x0 == pytest.approx(BACK_X, abs=1)  # the back's left edge is the page's
    assert words[3].x0 == pytest.approx(FRONT_X + LANDSCAPE[0] - PORTRAIT[0], abs=1)
    for word in words.values():
        assert word.y1 == pytest.approx(top, abs=4)  # the baseline, the same below each top


def test_numbers_that_do_not_match_the_pages_are_refused(tmp_path: Path) -> None:
    """This test ensures that page numbers converted for another number of pages are not laid over any."""
    with pikepdf.new() as volume, pikepdf.new() as numbers:
        for _ in range(3):
            volume.add_blank_page(page_size=PORTRAIT)
        numbers_page(numbers, 1)
        with pytest.raises(NumbersMismatch, match="1 pages for 3"):
            number_pages(volume, numbers)
        assert all("/XObject" not in page.obj.get("/Resources", {}) for page in volume.pages)
