"""A bordered record read back from its PDF: the labels' column apart from the values right of it."""

from __future__ import annotations

from pathlib import Path

from tests import pdfcheck

# The labels' column is 2000 twips (35 mm) wide from the text area's left edge; values start right of it.
VALUES_LEFT = pdfcheck.TEXT_LEFT + 100


def columns(path: Path) -> tuple[str, str]:
    """Return the text of the labels' column and of the values right of it, line after line.

    A value of several lines beside a one-line label is read whole, where pdftotext would
    interleave the label with it.
    """
    labels, values = [], []
    for line in pdfcheck.lines(path):
        for word in line:
            if word.y0 < pdfcheck.TEXT_BOTTOM:  # the page number is below the text area
                (values if word.x0 >= VALUES_LEFT else labels).append(word.text)
    return "".join(labels), "".join(values)
