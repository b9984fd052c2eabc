"""Many filled copies of one template as one DOCX: each copy its own section, paged from 1.

LibreOffice converts 50 copies merged into one document several times faster than 50
documents one by one. The pitfalls are handled here or refused: each copy becomes a
section that starts on a new page and restarts page numbering at 1; a template whose
headers or footers hold placeholders, that prints the total page count (NUMPAGES shows
the merged total), or that has sections of its own is converted copy by copy instead.
Every copy carries a bookmark at its start, which LibreOffice exports as a named
destination, so that the PDF can be cut where each copy begins.

The body is filled the way docxtpl fills it (service.render.fill.docx.render_docx), but the
template is compiled once per version (service.render.fill.compiled) instead of once per copy.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from jinja2 import TemplateError
from lxml import etree

from service.render.fill.compiled import compiled_template
from service.render.fill.docx import TemplateProblem, describe_template_error
from service.render.ooxml.anchors import is_floating

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
# LibreOffice exports Word bookmarks as named destinations only when asked.
EXPORT_OPTIONS = ("ExportBookmarksToPDFDestination=true",)
_ANCHOR_IDS = 900_000  # bookmark ids above any a template carries
_TAG = re.compile(r"\{[{%#]")
_PAGE_TOTALS = re.compile(rb"NUMPAGES|SECTIONPAGES")
# Children of w:sectPr that come before w:type and before w:pgNumType (ECMA-376 order).
_BEFORE_TYPE = {"headerReference", "footerReference", "footnotePr", "endnotePr"}
_BEFORE_PAGE_NUMBERS = _BEFORE_TYPE | {
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
}


def w(tag: str) -> str:
    """Return a WordprocessingML tag in Clark notation."""
    return f"{{{W}}}{tag}"


def copy_anchor(index: int) -> str:
    """Return the bookmark (and PDF destination) name marking the start of copy index."""
    return f"wenshucopy{index}"


def merge_obstacle(template: bytes) -> str | None:
    """Return why copies of this template must be converted one by one, or None if they merge."""
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        for name in package.namelist():
            if not name.startswith("word/") or not name.endswith(".xml"):
                continue
            data = package.read(name)
            if _PAGE_TOTALS.search(data):
                return f"{name} 含有总页数域（合并转换时会显示全部副本的总页数）"
            part = name.removeprefix("word/")
            per_copy = part.startswith(("header", "footer", "footnotes", "endnotes"))
            if per_copy and _TAG.search(data.decode("utf-8", errors="replace")):
                return f"{name} 含有占位符（每份副本的页眉页脚不同）"
        body = etree.fromstring(package.read("word/document.xml")).find(w("body"))
    if body is None or body.find(f"{w('p')}/{w('pPr')}/{w('sectPr')}") is not None:
        return "模板正文分为多个节"
    return None


class CompiledTemplate:
    """A template's body prepared and compiled once, filled per copy as docxtpl would fill it."""

    def __init__(self, template: bytes) -> None:
        self.template = template
        # The version compiled for single documents serves the batch too (and the reverse).
        compiled = compiled_template(template)
        self._docx = compiled.docx
        self._body = compiled.body

    def render_body(self, context: dict[str, Any]) -> etree._Element:
        """Return the filled w:body of one copy."""
        try:
            xml = self._body.fill(context)
        except TemplateError as error:
            raise TemplateProblem(describe_template_error(error)) from error
        body: etree._Element = self._docx.fix_tables(self._docx.resolve_listing(xml))
        return body

    def merge(self, bodies: Sequence[etree._Element]) -> bytes:
        """Return one DOCX holding the copies in order, each a section numbered from page 1."""
        root = copy.deepcopy(self._docx.docx.element)
        merged = root.find(w("body"))
        for child in list(merged):
            merged.remove(child)
        for index, body in enumerate(bodies):
            children = list(body)
            section = children.pop() if children and children[-1].tag == w("sectPr") else None
            if section is None:
                raise TemplateProblem("模板正文缺少页面设置（w:sectPr）")
            section = _section_break(section)
            _add_anchor(children, copy_anchor(index))
            merged.extend(children)
            if index < len(bodies) - 1:
                _end_section(merged, section)
            else:
                merged.append(section)
        for number, drawing in enumerate(root.iter(f"{{{WP}}}docPr"), start=1):
            drawing.set("id", str(number))  # unique across copies, as docxtpl keeps them per copy
        return self._package(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        )

    def _package(self, document_xml: bytes) -> bytes:
        """Return the template's package with its main part replaced."""
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(self.template)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
        ):
            for item in source.infolist():
                data = document_xml if item.filename == "word/document.xml" else source.read(item)
                target.writestr(item.filename, data)
        return out.getvalue()


def _section_break(section: etree._Element) -> etree._Element:
    """Return a copy of a copy's page setup that starts a new page and restarts numbering at 1."""
    section = copy.deepcopy(section)
    kind = section.find(w("type"))
    if kind is None:
        kind = etree.Element(w("type"))
        _insert_after(section, kind, _BEFORE_TYPE)
    kind.set(w("val"), "nextPage")
    numbers = section.find(w("pgNumType"))
    if numbers is None:
        numbers = etree.Element(w("pgNumType"))
        _insert_after(section, numbers, _BEFORE_PAGE_NUMBERS)
    numbers.set(w("start"), "1")
    return section


def _insert_after(parent: etree._Element, child: etree._Element, before: set[str]) -> None:
    """Insert child after the leading children whose local names are in before."""
    position = next(
        (i for i, item in enumerate(parent) if etree.QName(item).localname not in before),
        len(parent),
    )
    parent.insert(position, child)


def _add_anchor(children: list[etree._Element], name: str) -> None:
    """Put a bookmark named name at the start of the copy's first paragraph in the text's flow.

    LibreOffice exports no destination for a bookmark in a frame (the 信函格式 masthead).
    """
    paragraphs = (p for child in children for p in child.iter(w("p")))
    first = next((p for p in paragraphs if not is_floating(p)), None)
    if first is None:
        raise TemplateProblem("模板正文没有段落")
    identifier = str(_ANCHOR_IDS + int(name.removeprefix("wenshucopy")))
    start = etree.Element(w("bookmarkStart"), {w("id"): identifier, w("name"): name})
    end = etree.Element(w("bookmarkEnd"), {w("id"): identifier})
    properties = first.find(w("pPr"))
    at = 0 if properties is None else first.index(properties) + 1
    first.insert(at, start)
    first.insert(at + 1, end)


def _end_section(body: etree._Element, section: etree._Element) -> None:
    """End the section with a paragraph of its own after the copy's last one.

    LibreOffice drops the empty paragraph that carries a section break, moving what it holds
    to the paragraph before: were it the copy's own last paragraph (the one a floating 版记 is
    anchored to), the copy would lay out otherwise than alone.
    """
    last = etree.SubElement(body, w("p"))
    properties = last.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        last.insert(0, properties)
    change = properties.find(w("pPrChange"))
    if change is not None:
        change.addprevious(section)
    else:
        properties.append(section)
