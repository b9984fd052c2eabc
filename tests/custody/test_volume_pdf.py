"""Tests of numbering and labelling the volume's pages: 页号 on the documents' pages alone, labels as printed."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from service.custody.volume_numbering import Layout
from service.custody.volume_pdf import NumbersMismatch, label_pages, number_pages
from tests import pdfcheck

PORTRAIT, LANDSCAPE = (595, 842), (842, 595)
# Where the numbers page draws its number: near its top right, as the template's header does.
NUMBER_X, TOP_Y = 500, 800


def numbers_page(pdf: pikepdf.Pdf, number: int) -> None:
    """Add a portrait page printing number near its top right, in a standard font."""
    page = pdf.add_blank_page(page_size=PORTRAIT)
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(
        f"BT /F1 14 Tf {NUMBER_X} {TOP_Y} Td ({number}) Tj ET".encode()
    )


def numbered(tmp_path: Path, sizes: list[tuple[int, int]], first: int, count: int) -> Path:
    """Return a file of blank pages of the sizes, count of them numbered from index first on."""
    path = tmp_path / "numbered.pdf"
    with pikepdf.new() as volume, pikepdf.new() as numbers:
        for size in sizes:
            volume.add_blank_page(page_size=size)
        for number in range(1, count + 1):
            numbers_page(numbers, number)
        number_pages(volume.pages[first : first + count], numbers)
        volume.save(path)
    return path


def labels(tmp_path: Path, layout: Layout) -> list[str]:
    """Return the labels a reader shows for a volume of blank pages laid out as given."""
    path = tmp_path / "labelled.pdf"
    with pikepdf.new() as volume:
        for _ in range(layout.total):
            volume.add_blank_page(page_size=PORTRAIT)
        label_pages(volume, layout)
        volume.save(path)
    with pikepdf.open(path) as volume:
        return [page.label for page in volume.pages]


def test_only_the_pages_given_are_numbered_each_at_its_top_right(tmp_path: Path) -> None:
    """This test ensures that the pages given take 1, 2, 3 at their own top right, landscape too, the others none."""
    sizes = [PORTRAIT, PORTRAIT, LANDSCAPE, PORTRAIT, PORTRAIT]
    path = numbered(tmp_path, sizes, first=1, count=3)
    words = pdfcheck.words(path)
    assert [(word.page, word.text) for word in words] == [(2, "1"), (3, "2"), (4, "3")]
    top = PORTRAIT[1] - TOP_Y  # how far below its page's top the numbers page draws them
    by_page = {word.page: word for word in words}
    assert by_page[2].x0 == pytest.approx(NUMBER_X, abs=1)
    # The landscape page's number keeps its distance from that page's own right edge.
    assert by_page[3].x0 == pytest.approx(NUMBER_X + LANDSCAPE[0] - PORTRAIT[0], abs=1)
    assert by_page[4].x0 == pytest.approx(NUMBER_X, abs=1)
    for word in words:
        assert word.y1 == pytest.approx(top, abs=4)  # the baseline, the same below each top


def test_numbers_that_do_not_match_the_pages_are_refused(tmp_path: Path) -> None:
    """This test ensures that page numbers converted for another number of pages are not laid over any."""
    with pikepdf.new() as volume, pikepdf.new() as numbers:
        for _ in range(3):
            volume.add_blank_page(page_size=PORTRAIT)
        numbers_page(numbers, 1)
        with pytest.raises(NumbersMismatch, match="1 pages for 3"):
            number_pages(volume.pages, numbers)
        assert all("/XObject" not in page.obj.get("/Resources", {}) for page in volume.pages)


def test_labels_name_the_parts_and_give_the_documents_their_page_numbers(tmp_path: Path) -> None:
    """This test ensures that a reader shows 封面, 目录, the 页号 1 to N on the documents' pages, then 备考."""
    layout = Layout(cover_pages=1, contents_pages=1, notes_pages=1, starts=(1, 2), document_pages=4)
    assert labels(tmp_path, layout) == ["封面", "目录", "1", "2", "3", "4", "备考"]


def test_a_part_of_several_pages_numbers_its_labels(tmp_path: Path) -> None:
    """This test ensures that a 目录 or 备考表 of two pages is labelled 目录1, 目录2 and 备考1, 备考2."""
    layout = Layout(cover_pages=1, contents_pages=2, notes_pages=2, starts=(1,), document_pages=3)
    assert labels(tmp_path, layout) == ["封面", "目录1", "目录2", "1", "2", "3", "备考1", "备考2"]
