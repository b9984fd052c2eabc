"""Pages of a PDF as images for the browser (pdftoppm) and as text for comparing (pdftotext)."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree


def page_png(pdf_path: Path, page: int, dpi: int = 60) -> bytes:
    """Return one page of the PDF as a PNG image, pages counted from 1."""
    with tempfile.TemporaryDirectory(prefix="wenshu-page-") as work:
        root = Path(work) / "page"
        result = subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
             str(pdf_path), str(root)],
            capture_output=True,
            timeout=60,
            check=False,
        )  # fmt: skip
        image = root.with_suffix(".png")
        if result.returncode != 0 or not image.exists():
            raise ValueError(f"page {page} of {pdf_path.name} cannot be drawn")
        return image.read_bytes()


def _pdftotext(pdf_path: Path, mode: str) -> bytes:
    """Return pdftotext's UTF-8 output for a PDF in one mode (-layout or -bbox)."""
    result = subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise ValueError(f"{pdf_path.name} cannot be read as text")
    return result.stdout


def page_texts(pdf_path: Path) -> list[str]:
    """Return the text of every page, laid out as printed, pages in order."""
    pages = _pdftotext(pdf_path, "-layout").decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass(frozen=True)
class PageWord:
    """A printed word and its box, in points from the top-left corner of its page (counted from 1)."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def middle(self) -> float:
        """Return the height of the word's middle on its page."""
        return (self.y0 + self.y1) / 2


def page_words(pdf_path: Path) -> list[PageWord]:
    """Return every printed word with its box, pages in order (pdftotext -bbox)."""
    root = etree.fromstring(
        _pdftotext(pdf_path, "-bbox"), etree.XMLParser(recover=True, huge_tree=True)
    )
    if root is None:
        raise ValueError(f"{pdf_path.name} has no readable text")
    words = []
    for number, page in enumerate(root.iter("{*}page"), start=1):
        for word in page.iter("{*}word"):
            box = [float(word.get(name, "0")) for name in ("xMin", "yMin", "xMax", "yMax")]
            words.append(PageWord(number, word.text or "", *box))
    return words
