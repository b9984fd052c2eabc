"""Tests of bookmarking the closing lines, the signature block and the 版记 of a filled document."""

from __future__ import annotations

from lxml import etree

from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.fill.docx import render_docx
from service.render.ooxml.anchors import (
    anchor_names,
    is_floating,
    kept_styles,
    mark_body,
    marked_package,
)
from service.render.ooxml.parts_edit import DOCUMENT, STYLES, read_parts, w
from tests.conftest import ROOT, sample


def filled(kind: str) -> bytes:
    """Return the kind's sample filled into its shipped template."""
    instrument = get_instrument(kind)
    facts = validate_facts(instrument, sample(kind))
    context = build_context(instrument, facts, "君档〔2026〕7号", Bureau())
    return render_docx((ROOT / "templates_docx" / f"{kind}.docx").read_bytes(), context)


def marked_texts(document: etree._Element) -> dict[str, str]:
    """Return the text of the paragraph each bookmark starts, by bookmark name."""
    found = {}
    for start in document.iter(w("bookmarkStart")):
        paragraph = start.getparent()
        found[start.get(w("name"))] = "".join(t.text or "" for t in paragraph.iter(w("t")))
    return found


def marked_paragraph(document: etree._Element, name: str) -> etree._Element:
    """Return the paragraph a bookmark starts in."""
    start = next(s for s in document.iter(w("bookmarkStart")) if s.get(w("name")) == name)
    paragraph: etree._Element = start.getparent()
    return paragraph


def test_the_parts_of_a_filled_order_are_marked() -> None:
    """This test ensures that the closing paragraph, the 署名 and the 成文日期 are bookmarked, and the
    抄送, framed at the foot of the page, at the paragraph in the text it is anchored to."""
    docx = marked_package(filled("correction_order"))
    document = read_parts(docx, (DOCUMENT,))[DOCUMENT]
    texts = marked_texts(document)
    names = anchor_names()
    assert texts[names.closing].startswith("逾期未改正的")
    assert texts[names.signature].strip() == Bureau().name
    assert texts[names.date].strip().endswith("日")
    anchor = marked_paragraph(document, names.imprint)
    framed = anchor.getprevious()
    assert "".join(framed.itertext()).startswith("抄送：") and is_floating(framed)
    assert not is_floating(anchor)


def test_a_floating_imprint_table_is_marked_where_it_is_anchored() -> None:
    """This test ensures that a 版记 table floating at the foot of the page is marked at the paragraph
    after it, and a 版记 in the text's flow at its own first paragraph."""
    document = read_parts(marked_package(filled("safety_circular")), (DOCUMENT,))[DOCUMENT]
    anchor = marked_paragraph(document, anchor_names().imprint)
    table = anchor.getprevious()
    assert table.tag == w("tbl") and "抄送：" in "".join(table.itertext())
    body = etree.fromstring(
        f'<w:body xmlns:w="{w("")[1:-1]}"><w:p><w:r><w:t>正文</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="ImprintCopies"/></w:pPr><w:r><w:t>抄送：甲。</w:t></w:r></w:p>'
        "</w:body>"
    )
    mark_body(body)
    assert marked_texts(body) == {anchor_names().imprint: "抄送：甲。"}


def test_the_closing_lines_take_in_the_heading_kept_with_them() -> None:
    """This test ensures that the closing lines begin at the heading kept with the last paragraph."""
    docx = marked_package(filled("supervision_notice"))
    texts = marked_texts(read_parts(docx, (DOCUMENT,))[DOCUMENT])
    assert texts[anchor_names().closing] == "四、申请复查"


def test_copies_get_names_and_ids_of_their_own() -> None:
    """This test ensures that each copy of a merge is marked under its own names and bookmark ids."""
    docx = filled("correction_order")
    parts = read_parts(docx, (DOCUMENT, STYLES))
    kept = kept_styles(parts[STYLES])
    bodies = [
        parts[DOCUMENT].find(w("body")),
        etree.fromstring(etree.tostring(parts[DOCUMENT])).find(w("body")),
    ]
    for copy, body in enumerate(bodies):
        mark_body(body, copy, kept)
    starts = [s for body in bodies for s in body.iter(w("bookmarkStart"))]
    assert [s.get(w("name")) for s in starts] == [
        *anchor_names(0).every(),
        *anchor_names(1).every(),
    ]
    assert len({s.get(w("id")) for s in starts}) == 8


def test_keeping_with_the_next_is_inherited_and_can_be_turned_off() -> None:
    """This test ensures that a style keeps with the next when the style it is based on does, unless it
    says otherwise itself, and that the default style counts for paragraphs naming none."""
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{w("")[1:-1]}">'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:pPr><w:keepNext/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading"><w:basedOn w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Body"><w:basedOn w:val="Heading"/>'
        '<w:pPr><w:keepNext w:val="0"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>'
        "</w:styles>"
    )
    assert kept_styles(styles) == {"Normal", "Heading", ""}
