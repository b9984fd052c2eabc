"""Bookmarks at the closing paragraph, the signature and the 版记 of a filled body, to find them in the PDF.

LibreOffice exports a bookmark as a named destination (when asked to) giving the page and the
height of the line it starts: that is where each part of the document landed, whatever
words it holds. The parts are found by their paragraph styles, as the GB/T 9704 templates
name them: the signature block (署名, then 成文日期) is written in the style "Signature",
its first and last paragraphs marked; the 版记 in styles whose ids begin with "Imprint",
marked at its first paragraph or, when it floats at the foot of the page (a frame or a
floating table), at the paragraph it is anchored to, which stands where the text ends. The
closing lines are the last paragraph with text before the signature and the paragraphs kept
with it (keepNext, as a heading is kept with the paragraph it introduces): what pagination
carries over to the signature's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from service.render.ooxml.parts_edit import (
    DOCUMENT,
    STYLES,
    default_paragraph_style,
    read_parts,
    w,
    with_parts,
)

SIGNATURE_STYLE = "Signature"
IMPRINT_STYLE_PREFIX = "Imprint"
# LibreOffice exports Word bookmarks as named destinations only when asked.
DESTINATION_OPTIONS = ("ExportBookmarksToPDFDestination=true",)
# Bookmark ids above any a template carries and below the batch's marks of copy starts (900,000).
_FIRST_ID = 500_000
ROLES = ("closing", "signature", "date", "imprint")


@dataclass(frozen=True)
class AnchorNames:
    """The bookmark names of one document's (or one batch copy's) closing lines, signature block
    (its first line, the 署名, and its last, the 成文日期) and 版记."""

    closing: str
    signature: str
    date: str
    imprint: str

    def every(self) -> tuple[str, ...]:
        """Return the names."""
        return (self.closing, self.signature, self.date, self.imprint)


def anchor_names(copy: int | None = None) -> AnchorNames:
    """Return the bookmark names of a document, or of copy number copy of a merged batch."""
    suffix = "" if copy is None else str(copy)
    return AnchorNames(*(f"wenshufit{role}{suffix}" for role in ROLES))


def kept_styles(styles: etree._Element | None) -> frozenset[str]:
    """Return the ids of the paragraph styles that keep a paragraph with the next one.

    A style says so itself or inherits it from the style it is based on; "" stands for the
    default style, which a paragraph naming no style has.
    """
    if styles is None:
        return frozenset()
    by_id = {
        style.get(w("styleId"), ""): style
        for style in styles.iter(w("style"))
        if style.get(w("type")) == "paragraph"
    }

    def keeps(identifier: str) -> bool:
        seen = set()
        while identifier in by_id and identifier not in seen:
            seen.add(identifier)
            setting = _keeps(by_id[identifier])
            if setting is not None:
                return setting
            based = by_id[identifier].find(w("basedOn"))
            identifier = based.get(w("val"), "") if based is not None else ""
        return False

    found = {identifier for identifier in by_id if keeps(identifier)}
    default = default_paragraph_style(styles)
    if default is not None and default.get(w("styleId"), "") in found:
        found.add("")
    return frozenset(found)


def mark_body(
    body: etree._Element, copy: int | None = None, kept: frozenset[str] = frozenset()
) -> None:
    """Bookmark the closing lines, the signature block and the 版记 of a filled w:body, those it has.

    kept: the ids of the styles that keep a paragraph with the next (kept_styles).
    """
    paragraphs = list(body.iter(w("p")))
    signed = [p for p in paragraphs if _style(p) == SIGNATURE_STYLE]
    signature, date = (signed[0], signed[-1]) if signed else (None, None)
    imprint = next((p for p in paragraphs if _style(p).startswith(IMPRINT_STYLE_PREFIX)), None)
    if imprint is not None and is_floating(imprint):
        # A 版记 floated to the foot of the page is marked at the paragraph it is anchored to.
        after = paragraphs[paragraphs.index(imprint) + 1 :]
        imprint = next((p for p in after if not is_floating(p)), None)
    closing = None
    if signature is not None:
        before = paragraphs[: paragraphs.index(signature)]
        last = next((i for i in reversed(range(len(before))) if _has_text(before[i])), None)
        while last is not None and last > 0 and _kept_with_next(before[last - 1], kept):
            last -= 1
        closing = before[last] if last is not None else None
    names = anchor_names(copy)
    base = _FIRST_ID + len(ROLES) * (copy or 0)
    marked = (closing, signature, date, imprint)
    for offset, (paragraph, name) in enumerate(zip(marked, names.every(), strict=True)):
        if paragraph is not None:
            _bookmark(paragraph, name, base + offset)


def is_floating(paragraph: etree._Element) -> bool:
    """Return whether a paragraph is placed out of the text's flow: in a frame or a floating table.

    LibreOffice exports no destination for a bookmark there; such a paragraph is found through
    the paragraph in the flow it is anchored to, the next one.
    """
    if paragraph.find(f"{w('pPr')}/{w('framePr')}") is not None:
        return True
    return any(
        table.find(f"{w('tblPr')}/{w('tblpPr')}") is not None
        for table in paragraph.iterancestors(w("tbl"))
    )


def marked_package(docx: bytes) -> bytes:
    """Return a filled package with its closing lines, signature block and 版记 bookmarked."""
    parts = read_parts(docx, (DOCUMENT, STYLES))
    body = parts[DOCUMENT].find(w("body")) if DOCUMENT in parts else None
    if body is None:
        return docx
    mark_body(body, kept=kept_styles(parts.get(STYLES)))
    return with_parts(docx, {DOCUMENT: parts[DOCUMENT]})


def _style(paragraph: etree._Element) -> str:
    """Return the id of a paragraph's style, "" for the default one."""
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def _keeps(holder: etree._Element) -> bool | None:
    """Return whether a style's or paragraph's properties keep it with the next, None if silent."""
    keep = holder.find(f"{w('pPr')}/{w('keepNext')}")
    if keep is None:
        return None
    return keep.get(w("val"), "true") not in ("0", "false", "off")


def _kept_with_next(paragraph: etree._Element, kept: frozenset[str]) -> bool:
    """Return whether a paragraph is kept with the next, by its own properties or its style."""
    own = _keeps(paragraph)
    return own if own is not None else _style(paragraph) in kept


def _has_text(paragraph: etree._Element) -> bool:
    """Return whether a paragraph prints anything but blanks."""
    return any((text.text or "").strip() for text in paragraph.iter(w("t")))


def _bookmark(paragraph: etree._Element, name: str, identifier: int) -> None:
    """Put an empty bookmark named name at the start of the paragraph's text."""
    start = etree.Element(w("bookmarkStart"), {w("id"): str(identifier), w("name"): name})
    end = etree.Element(w("bookmarkEnd"), {w("id"): str(identifier)})
    properties = paragraph.find(w("pPr"))
    at = 0 if properties is None else paragraph.index(properties) + 1
    paragraph.insert(at, start)
    paragraph.insert(at + 1, end)
