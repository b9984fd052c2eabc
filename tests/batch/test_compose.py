"""Tests of composing copies into one DOCX: bodies filled as docxtpl fills them, sections, refusals."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from service.batch.compose import CompiledTemplate, copy_anchor, merge_obstacle, w
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.instruments.request import computed_values
from service.render.fill.docx import TemplateProblem, render_docx
from service.render.fill.script_gaps import ZERO_WIDTH_SPACE
from tests.conftest import ROOT, sample
from tests.fakes import FakeArchive

TEMPLATES = ROOT / "templates_docx"


def context_of(kind: str, number: str = "君档〔2026〕7号") -> dict[str, object]:
    """Return the template context of a kind's sample."""
    instrument = get_instrument(kind)
    facts = validate_facts(instrument, sample(kind))
    extra = computed_values(instrument, facts, FakeArchive())
    return build_context(instrument, facts, number, Bureau(), extra)


def body_of(docx: bytes) -> bytes:
    """Return the canonical XML of a DOCX's body."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return etree.tostring(root.find(w("body")), method="c14n")


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_compiled_body_equals_docxtpl(kind: str) -> None:
    """This test ensures that a body filled from the compiled template is docxtpl's, for every kind."""
    template = (TEMPLATES / f"{kind}.docx").read_bytes()
    context = context_of(kind)
    compiled = CompiledTemplate(template)
    assert etree.tostring(compiled.render_body(context), method="c14n") == body_of(
        render_docx(template, context)
    )


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_shipped_templates_merge(kind: str) -> None:
    """This test ensures that every shipped template can be converted merged."""
    assert merge_obstacle((TEMPLATES / f"{kind}.docx").read_bytes()) is None


def test_merged_copies_are_sections_numbered_from_one() -> None:
    """This test ensures that each copy is a section on a new page, paged from 1, marked by a bookmark."""
    template = (TEMPLATES / "correction_order.docx").read_bytes()
    compiled = CompiledTemplate(template)
    bodies = [
        compiled.render_body(context_of("correction_order", f"君档〔2026〕{n}号"))
        for n in (1, 2, 3)
    ]
    merged = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(compiled.merge(bodies))).read("word/document.xml")
    )
    sections = list(merged.iter(w("sectPr")))
    assert len(sections) == 3
    for section in sections:
        assert section.find(w("type")).get(w("val")) == "nextPage"
        assert section.find(w("pgNumType")).get(w("start")) == "1"
        names = [etree.QName(child).localname for child in section]
        assert names.index("type") < names.index("pgSz") < names.index("pgNumType")
    assert sections[-1].getparent().tag == w("body")  # the last copy's is the document's own
    anchors = [b.get(w("name")) for b in merged.iter(w("bookmarkStart"))]
    assert anchors == [copy_anchor(i) for i in range(3)]
    # Read as printed: the filling step closes the gap between a digit and a Chinese character
    # with a zero-width space, which prints nothing.
    text = "".join(merged.itertext()).replace(ZERO_WIDTH_SPACE, "")
    assert [text.count(f"君档〔2026〕{n}号") for n in (1, 2, 3)] == [1, 1, 1]


def replaced(template: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """Return the template with one replacement in one part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data.replace(old, new) if item.filename == part else data)
    return out.getvalue()


def test_templates_that_cannot_merge_are_named(tmp_path: Path) -> None:
    """This test ensures that placeholders in a footer, a total page count or a second section are refused."""
    template = (TEMPLATES / "correction_order.docx").read_bytes()
    footer = replaced(template, "word/footer1.xml", b"\xe2\x80\x94 </w:t>", b"{{ number }}</w:t>")
    total = replaced(template, "word/footer1.xml", b" PAGE ", b" NUMPAGES ")
    sections = replaced(
        template, "word/document.xml", b'<w:pStyle w:val="Title"/>',
        b'<w:pStyle w:val="Title"/><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>',
    )  # fmt: skip
    assert "占位符" in (merge_obstacle(footer) or "")
    assert "总页数" in (merge_obstacle(total) or "")
    assert "多个节" in (merge_obstacle(sections) or "")


def test_template_errors_are_described() -> None:
    """This test ensures that a broken template is a TemplateProblem, as for a single render."""
    broken = (ROOT / "tests" / "data" / "broken_placeholder.docx").read_bytes()
    with pytest.raises(TemplateProblem, match="模板有误"):
        CompiledTemplate(broken).render_body(context_of("supervision_notice"))


def test_a_copy_is_marked_in_the_flow_and_keeps_its_last_paragraph() -> None:
    """This test ensures that a copy's start is bookmarked in its first paragraph in the text's flow,
    not in the framed 信函格式 masthead (LibreOffice exports no destination there), and that its
    section ends in a paragraph of its own, so that the copy's last paragraph stays as it is."""
    template = (TEMPLATES / "correction_order.docx").read_bytes()
    compiled = CompiledTemplate(template)
    alone = compiled.render_body(context_of("correction_order"))
    last = etree.tostring(list(alone.iter(w("p")))[-1], method="c14n")
    bodies = [compiled.render_body(context_of("correction_order")) for _ in range(2)]
    merged = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(compiled.merge(bodies))).read("word/document.xml")
    )
    first = next(b for b in merged.iter(w("bookmarkStart")) if b.get(w("name")) == copy_anchor(0))
    assert first.getparent().find(f"{w('pPr')}/{w('framePr')}") is None
    assert next(merged.iter(w("p"))).find(f"{w('pPr')}/{w('framePr')}") is not None
    breaker = next(merged.iter(w("sectPr"))).getparent().getparent()
    assert "".join(breaker.itertext()) == "" and len(breaker) == 1
    assert etree.tostring(breaker.getprevious(), method="c14n") == last
