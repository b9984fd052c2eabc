"""A finished PDF written as OFD: its pages' glyphs, paths and images, its fonts, its metadata."""

from __future__ import annotations

import io

import pikepdf

from service.render.ofd.fonts import OfdFontError
from service.render.ofd.package import OfdInfo, write_package
from service.render.ofd.pdfpage import OfdPageError, page_drawings

OfdError = (OfdFontError, OfdPageError)


def pdf_to_ofd(pdf: bytes, info: OfdInfo) -> bytes:
    """Return the OFD showing the PDF's pages; raises OfdFontError or OfdPageError with the reason."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return write_package(page_drawings(document), info)
