"""Tests of reading a DOCX's body grid and setting it tighter, as GB/T 9704 7.3.5 allows."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from service.render.ooxml.parts_edit import DOCUMENT, STYLES, read_parts, w, with_parts
from service.render.ooxml.spacing import body_grid, tightened
from tests.conftest import ROOT

TEMPLATE = (ROOT / "templates_docx" / "correction_order.docx").read_bytes()


def replaced(docx: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """Return the package with one replacement made in one part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new)
            target.writestr(item, data)
    return out.getvalue()


def style(docx: bytes, identifier: str) -> etree._Element:
    """Return a style of the package by its id."""
    styles = read_parts(docx, (STYLES,))[STYLES]
    found = styles.find(f"{w('style')}[@{w('styleId')}='{identifier}']")
    assert found is not None
    return found


def test_the_shipped_grid_is_22_lines_of_28_characters() -> None:
    """This test ensures that the body grid is read from the Normal style and the section: GB/T 9704's
    22 lines of 28 characters of 三号 in a 156 × 225 mm text area."""
    grid = body_grid(TEMPLATE)
    assert (grid.text_width, grid.text_height, grid.top_margin) == (8844, 12756, 2098)
    assert (grid.lines, grid.chars, grid.font_size) == (22, 28, 320)
    assert grid.line_pitch == 12756 // 22


def test_tightening_sets_the_body_and_nothing_else() -> None:
    """This test ensures that tightening to 24 lines of 29 characters rewrites the body's pitch
    and spacing, keeps the type size, and leaves the title's and the footer's own settings."""
    grid = body_grid(TEMPLATE)
    tight = tightened(TEMPLATE, grid, 24, 29)
    again = body_grid(tight)
    assert (again.lines, again.chars, again.font_size) == (24, 29, 320)
    assert (again.line_pitch, again.char_spacing) == (12756 // 24, 8844 // 29 - 320)
    title = style(tight, "Title")
    assert title.find(f"{w('pPr')}/{w('spacing')}").get(w("line")) == "720"
    assert title.find(f"{w('rPr')}/{w('spacing')}").get(w("val")) == "0"
    footer = style(tight, "Footer")
    assert footer.find(f"{w('rPr')}/{w('spacing')}").get(w("val")) == "0"


def test_tightening_never_loosens() -> None:
    """This test ensures that asking for fewer lines or characters than the body has changes nothing."""
    grid = body_grid(TEMPLATE)
    loose = body_grid(tightened(TEMPLATE, grid, 20, 26))
    assert (loose.line_pitch, loose.char_spacing) == (grid.line_pitch, grid.char_spacing)


def test_direct_formatting_and_the_document_grid_follow_the_body() -> None:
    """This test ensures that a paragraph set directly at the body's pitch, and a document grid of that
    pitch, are tightened with it, while a paragraph of another exact pitch keeps its own."""
    pitch = f'w:line="{12756 // 22}" w:lineRule="exact"'.encode()
    body = b'<w:p><w:pPr><w:pStyle w:val="Body"/><w:spacing ' + pitch + b"/></w:pPr></w:p>"
    other = b'<w:p><w:pPr><w:spacing w:line="600" w:lineRule="exact"/></w:pPr></w:p>'
    docx = replaced(TEMPLATE, DOCUMENT, b"<w:body>", b"<w:body>" + body + other)
    grid = f'<w:docGrid w:type="lines" w:linePitch="{12756 // 22}"/></w:sectPr>'.encode()
    docx = replaced(docx, DOCUMENT, b"</w:sectPr>", grid)
    document = read_parts(tightened(docx, body_grid(docx), 23, 28), (DOCUMENT,))[DOCUMENT]
    lines = [s.get(w("line")) for s in document.iter(w("spacing"))]
    assert lines[:2] == [str(12756 // 23), "600"]
    assert next(document.iter(w("docGrid"))).get(w("linePitch")) == str(12756 // 23)


def test_a_body_without_character_spacing_gets_it_on_normal() -> None:
    """This test ensures that a body that sets no character spacing is tightened on the Normal style,
    and that a style's own spacing of 0 (the title) stays."""
    styles = read_parts(TEMPLATE, (STYLES,))[STYLES]
    normal = styles.find(f"{w('style')}[@{w('styleId')}='Normal']")
    spacing = normal.find(f"{w('rPr')}/{w('spacing')}")
    spacing.getparent().remove(spacing)
    docx = with_parts(TEMPLATE, {STYLES: styles})
    grid = body_grid(docx)
    assert grid.char_spacing == 0
    tight = tightened(docx, grid, 22, 29)
    assert body_grid(tight).char_spacing == 8844 // 29 - 320
    assert style(tight, "Title").find(f"{w('rPr')}/{w('spacing')}").get(w("val")) == "0"
