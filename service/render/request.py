"""One render request: the context a template is filled with, the template, and the PDF's metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.render.pdfa import DocumentMetadata


@dataclass(frozen=True)
class RenderRequest:
    """Everything rendering needs, and nothing of where it came from.

    context maps template names to printed values (strings, lists of paragraphs, rows);
    template is the DOCX bytes of one template version; metadata is written into the PDF.
    """

    context: Mapping[str, Any]
    template: bytes
    metadata: DocumentMetadata
