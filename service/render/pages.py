"""Pages of a PDF as images for the browser (pdftoppm) and as text for comparing (pdftotext)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


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


def page_texts(pdf_path: Path) -> list[str]:
    """Return the text of every page, laid out as printed, pages in order."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise ValueError(f"{pdf_path.name} cannot be read as text")
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
