"""Fills a DOCX template with a context: docxtpl in the sandboxed, limited Jinja environment."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError
from lxml import etree

from service.render.fill.limits import DEFAULT_LIMITS, RenderLimits, render_budget
from service.render.fill.sandbox import template_environment
from service.render.fill.script_gaps import close_script_gaps

# docxtpl turns these characters in filled text into tabs, paragraphs, line and page breaks.
LISTING_CHARACTERS = re.compile("[\t\a\n\f]")
# w:p, w:r and w:t written as empty elements (<w:p w:rsidR="…"/>).
EMPTY_ELEMENT = re.compile(r"<(w:[prt])( [^<>]*)?/>")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
CONTROL_TO_SPACE = str.maketrans({"\a": " ", "\f": " "})

__all__ = ["TemplateProblem", "body_source", "render_docx", "template_environment"]


class TemplateProblem(ValueError):
    """Raised when a template cannot be filled: says where (paragraph line) and what is wrong."""


class GuardedDocxTemplate(DocxTemplate):
    """docxtpl's template, whose clean-up of filled XML stays linear in its length.

    docxtpl finds tabs and breaks in filled text with regular expressions that scan from
    every <w:p …> to the next </w:p>: output holding many paragraphs that never close, or
    empty ones written <w:p …/>, makes that scan quadratic (80,000 such paragraphs take
    hours). Here the scan only runs on well-formed XML whose empty elements are written
    open and closed, and only when there is something to turn into a tab or break.
    """

    def resolve_listing(self, xml: str) -> str:
        """Return filled XML with tabs and breaks in its text turned into Word's elements."""
        xml = close_script_gaps(xml)  # every filled part passes here, single or batch
        if not LISTING_CHARACTERS.search(xml):
            return xml  # docxtpl would return it unchanged
        _require_well_formed(xml)
        xml = EMPTY_ELEMENT.sub(r"<\1\2></\1>", xml)
        resolved: str = super().resolve_listing(xml)
        return resolved


def _require_well_formed(xml: str) -> None:
    """Refuse filled XML that is not well formed (tags left open by the template's tags)."""
    text = XML_DECLARATION.sub("", xml, count=1).translate(CONTROL_TO_SPACE)
    try:
        etree.fromstring(
            text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as error:
        raise TemplateProblem(
            f"模板填充后的 XML 不完整（{error}）；请检查 {{%p %}}、{{%tr %}} 等标签是否成对，"
            "是否用 |safe 输出了 XML 片段"
        ) from None


def render_docx(
    template: Path | bytes, context: dict[str, Any], limits: RenderLimits = DEFAULT_LIMITS
) -> bytes:
    """Return the DOCX made by filling the template with the context, within the limits.

    Body, headers, footers, footnotes and properties are filled under one budget: a
    template that goes beyond a limit, or whose own code fails, is a TemplateProblem.
    """
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    document = GuardedDocxTemplate(source)
    with render_budget(limits):
        try:
            document.render(context, jinja_env=template_environment(limits), autoescape=True)
        except TemplateError as error:
            raise TemplateProblem(describe_template_error(error)) from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def body_source(document: DocxTemplate) -> str:
    """Return a template's body as docxtpl fills it: tags cleaned, one paragraph a line."""
    document.init_docx()
    xml = document.patch_xml(document.get_xml())
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def describe_template_error(error: TemplateError) -> str:
    """Return a Chinese description of a template error: the line, the message, the text nearby."""
    line = getattr(error, "lineno", None)
    where = f"第{line}行（段落）" if line else "模板中"
    nearby = " ".join(line.strip() for line in getattr(error, "docx_context", []) if line.strip())
    text = f"模板有误：{where}：{error.message or error}"
    return f"{text}；附近文字：{nearby[:120]}" if nearby else text
