"""Templates compiled once per version: each part's Jinja code kept, filled per document as docxtpl fills it.

Parsing and compiling a template's parts took most of a fill (about 11 ms of 14 for the
supervision notice). A template version never changes, so its compiled parts are kept in
a small cache keyed by the SHA-256 of its bytes and the render limits; a new version has
other bytes and is compiled anew. A compiled template holds no state of any one render:
each fill opens the package afresh, so two documents never see each other's values.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from jinja2 import Template, TemplateError

from service.render.fill.docx import (
    GuardedDocxTemplate,
    TemplateProblem,
    describe_template_error,
    render_docx,
)
from service.render.fill.limits import DEFAULT_LIMITS, RenderLimits, render_budget
from service.render.fill.sandbox import GuardedEnvironment, template_environment

# Template versions kept compiled: a bureau uses a few dozen kinds, each with one active
# version; a compiled template takes some hundreds of kilobytes.
CACHE_SIZE = 32
# The core properties docxtpl fills (DocxTemplate.render_properties).
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
PARAGRAPH = re.compile(r"<w:p([ >])")
FILLED_PARAGRAPH = re.compile(r"\n<w:p([ >])")
ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))


@dataclass(frozen=True)
class CompiledPart:
    """One XML part's template source, one paragraph a line, and its compiled Jinja code."""

    source: str
    code: Template

    @classmethod
    def compile(cls, environment: GuardedEnvironment, patched_xml: str) -> CompiledPart:
        """Return a part compiled as docxtpl compiles it; a TemplateError names the text nearby."""
        # As DocxTemplate.render_xml_part: one paragraph a line, so errors name a line.
        source = PARAGRAPH.sub(r"\n<w:p\1", patched_xml)
        try:
            return cls(source, environment.from_string(source))
        except TemplateError as error:
            raise _placed(error, source) from None

    def fill(self, context: dict[str, Any]) -> str:
        """Return the part's XML filled with the context, before docxtpl's clean-up of tabs and breaks."""
        try:
            xml = self.code.render(context)
        except TemplateError as error:
            raise _placed(error, self.source) from None
        xml = FILLED_PARAGRAPH.sub(r"<w:p\1", xml)
        for escaped, plain in ESCAPES:
            xml = xml.replace(escaped, plain)
        return xml


def _placed(error: TemplateError, source: str) -> TemplateError:
    """Return the error carrying the text around its line, as docxtpl attaches it."""
    line = getattr(error, "lineno", None)
    if line is not None:
        start = max(line - 4, 0)
        error.docx_context = [  # type: ignore[attr-defined]
            re.sub(r"<[^>]+>", "", text) for text in source.splitlines()[start : start + 7]
        ]
    return error


class CompiledDocx:
    """A template version with every part docxtpl fills compiled: body, headers, footers, properties.

    Footnotes, rare in a 公文, are filled by docxtpl itself, compiled at each fill.
    """

    def __init__(self, template: bytes, limits: RenderLimits = DEFAULT_LIMITS) -> None:
        self.template = template
        self.limits = limits
        self.environment = template_environment(limits)
        # Read, never changed: every fill opens its own copy of the package.
        self.docx = GuardedDocxTemplate(io.BytesIO(template))
        self.docx.init_docx()
        self.body = CompiledPart.compile(self.environment, self.docx.patch_xml(self.docx.get_xml()))
        self.parts: dict[str, CompiledPart] = {}
        for uri in (GuardedDocxTemplate.HEADER_URI, GuardedDocxTemplate.FOOTER_URI):
            for _key, part in self.docx.get_headers_footers(uri):
                xml = self.docx.patch_xml(self.docx.get_part_xml(part))
                self.parts[str(part.partname)] = CompiledPart.compile(self.environment, xml)
        properties = self.docx.docx.core_properties
        self.properties = {
            name: self.environment.from_string(getattr(properties, name)) for name in PROPERTIES
        }

    def render(self, context: dict[str, Any]) -> bytes:
        """Return the DOCX filled with the context, as render_docx would fill it.

        A template that goes beyond a limit, or whose code fails, is a TemplateProblem.
        """
        document = _CompiledFill(io.BytesIO(self.template), self)
        with render_budget(self.limits):
            try:
                document.render(context, jinja_env=self.environment, autoescape=True)
            except TemplateError as error:
                raise TemplateProblem(describe_template_error(error)) from error
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


class _CompiledFill(GuardedDocxTemplate):
    """One fill of a compiled template: docxtpl's steps, with each part's code taken ready-made."""

    def __init__(self, template_file: io.BytesIO, compiled: CompiledDocx) -> None:
        super().__init__(template_file)
        self.compiled = compiled

    def build_xml(self, context: dict[str, Any], jinja_env: Any = None) -> str:
        """Return the filled body, its tabs and breaks resolved."""
        self.current_rendering_part = self.docx._part
        resolved: str = self.resolve_listing(self.compiled.body.fill(context))
        return resolved

    def build_headers_footers_xml(
        self, context: dict[str, Any], uri: str, jinja_env: Any = None
    ) -> Any:
        """Yield each header's or footer's relationship and filled XML (docxtpl reads them as UTF-8)."""
        for key, part in self.get_headers_footers(uri):
            self.current_rendering_part = part
            compiled = self.compiled.parts[str(part.partname)]
            yield key, self.resolve_listing(compiled.fill(context)).encode("utf-8")

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """Fill the core properties that docxtpl fills."""
        properties = self.docx.core_properties
        for name, code in self.compiled.properties.items():
            setattr(properties, name, code.render(context))


_cache: OrderedDict[tuple[bytes, RenderLimits], CompiledDocx] = OrderedDict()
_cache_lock = threading.Lock()


def compiled_template(template: bytes, limits: RenderLimits = DEFAULT_LIMITS) -> CompiledDocx:
    """Return the template compiled, from the cache when this version was compiled before.

    The least recently used version leaves the cache when it is full. A template that does
    not compile raises TemplateProblem and is not kept.
    """
    key = (hashlib.sha256(template).digest(), limits)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    try:
        compiled = CompiledDocx(template, limits)
    except TemplateError as error:
        raise TemplateProblem(describe_template_error(error)) from error
    with _cache_lock:
        _cache[key] = compiled
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def fill_template(
    template: bytes, context: dict[str, Any], limits: RenderLimits = DEFAULT_LIMITS
) -> bytes:
    """Return the DOCX made by filling a template version with the context, compiled once.

    A template that does not compile is filled by render_docx, which reports its problem
    exactly as it always has (the part and line where docxtpl meets it first).
    """
    try:
        compiled = compiled_template(template, limits)
    except TemplateProblem:
        return render_docx(template, context, limits)
    return compiled.render(context)
