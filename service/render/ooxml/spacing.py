"""The body's line pitch and character spacing in a filled DOCX: read, and tightened as GB/T 9704 7.3.5 allows.

The body grid is what the Normal paragraph style sets (the GB/T 9704 templates give it an
exact line spacing of a 22nd of the text area's height and a character spacing that sets 28
characters a line) and the page's margins. Tightening rewrites that pitch and that spacing
wherever the package writes them, in styles and in direct formatting; anything set apart
from the body (the 发文机关标志, the title, the page number) keeps its own spacing. The
font size is never touched.
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

# Word's defaults when a package says nothing: A4 with 1-inch margins, 10 pt text.
DEFAULT_PAGE = (11906, 16838)
DEFAULT_MARGIN = 1440
DEFAULT_HALF_POINTS = 20
FIXED_PITCH_RULES = ("exact", "atLeast")


@dataclass(frozen=True)
class BodyGrid:
    """The page and the body text's grid, in twips (twentieths of a point)."""

    page_height: int
    top_margin: int
    bottom_margin: int
    text_width: int
    line_pitch: int | None  # None when body lines are not set at a fixed pitch
    char_spacing: int  # added to each body character's advance; negative sets them tighter
    font_size: int

    @property
    def text_height(self) -> int:
        """Return the height of the text area."""
        return self.page_height - self.top_margin - self.bottom_margin

    @property
    def grid_pitch(self) -> int:
        """Return the height of one line of the grid: the body's pitch, or a 22nd of the area."""
        return self.line_pitch or self.text_height // 22

    @property
    def lines(self) -> int:
        """Return how many body lines the text area holds."""
        return self.text_height // self.grid_pitch

    @property
    def chars(self) -> int:
        """Return how many body characters a full line holds."""
        return self.text_width // (self.font_size + self.char_spacing)


def body_grid(docx: bytes) -> BodyGrid:
    """Return the body grid of a package, from its Normal style and its last section."""
    parts = read_parts(docx, (DOCUMENT, STYLES))
    normal = default_paragraph_style(parts.get(STYLES))
    sections = list(parts[DOCUMENT].iter(w("sectPr"))) if DOCUMENT in parts else []
    section = sections[-1] if sections else None
    size = section.find(w("pgSz")) if section is not None else None
    margins = section.find(w("pgMar")) if section is not None else None
    width = _twips(size, "w", DEFAULT_PAGE[0])
    return BodyGrid(
        page_height=_twips(size, "h", DEFAULT_PAGE[1]),
        top_margin=abs(_twips(margins, "top", DEFAULT_MARGIN)),
        bottom_margin=abs(_twips(margins, "bottom", DEFAULT_MARGIN)),
        text_width=width
        - _twips(margins, "left", DEFAULT_MARGIN)
        - _twips(margins, "right", DEFAULT_MARGIN)
        - _twips(margins, "gutter", 0),
        line_pitch=_line_pitch(normal),
        char_spacing=_char_spacing(normal),
        font_size=_font_size(parts.get(STYLES), normal),
    )


def tightened(docx: bytes, grid: BodyGrid, lines: int, chars: int) -> bytes:
    """Return the package with its body set at lines a page and chars a line (never looser)."""
    parts = read_parts(docx, (DOCUMENT, STYLES))
    pitch = grid.text_height // lines
    spacing = grid.text_width // chars - grid.font_size
    for root in parts.values():
        if grid.line_pitch is not None and pitch < grid.line_pitch:
            _replace_pitch(root, grid.line_pitch, pitch)
        if spacing < grid.char_spacing and grid.char_spacing != 0:
            _replace_char_spacing(root, grid.char_spacing, spacing)
    normal = default_paragraph_style(parts.get(STYLES))
    if normal is not None and spacing < grid.char_spacing:
        # The body's spacing is the Normal style's: written there even when it was implied.
        properties = _child(normal, "rPr")
        _child(properties, "spacing").set(w("val"), str(spacing))
    return with_parts(docx, parts)


def _replace_pitch(root: etree._Element, old: int, new: int) -> None:
    """Set every fixed line spacing and document grid pitch of old twips to new."""
    for spacing in root.iter(w("spacing")):
        fixed = spacing.get(w("lineRule")) in FIXED_PITCH_RULES
        if fixed and spacing.get(w("line")) == str(old):
            spacing.set(w("line"), str(new))
    for grid in root.iter(w("docGrid")):
        if grid.get(w("linePitch")) == str(old):
            grid.set(w("linePitch"), str(new))


def _replace_char_spacing(root: etree._Element, old: int, new: int) -> None:
    """Set every run's character spacing of old twips to new."""
    for spacing in root.iter(w("spacing")):
        parent = spacing.getparent()
        if parent is not None and parent.tag == w("rPr") and spacing.get(w("val")) == str(old):
            spacing.set(w("val"), str(new))


def _line_pitch(normal: etree._Element | None) -> int | None:
    """Return the Normal style's fixed line pitch, or None when its lines are not fixed."""
    spacing = normal.find(f"{w('pPr')}/{w('spacing')}") if normal is not None else None
    if spacing is None or spacing.get(w("lineRule")) not in FIXED_PITCH_RULES:
        return None
    line = spacing.get(w("line"), "")
    return int(line) if line.isdecimal() and int(line) > 0 else None


def _char_spacing(normal: etree._Element | None) -> int:
    """Return the Normal style's character spacing, 0 when it sets none."""
    spacing = normal.find(f"{w('rPr')}/{w('spacing')}") if normal is not None else None
    value = spacing.get(w("val"), "0") if spacing is not None else "0"
    return int(value) if value.lstrip("-").isdecimal() else 0


def _font_size(styles: etree._Element | None, normal: etree._Element | None) -> int:
    """Return the body's font size in twips: the Normal style's, else the document default."""
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}") if styles is not None else None
    for holder in (normal, defaults):
        size = holder.find(f"{w('rPr')}/{w('sz')}") if holder is not None else None
        value = size.get(w("val"), "") if size is not None else ""
        if value.isdecimal() and int(value) > 0:
            return int(value) * 10  # half-points
    return DEFAULT_HALF_POINTS * 10


def _twips(element: etree._Element | None, name: str, default: int) -> int:
    """Return a measurement attribute in twips, or the default when it is missing or unreadable."""
    value = element.get(w(name), "") if element is not None else ""
    return int(value) if value.lstrip("-").isdecimal() else default


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """Return the parent's child of that tag, added at its end when missing.

    The schema orders properties, but this package only goes to LibreOffice, which reads
    them in any order.
    """
    found = parent.find(w(tag))
    if found is None:
        found = etree.SubElement(parent, w(tag))
    return found
