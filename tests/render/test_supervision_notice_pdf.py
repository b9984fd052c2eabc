"""Tests of the rendered supervision notice, with the real LibreOffice: PDF/A, fonts, layout, text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.acts.issuing import issue_document
from service.database.models import Document
from service.foundations.formatting import format_date
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample

pytestmark = pytest.mark.office


@pytest.fixture
def issued(wenshu: Wenshu) -> tuple[Document, Path]:
    """The sample notice, issued once; its record and archived file."""
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    return document, wenshu.archive.absolute(document.pdf_path)


def test_pdfa_2b(issued: tuple[Document, Path]) -> None:
    """This test ensures that the archived file declares PDF/A-2b and has no PDF/A violation."""
    _, path = issued
    assert pdfcheck.pdfa_identification(path) == ("2", "B")
    assert pdfcheck.pdfa_violations(path) == []


def test_every_font_embedded(issued: tuple[Document, Path]) -> None:
    """This test ensures that every font in the PDF is embedded, FangSong for the body among them."""
    _, path = issued
    fonts = pdfcheck.fonts(path)
    assert fonts and all(row["emb"] == "yes" for row in fonts)
    assert any("FandolFang" in row["name"] for row in fonts)


def test_a4_and_text_inside_gbt9704_area(issued: tuple[Document, Path]) -> None:
    """This test ensures that pages are A4 and all text lies within the 156 × 225 mm text area."""
    _, path = issued
    for width, height in pdfcheck.page_sizes(path):
        assert width == pytest.approx(pdfcheck.A4[0], abs=1)
        assert height == pytest.approx(pdfcheck.A4[1], abs=1)
    assert pdfcheck.outside_text_area(path) == []
    words = pdfcheck.words(path)
    # Body text starts at the binding margin and runs to the right edge of the text area.
    assert min(w.x0 for w in words) == pytest.approx(pdfcheck.TEXT_LEFT, abs=pdfcheck.TOLERANCE)
    assert max(w.x1 for w in words) > pdfcheck.TEXT_RIGHT - 3 * pdfcheck.MM


def test_page_numbers_below_text_area(issued: tuple[Document, Path]) -> None:
    """This test ensures that each page but the first carries "— n —" below the text area.

    The notice is in the 信函格式, whose first page shows no page number (GB/T 9704 10.1).
    """
    document, path = issued
    numbers = [w for w in pdfcheck.words(path) if w.text.isdigit() and w.y0 > pdfcheck.TEXT_BOTTOM]
    assert document.pages > 1
    assert [(w.page, int(w.text)) for w in numbers] == [
        (page, page) for page in range(2, document.pages + 1)
    ]


def test_every_fact_in_the_text(issued: tuple[Document, Path]) -> None:
    """This test ensures that each fact, as formatted, appears in the PDF's text."""
    document, path = issued
    text = pdfcheck.text(path)
    facts = sample("supervision_notice")
    for name, value in facts.items():
        if name in {"deadline", "issue_date"}:
            year, month, day = (int(part) for part in value.split("-"))
            import datetime as dt

            value = format_date(dt.date(year, month, day))
        assert re.sub(r"\s+", "", value) in text, name
    assert document.number in text
    assert "10日内" in text and "15日内" in text  # the 复查 notice of the seed's §四


def test_number_format_and_metadata(issued: tuple[Document, Path]) -> None:
    """This test ensures the 文号's form and that the PDF carries the DA/T 46 core elements."""
    document, path = issued
    assert re.fullmatch(r"君档监通〔2026〕[1-9]\d*号", document.number)
    metadata = read_archival_metadata(path)
    assert metadata["题名"] == "执法监督通知（决定）书"
    assert metadata["文号"] == document.number
    assert metadata["责任者"] == "岳阳市君山区史志档案局"
    assert metadata["日期"] == "2026-03-05"
    assert metadata["密级和保管期限"] == "密级：公开；保管期限：30年"
    assert metadata["业务行为"] == "发文；经办人：测试员"


HOSTILE = "A&B <公司> \"引号\" '单引号' 😀 𠀀𠀁 䶮"


def test_markup_emoji_and_rare_characters_render_as_typed(wenshu: Wenshu) -> None:
    """This test ensures that & < > " ', emoji and rare CJK reach the PDF exactly as typed."""
    facts = sample("supervision_notice") | {
        "inspected_body": "𠀀𠀁测试&单位<有限>公司",
        "facts": HOSTILE + "\n第二段：{{ number }} {% if x %}",
        "cc": "A&B \"C\" 'D'",
    }
    document = issue_document(wenshu, "supervision_notice", facts, "测试员")
    path = wenshu.archive.absolute(document.pdf_path)
    text = pdfcheck.poppler_text(path)
    for expected in (
        "𠀀𠀁测试&单位<有限>公司",
        HOSTILE,
        "第二段：{{number}}{%ifx%}",
        "A&B\"C\"'D'",
    ):
        assert re.sub(r"\s+", "", expected) in text
    fonts = pdfcheck.fonts(path)
    assert all(row["emb"] == "yes" for row in fonts)
    # The glyphs come from the fallback faces, not from a missing-glyph box.
    assert any("HanaMin" in row["name"] for row in fonts)
    assert any("Symbola" in row["name"] for row in fonts)
    assert pdfcheck.pdfa_violations(path) == []
