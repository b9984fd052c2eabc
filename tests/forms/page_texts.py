"""A rendered PDF's text page by page, for tests of what shares a page with what."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests import pdfcheck


def page_texts(path: Path) -> list[str]:
    """Return the text of each page as pdftotext reads it, whitespace and the page number removed."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    pages = out.decode("utf-8").split("\f")[:-1]  # pdftotext ends every page with a form feed
    return [re.sub(r"—\d+—", "", re.sub(r"\s+", "", page)) for page in pages]


def page_of(pages: list[str], text: str) -> int:
    """Return the number (from 1) of the first page holding text."""
    for number, page in enumerate(pages, start=1):
        if text in page:
            return number
    raise AssertionError(f"{text!r} is on no page")


def line_texts(path: Path) -> list[str]:
    """Return the text of each printed line, a label cell and its value cell read as one line."""
    return ["".join(word.text for word in line) for line in pdfcheck.lines(path)]
