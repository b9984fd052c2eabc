"""A render request to finished PDF/A: DOCX, LibreOffice, metadata; each stage one call."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from service.render.fill.docx import render_docx
from service.render.fit import convert_fitted
from service.render.office.converter import Converter
from service.render.pdfa import RenderedPdf, write_metadata
from service.render.request import RenderRequest


def render_pdf(request: RenderRequest, converter: Converter) -> RenderedPdf:
    """Return the request rendered as PDF/A-2b with its metadata written in.

    A page holding only the 版记 or the signature is avoided as GB/T 9704 7.3.5 allows
    (service.render.fit); what could not be avoided comes back as the PDF's warnings.
    """
    docx = render_docx(request.template, dict(request.context))
    name = request.metadata.kind or "document"
    with tempfile.TemporaryDirectory(prefix="wenshu-") as work:
        fitted = convert_fitted(docx, Path(work), name, converter)
        pdf = write_metadata(fitted.path, request.metadata)
        return dataclasses.replace(pdf, warnings=fitted.warnings)
