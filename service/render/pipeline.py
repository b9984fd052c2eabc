"""A render request to finished PDF/A: DOCX, LibreOffice, metadata; each stage one call."""

from __future__ import annotations

import tempfile
from pathlib import Path

from service.render.fill.docx import render_docx
from service.render.office.converter import Converter
from service.render.pdfa import RenderedPdf, write_metadata
from service.render.request import RenderRequest


def render_pdf(request: RenderRequest, converter: Converter) -> RenderedPdf:
    """Return the request rendered as PDF/A-2b with its metadata written in."""
    docx = render_docx(request.template, dict(request.context))
    name = request.metadata.kind or "document"
    with tempfile.TemporaryDirectory(prefix="wenshu-") as work:
        docx_path = Path(work) / f"{name}.docx"
        pdf_path = Path(work) / f"{name}.pdf"
        docx_path.write_bytes(docx)
        converter.convert(docx_path, pdf_path)
        return write_metadata(pdf_path, request.metadata)
