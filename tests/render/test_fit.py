"""Tests with the real LibreOffice of keeping the 版记 and the signature off pages of their own (GB/T 9704 7.3.5).

What a page holds is measured here with pdftotext's word boxes (tests/pdfcheck.py), not with
the service's own reading of the PDF. The first conversion of each render (kept by the
recording converter as 1.pdf) shows the document as filled: each test first asserts that it
has the problem, so that facts or templates that stop reproducing it are noticed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from lxml import etree

from service.foundations.config import Bureau
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request, document_metadata
from service.render.fill.docx import render_docx
from service.render.office.pool import OfficePool
from service.render.ooxml.anchors import DESTINATION_OPTIONS, is_floating
from service.render.ooxml.parts_edit import DOCUMENT, read_parts, w, with_parts
from service.render.pdfa import RenderedPdf
from service.render.pipeline import render_pdf
from service.render.request import RenderRequest
from tests import pdfcheck
from tests.conftest import ROOT, sample
from tests.fakes import RecordingConverter

pytestmark = pytest.mark.office

ISSUER = Bureau().name
GRID_22 = 225 * pdfcheck.MM / 22  # a line of the GB/T 9704 grid
GRID_24 = 225 * pdfcheck.MM / 24  # a line at the tightest setting
LONG_UNIT = "岳阳市君山区人力资源和社会保障局劳动人事争议仲裁院办公室"
ADDED_LINE = "\n整改情况按月报区史志档案局。"  # one line of the body
SIX_BODIES = (
    "中共岳阳市君山区委组织部，岳阳市君山区人民政府办公室，岳阳市档案局，岳阳市君山区司法局，"
    "岳阳市君山区财政局，岳阳市君山区审计局"
)


def template(kind: str) -> bytes:
    """Return the shipped template of a kind."""
    return (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()


def request_of(
    kind: str, facts: dict[str, Any] | None = None, data: bytes | None = None
) -> RenderRequest:
    """Return the render request of a kind's facts (its sample by default) under 文号 1."""
    instrument = get_instrument(kind)
    checked = validate_facts(instrument, facts or sample(kind))
    number = "君档〔2026〕1号"
    metadata = document_metadata(
        instrument, checked, number, Bureau(), agent="测试员", action_time=dt.datetime(2026, 3, 5)
    )
    return build_render_request(
        instrument, checked, {}, number, data or template(kind), Bureau(), metadata
    )


def without_keeps(docx: bytes) -> bytes:
    """Return a template whose body keeps no paragraph with the next, as a maintainer may edit one."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:keepNext/>", b"").replace(b"<w:keepLines/>", b"")
            target.writestr(item, data)
    return out.getvalue()


def imprint_on_a_new_page(docx: bytes) -> bytes:
    """Return a template that breaks the page before the paragraph its 版记 is anchored to."""
    parts = read_parts(docx, (DOCUMENT,))
    paragraphs = list(parts[DOCUMENT].iter(w("p")))
    imprint = next(
        p
        for p in paragraphs
        if p.find(f"{w('pPr')}/{w('pStyle')}[@{w('val')}='Imprint']") is not None
    )
    after = paragraphs[paragraphs.index(imprint) + 1 :]
    anchor = next(p for p in after if not is_floating(p) and "{%" not in "".join(p.itertext()))
    anchor.find(w("pPr")).append(etree.Element(w("pageBreakBefore")))
    return with_parts(docx, parts)


def written(pdf: RenderedPdf, path: Path) -> Path:
    """Write a rendered PDF to path and return it."""
    path.write_bytes(pdf.data)
    return path


def text_words(path: Path) -> list[pdfcheck.Word]:
    """Return the words of the PDF, page numbers left out."""
    return [word for word in pdfcheck.words(path) if not pdfcheck.is_page_number(word)]


def alone_on_its_page(path: Path, text: str) -> bool:
    """Return whether the last word reading text (or, for the 抄送, beginning with it) has no word
    above it on its page."""
    words = text_words(path)
    word = [w for w in words if w.text == text or (text == "抄送" and w.text.startswith(text))][-1]
    above = [w for w in words if w.page == word.page and w.y1 < word.y0]
    return word.page > 1 and not above


def gap_before_signature(path: Path, signatory: str) -> float:
    """Return the empty height at the foot of the page before the 署名's page, in points."""
    signature = [w for w in text_words(path) if w.text == signatory][-1]
    before = [w for w in text_words(path) if w.page == signature.page - 1]
    return pdfcheck.TEXT_BOTTOM - max(w.y1 for w in before) if before else 0.0


def assert_clean_pdfa(path: Path) -> None:
    """Assert the PDF is PDF/A-2b without violation, every font embedded, no destination left."""
    assert pdfcheck.pdfa_identification(path) == ("2", "B")
    assert pdfcheck.pdfa_violations(path) == []
    fonts = pdfcheck.fonts(path)
    assert fonts and all(row["emb"] == "yes" for row in fonts)
    with pikepdf.open(path) as pdf:
        assert "/Dests" not in pdf.Root and "/Names" not in pdf.Root


def test_the_cc_of_a_correction_order_no_longer_stands_alone(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that a correction order to a unit of a long name, copied to six bodies,
    whose 抄送 goes to page 2 as filled (taking the signature and the closing lines with it), is
    set on one page with the 抄送 under its text, in clean PDF/A-2b."""
    facts = sample("correction_order") | {"unit": LONG_UNIT, "cc": SIX_BODIES}
    recorder = RecordingConverter(office_pool, tmp_path)
    pdf = render_pdf(request_of("correction_order", facts), recorder)
    first = tmp_path / "1.pdf"
    assert len(pdfcheck.page_sizes(first)) == 2, "the facts no longer show the defect"
    assert gap_before_signature(first, ISSUER) >= 4 * GRID_22
    path = written(pdf, tmp_path / "fitted.pdf")
    assert not alone_on_its_page(path, "抄送")
    assert (pdf.pages, pdf.warnings) == (1, ())
    assert 1 < recorder.calls <= 3
    assert_clean_pdfa(path)


def lonely_signature_facts(office_pool: OfficePool, data: bytes, folder: Path) -> dict[str, Any]:
    """Return annual report facts (a report: no 版记) whose signature block, converted as filled
    with the template data, stands alone on its page: the fewest lines of fixes added that do it."""
    facts = sample("annual_report")
    for added in range(23):
        trial = facts | {"fixes": facts["fixes"] + ADDED_LINE * added}
        docx_path, pdf_path = folder / f"{added}.docx", folder / f"{added}.pdf"
        request = request_of("annual_report", trial, data)
        docx_path.write_bytes(render_docx(request.template, dict(request.context)))
        office_pool.convert(docx_path, pdf_path)
        if alone_on_its_page(pdf_path, facts["unit"]):
            return trial
    pytest.fail("no added lines put the report's signature alone on a page")


def test_a_signature_that_would_stand_alone_is_pulled_back(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that a signature block pushed alone onto a new page (a template keeping
    nothing together) is pulled back to the text, in clean PDF/A-2b."""
    data = without_keeps(template("annual_report"))
    (tmp_path / "search").mkdir()
    facts = lonely_signature_facts(office_pool, data, tmp_path / "search")
    recorder = RecordingConverter(office_pool, tmp_path)
    pdf = render_pdf(request_of("annual_report", facts, data), recorder)
    assert alone_on_its_page(tmp_path / "1.pdf", facts["unit"])
    path = written(pdf, tmp_path / "fitted.pdf")
    assert not alone_on_its_page(path, facts["unit"])
    assert pdf.warnings == ()
    assert_clean_pdfa(path)


def gap_facts(office_pool: OfficePool, folder: Path) -> dict[str, Any]:
    """Return annual report facts that, converted as filled, leave the page before the signature's
    4 lines short or more: the fewest lines of fixes added that do it."""
    facts = sample("annual_report")
    for added in range(23):
        trial = facts | {"fixes": facts["fixes"] + ADDED_LINE * added}
        docx_path, pdf_path = folder / f"{added}.docx", folder / f"{added}.pdf"
        request = request_of("annual_report", trial)
        docx_path.write_bytes(render_docx(request.template, dict(request.context)))
        office_pool.convert(docx_path, pdf_path)
        if gap_before_signature(pdf_path, facts["unit"]) > 4 * GRID_22:
            return trial
    pytest.fail("no added lines leave a gap before the report's signature")


def test_the_gap_before_a_carried_over_closing_is_closed(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that the annual report's page left 4 lines short or more, before a page
    opening with the closing line and the signature, is filled by setting the body tighter."""
    (tmp_path / "search").mkdir()
    facts = gap_facts(office_pool, tmp_path / "search")
    recorder = RecordingConverter(office_pool, tmp_path)
    pdf = render_pdf(request_of("annual_report", facts), recorder)
    signatory = facts["unit"]
    assert gap_before_signature(tmp_path / "1.pdf", signatory) > 4 * GRID_22, "no gap as filled"
    path = written(pdf, tmp_path / "fitted.pdf")
    assert gap_before_signature(path, signatory) < 4 * GRID_24
    assert pdf.warnings == ()
    assert_clean_pdfa(path)


def test_a_document_that_fits_is_converted_once(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that a document whose pages are fine is converted once, as filled."""
    recorder = RecordingConverter(office_pool, tmp_path)
    pdf = render_pdf(request_of("safety_circular"), recorder)
    assert recorder.options == [DESTINATION_OPTIONS]
    assert pdf.warnings == ()
    assert text_words(written(pdf, tmp_path / "out.pdf")) == text_words(tmp_path / "1.pdf")


def test_a_lonely_page_nothing_cures_is_kept_as_filled_with_a_warning(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that when no tightening helps (a template breaking the page before the line
    its 版记 is anchored to), the document is converted three times, kept as filled, and the lonely
    page is its warning."""
    recorder = RecordingConverter(office_pool, tmp_path)
    data = imprint_on_a_new_page(template("correction_order"))
    pdf = render_pdf(request_of("correction_order", data=data), recorder)
    assert recorder.calls == 3
    assert len(pdf.warnings) == 1
    assert pdf.warnings[0].startswith("版面：第2页只有版记；已按 GB/T 9704 第7.3.5条")
    assert text_words(written(pdf, tmp_path / "kept.pdf")) == text_words(tmp_path / "1.pdf")
