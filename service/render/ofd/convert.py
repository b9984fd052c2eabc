"""A finished PDF written as OFD: its pages' glyphs, paths and images, its fonts, its metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from importlib.metadata import PackageNotFoundError, version

import pikepdf

from service.render.ofd.errors import OfdError
from service.render.ofd.package import OfdInfo, write_package
from service.render.ofd.pdfpage import page_drawings
from service.render.pdfa import DocumentMetadata

MEDIA_TYPE = "application/ofd"
# DocInfo for an OFD written only to see that it can be.
_PROBE = OfdInfo("0" * 32, "", "", "", dt.date(2000, 1, 1), dt.date(2000, 1, 1))


def pdf_to_ofd(pdf: bytes, info: OfdInfo) -> bytes:
    """Return the OFD showing the PDF's pages; raises OfdError (service.render.ofd.errors) with the reason."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return write_package(page_drawings(document), info)


def ofd_of(pdf: bytes, metadata: DocumentMetadata) -> bytes:
    """Return the OFD of an issued document's PDF, its DocInfo from the document's metadata."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        info = ofd_info(metadata, document_id(document, pdf))
        return write_package(page_drawings(document), info)


def refusal(pdf: bytes) -> str:
    """Return why the PDF's pages cannot be written as OFD, or "" when they can.

    A template's preview asks, so that its maintainer hears of a drawing the OFD cannot
    carry (a gradient, say) before the template is published, not when a document is issued.
    """
    try:
        pdf_to_ofd(pdf, _PROBE)
    except OfdError as error:
        return str(error)
    return ""


def ofd_info(metadata: DocumentMetadata, doc_id: str) -> OfdInfo:
    """Return DocInfo for a document: title, 责任者, dates, 文号 as keyword, 文号/密级/保管期限 as custom data.

    doc_id is the PDF's own first file identifier (document_id), so that both files of a
    document name it alike.
    """
    return OfdInfo(
        doc_id=doc_id,
        title=metadata.title,
        author=metadata.responsible_body,
        subject=f"{metadata.document_number} {metadata.title}".strip(),
        created=metadata.date,
        modified=metadata.action_time.date(),
        keywords=(metadata.document_number,) if metadata.document_number else (),
        creator="wenshu",
        creator_version=_version(),
        custom=(
            ("文号", metadata.document_number),
            ("密级", metadata.classification),
            ("保管期限", metadata.retention_period),
            ("文种", metadata.title),
            ("责任者", metadata.responsible_body),
            ("成文日期", metadata.date.isoformat()),
        ),
    )


def document_id(document: pikepdf.Pdf, pdf: bytes) -> str:
    """Return the PDF's first file identifier as 32 hex digits, or its hash's when it has none."""
    identifiers = document.trailer.get("/ID")
    if identifiers is not None and len(bytes(identifiers[0])) == 16:
        return bytes(identifiers[0]).hex()
    return hashlib.sha256(pdf).hexdigest()[:32]


def _version() -> str:
    try:
        return version("wenshu")
    except PackageNotFoundError:
        return ""
