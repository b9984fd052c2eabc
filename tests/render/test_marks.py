"""The 作废 mark: red, diagonal, on every page asked for, the void date beside it; the input untouched."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image

from service.render.marks import mark_void, void_mark_png
from tests import pdfcheck


def blank_pdf(pages: int) -> bytes:
    """Return a PDF of blank A4 pages."""
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page(page_size=(595.28, 841.89))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def red_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Return the share of clearly red pixels in box."""
    pixels = list(image.crop(box).get_flattened_data())
    return sum(1 for r, g, b in pixels if r > 180 and g < 140 and b < 140) / len(pixels)


def test_every_page_carries_the_mark(tmp_path: Path) -> None:
    """This test ensures that each page of a voided copy shows the red mark across its centre."""
    original = blank_pdf(3)
    path = tmp_path / "voided.pdf"
    path.write_bytes(mark_void(original, "2026年3月10日"))
    placements = pdfcheck.image_placements(path)
    assert sorted(p.page for p in placements) == [1, 2, 3]
    for number in (1, 2, 3):
        page = pdfcheck.render_page(path, number)
        assert red_share(page, (200, 320, 400, 520)) > 0.05  # the page centre is marked
        assert red_share(page, (0, 0, 80, 80)) == 0  # the corners are not


def test_only_the_pages_asked_for_are_marked(tmp_path: Path) -> None:
    """This test ensures that a subset of pages (a voided copy inside a merged file) alone gets the mark."""
    path = tmp_path / "merged.pdf"
    path.write_bytes(mark_void(blank_pdf(4), "2026年3月10日", {1, 2}))
    assert sorted(p.page for p in pdfcheck.image_placements(path)) == [2, 3]
    assert red_share(pdfcheck.render_page(path, 1), (200, 320, 400, 520)) == 0


def test_mark_is_diagonal_and_carries_the_date() -> None:
    """This test ensures that the mark image is turned (wider than tall by its slant) and grows with the date's length."""
    with Image.open(io.BytesIO(void_mark_png("2026年3月10日"))) as mark:
        assert mark.mode == "RGBA"
        # Turned 35°, the transparent corners of the image stay clear of red.
        assert mark.getpixel((2, 2))[3] == 0
        assert mark.getpixel((mark.width - 3, mark.height - 3))[3] == 0
        # Red reaches the image's centre row from side to side: the text runs across it.
        row = [mark.getpixel((x, mark.height // 2)) for x in range(mark.width)]
        assert any(alpha > 0 and r > 150 for r, _, _, alpha in row)
    with Image.open(io.BytesIO(void_mark_png("2026年12月31日"))) as longer:
        assert longer.size != mark.size  # the date is drawn, not a fixed picture


def test_input_is_not_changed() -> None:
    """This test ensures that marking returns a new file and leaves the bytes given to it as they were."""
    original = blank_pdf(1)
    kept = bytes(original)
    marked = mark_void(original, "2026年3月10日")
    assert original == kept and marked != original
