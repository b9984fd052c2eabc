"""Fills a DOCX template with a context: docxtpl in a sandboxed, autoescaping Jinja environment."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment


def template_environment() -> ImmutableSandboxedEnvironment:
    """Return the Jinja environment templates run in.

    Sandboxed, so a template cannot reach Python internals; autoescaping, so that
    & < > " ' in facts stay text instead of breaking the document's XML; strict, so
    a placeholder the context lacks is an error rather than a silent blank.
    """
    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_docx(template: Path | bytes, context: dict[str, Any]) -> bytes:
    """Return the DOCX made by filling the template with the context."""
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    document = DocxTemplate(source)
    document.render(context, jinja_env=template_environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
