"""A converter without LibreOffice, for tests of page flows that only pass the PDF along."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf
from docx import Document

from service.render.office.converter import Converter

A4 = (595.28, 841.89)  # points


class BlankPageOffice(Converter):
    """Writes one blank A4 page declaring PDF/A-2b for every DOCX that opens.

    Enough for a page flow (issue, preview, the document page, search, voiding) to run its
    course in the fast tier. What a page shows, its fonts, the PDF/A itself and a batch's
    merged conversion are tested with the real LibreOffice, in tests marked office, which
    are given the real pool instead (the converter fixture of tests/conftest.py).
    """

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Write a blank page to pdf_path once docx_path has opened as a DOCX."""
        Document(str(docx_path))  # raises, as LibreOffice would fail, on what is no DOCX
        with pikepdf.new() as pdf:
            pdf.add_blank_page(page_size=A4)
            with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
                xmp["pdfaid:part"] = "2"
                xmp["pdfaid:conformance"] = "B"
            pdf.save(pdf_path)
