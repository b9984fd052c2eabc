"""Tests of template previews: any template bytes with the sample facts, marked, unnumbered, cached."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from service.acts.issuing import issue_document
from service.layouts.preview import PagesWithoutOfd, PreviewCache, preview_pages
from service.layouts.versions import TemplateRefused
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import RecordingConverter
from tests.layouts.test_lint import ALL_FIELDS, with_paragraphs
from tests.layouts.test_versions import MARKER, notice_with, second_version

ROOT = Path(__file__).resolve().parents[2]
# A rectangle filled with a red-to-blue gradient, as Word writes a shape: LibreOffice draws
# the gradient as a PDF shading (sh), which the OFD beside every issued PDF cannot carry.
GRADIENT_RUN = (
    '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing" distT="0" distB="0" distL="0" distR="0">'
    '<wp:extent cx="1800000" cy="360000"/><wp:docPr id="901" name="gradient"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" cy="360000"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:gradFill><a:gsLst>'
    '<a:gs pos="0"><a:srgbClr val="FF0000"/></a:gs><a:gs pos="100000"><a:srgbClr val="0000FF"/>'
    '</a:gs></a:gsLst><a:lin ang="0" scaled="0"/></a:gradFill></wps:spPr><wps:bodyPr/>'
    "</wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
)


def with_gradient() -> bytes:
    """Return the shipped notice template with a gradient-filled rectangle before its body."""

    def insert(text: str) -> str:
        at = text.rindex("<w:r>", 0, text.index("本局依法"))
        return text[:at] + GRADIENT_RUN + text[at:]

    return notice_with(insert)


@pytest.fixture
def recording(wenshu: Wenshu, tmp_path: Path) -> tuple[Wenshu, RecordingConverter]:
    """The services with a converter that records what it converts."""
    recorder = RecordingConverter(wenshu.converter, tmp_path)
    return dataclasses.replace(wenshu, converter=recorder), recorder


@pytest.mark.office
def test_candidate_is_drawn_marked_as_a_preview(
    recording: tuple[Wenshu, RecordingConverter],
) -> None:
    """This test ensures that an unpublished template is drawn page by page, marked, with no number used."""
    wenshu, recorder = recording
    pages = preview_pages(wenshu, "supervision_notice", second_version())
    assert pages and all(page.startswith(b"\x89PNG") for page in pages)
    text = pdfcheck.poppler_text(recorder.keep / "1.pdf")
    assert MARKER in text and "号（预览）" in text
    assert "岳阳市君山区钱粮湖镇人民政府" in text  # the sample facts
    assert list(wenshu.archive.root.rglob("*.pdf")) == []
    issued = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "甲")
    assert issued.number == "君档监通〔2026〕1号" and issued.template_version == 1


def test_refused_template_is_never_rendered(recording: tuple[Wenshu, RecordingConverter]) -> None:
    """This test ensures that a template lint refuses raises TemplateRefused without any conversion."""
    wenshu, recorder = recording
    hostile = with_paragraphs(ALL_FIELDS, "{{ ''.__class__.__mro__ }}")
    with pytest.raises(TemplateRefused) as refused:
        preview_pages(wenshu, "supervision_notice", hostile)
    assert "禁止" in str(refused.value)
    with pytest.raises(TemplateRefused):
        preview_pages(wenshu, "supervision_notice", b"not a docx")
    assert recorder.calls == 0


@pytest.mark.office
def test_pages_the_ofd_cannot_carry_are_named_at_preview(
    recording: tuple[Wenshu, RecordingConverter],
) -> None:
    """This test ensures that a template drawing a gradient is refused at preview, by page and by what it draws."""
    wenshu, _ = recording
    with pytest.raises(PagesWithoutOfd) as refused:
        preview_pages(wenshu, "supervision_notice", with_gradient())
    assert "第 1 页使用了渐变填充" in str(refused.value) and "签发时将被拒绝" in str(refused.value)
    assert list(wenshu.archive.root.rglob("*.*")) == []


@pytest.mark.office
def test_cache_draws_each_template_once(
    recording: tuple[Wenshu, RecordingConverter], tmp_path: Path
) -> None:
    """This test ensures that a template's pages are drawn once and then served from the disk cache."""
    wenshu, recorder = recording
    cache = PreviewCache(tmp_path / "previews")
    template = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    count = cache.page_count(wenshu, "supervision_notice", template)
    first = cache.page(wenshu, "supervision_notice", template, 1)
    assert count >= 1 and first.startswith(b"\x89PNG")
    assert cache.page(wenshu, "supervision_notice", template, count) and recorder.calls == 1
    with pytest.raises(IndexError):
        cache.page(wenshu, "supervision_notice", template, count + 1)
    assert (
        PreviewCache(tmp_path / "previews").page_count(wenshu, "supervision_notice", template)
        == count
    )
    assert recorder.calls == 1
