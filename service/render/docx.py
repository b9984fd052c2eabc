"""Fills a DOCX template with a context: docxtpl in a sandboxed, autoescaping Jinja environment."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateProblem(ValueError):
    """Raised when a template cannot be filled: says where (paragraph line) and what is wrong."""


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
    try:
        document.render(context, jinja_env=template_environment(), autoescape=True)
    except TemplateError as error:
        raise TemplateProblem(describe_template_error(error)) from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def describe_template_error(error: TemplateError) -> str:
    """Return a Chinese description of a template error: the line, the message, the text nearby."""
    line = getattr(error, "lineno", None)
    where = f"第{line}行（段落）" if line else "模板中"
    nearby = " ".join(line.strip() for line in getattr(error, "docx_context", []) if line.strip())
    text = f"模板有误：{where}：{error.message or error}"
    return f"{text}；附近文字：{nearby[:120]}" if nearby else text
