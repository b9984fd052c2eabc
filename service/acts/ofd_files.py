"""The OFD written beside each issued PDF: made from the final PDF, archived, and named in the audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.archive.store import Fixity
from service.database.models import Document
from service.render.ofd.convert import ofd_of
from service.render.pdfa import DocumentMetadata
from service.render.stages import NO_TIMER, StageTimer


@dataclass(frozen=True)
class ArchivedOfd:
    """Where a document's OFD was stored, and its fixity values."""

    path: str
    fixity: Fixity


def written_ofd(pdf: bytes, metadata: DocumentMetadata, timer: StageTimer = NO_TIMER) -> bytes:
    """Return the OFD of the final (sealed, signed) PDF; OfdError says why it cannot be written."""
    with timer.stage("ofd"):
        return ofd_of(pdf, metadata)


def ofd_event(document: Document) -> dict[str, Any]:
    """Return what an audit entry keeps of a document's OFD: its path, SHA-256 and SM3."""
    if not document.ofd_path:
        return {}
    return {
        "ofd_path": document.ofd_path,
        "ofd_sha256": document.ofd_sha256,
        "ofd_sm3": document.ofd_sm3,
    }
