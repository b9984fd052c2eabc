"""Facts to finished PDF/A: context, DOCX, LibreOffice, metadata; each stage one call."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from service.config import Bureau
from service.facts import Facts
from service.registry import Instrument
from service.render.context import build_context
from service.render.convert import Converter
from service.render.docx import render_docx
from service.render.pdfa import DocumentMetadata, RenderedPdf, write_metadata


def render_pdf(
    instrument: Instrument,
    facts: Facts,
    extra: dict[str, Any],
    number: str,
    template: bytes,
    bureau: Bureau,
    converter: Converter,
    metadata: DocumentMetadata,
) -> RenderedPdf:
    """Return the instrument rendered as PDF/A-2b with its metadata written in."""
    context = build_context(instrument, facts, number, bureau, extra)
    docx = render_docx(template, context)
    with tempfile.TemporaryDirectory(prefix="wenshu-") as work:
        docx_path = Path(work) / f"{instrument.kind}.docx"
        pdf_path = Path(work) / f"{instrument.kind}.pdf"
        docx_path.write_bytes(docx)
        converter.convert(docx_path, pdf_path)
        return write_metadata(pdf_path, metadata)
