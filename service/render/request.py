"""One render request: the context a template is filled with, the template, and the PDF's metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.render.pdfa import DocumentMetadata
from service.render.seal import SealPlacement


@dataclass(frozen=True)
class RenderRequest:
    """Everything rendering needs, and nothing of where it came from.

    context maps template names to printed values (strings, lists of paragraphs, rows);
    template is the DOCX bytes of one template version; metadata is written into the PDF;
    seal, when given, is pressed on the signature as the file is finished (then signed by
    the caller: the signature must cover the seal).
    """

    context: Mapping[str, Any]
    template: bytes
    metadata: DocumentMetadata
    seal: SealPlacement | None = None
