"""A render request to finished PDF/A: DOCX, LibreOffice, metadata; each stage one call."""

from __future__ import annotations

import tempfile
from pathlib import Path

from service.render.fill.compiled import fill_template
from service.render.fit import convert_fitted, finished_pdf
from service.render.office.converter import Converter
from service.render.pdfa import RenderedPdf
from service.render.request import RenderRequest
from service.render.stages import NO_TIMER, StageTimer


def render_pdf(
    request: RenderRequest, converter: Converter, timer: StageTimer = NO_TIMER
) -> RenderedPdf:
    """Return the request rendered as PDF/A-2b with its metadata written in.

    A page holding only the 版记 or the signature is avoided as GB/T 9704 7.3.5 allows
    (service.render.fit); what could not be avoided comes back as the PDF's warnings. The
    request's seal, if any, is pressed in the same pass as the metadata (not signed here).
    The template version is compiled once and kept (service.render.fill.compiled); timer
    receives the time of each stage when a benchmark asks for it.
    """
    with timer.stage("fill"):
        docx = fill_template(request.template, dict(request.context))
    name = request.metadata.kind or "document"
    with tempfile.TemporaryDirectory(prefix="wenshu-") as work:
        fitted = convert_fitted(docx, Path(work), name, converter, timer)
        return finished_pdf(fitted, request.metadata, request.seal, timer)
