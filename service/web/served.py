"""What a reader is served of an archived document: its file, or once voided a copy marked 作废."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from service.batch.voided import void_day
from service.database.models import Document
from service.render.marks import mark_void
from service.render.ofd.convert import pdf_to_ofd
from service.render.ofd.package import read_info
from service.render.pages import page_png
from service.web import wenshu


def served_pdf(document: Document) -> Path | io.BytesIO:
    """Return the archived file of an issued document, or a 作废-marked copy of a voided one."""
    path = wenshu().archive.absolute(document.pdf_path)
    if document.status != "voided":
        return path
    return io.BytesIO(
        mark_void(path.read_bytes(), void_day(document.voided_at, wenshu().settings.timezone))
    )


def served_page_png(document: Document, page: int) -> bytes:
    """Return one page as the reader is served it (marked 作废 once voided), as a PNG."""
    served = served_pdf(document)
    if isinstance(served, Path):
        return page_png(served, page)
    with tempfile.TemporaryDirectory(prefix="wenshu-void-") as work:
        marked = Path(work) / "voided.pdf"
        marked.write_bytes(served.getvalue())
        return page_png(marked, page)


def served_ofd(document: Document) -> Path | io.BytesIO:
    """Return the archived OFD of an issued document, or one written from the 作废-marked PDF.

    The voided copy keeps the archived OFD's DocInfo; a document without an OFD is the
    caller's to refuse.
    """
    path = wenshu().archive.absolute(document.ofd_path)
    if document.status != "voided":
        return path
    marked = served_pdf(document)
    assert isinstance(marked, io.BytesIO)
    return io.BytesIO(pdf_to_ofd(marked.getvalue(), read_info(path.read_bytes())))
