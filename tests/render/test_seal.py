"""The seal on the real LibreOffice output of each instrument: GB/T 9704 7.3.5.1, PDF/A-2b, refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from service.acts.issuing import issue_document
from service.background.startup import prepare_service
from service.foundations.config import Bureau, load_settings
from service.foundations.formatting import format_date
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import computed_values
from service.render.fill.docx import render_docx
from service.render.fit import TIGHTENINGS, Tightening
from service.render.office.pool import OfficePool
from service.render.ooxml.spacing import body_grid
from service.render.seal import SealImage, SealUnplaceable, stamp_seal
from service.render.textlines import page_lines
from service.services import Wenshu
from tests import pdfcheck
from tests.casework import issue_sample
from tests.conftest import ROOT, sample
from tests.fakes import FakeArchive
from tests.render.specimen_seal import specimen_seal_png

MM = pdfcheck.MM
LINE_PITCH = 225 * MM / 22
ISSUER = Bureau().name
# Instruments that close with the bureau's 署名 over the 成文日期, and those that do not:
# the register and the inspection record are signed by hand, the annual report by the unit.
# (The 双随机 list is issued from a recorded draw, which these samples do not make.)
SEALED = [
    "audit_summary",
    "correction_order",
    "enforcement_notice",
    "penalty_decision",
    "review_decision",
    "safety_circular",
    "supervision_notice",
]
UNSEALED = ["access_register", "annual_report", "inspection_record"]
PREREQUISITES = {"review_decision": ["supervision_notice"], "audit_summary": ["annual_report"]}


def printed_date(kind: str) -> str:
    """Return the sample's 成文日期 as the instrument prints it."""
    return format_date(dt.date.fromisoformat(sample(kind)[get_instrument(kind).date_field]))


@pytest.fixture(scope="module")
def rendered(
    office_pool: OfficePool, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, bytes]]:
    """Every sample issued once with the real LibreOffice; its archived PDF by kind."""
    settings = load_settings({"instance_path": tmp_path_factory.mktemp("seal") / "instance"})
    wenshu = Wenshu.open(settings, office_pool)
    prepare_service(wenshu)
    pdfs = {}
    for kind in SEALED + UNSEALED:
        for earlier in PREREQUISITES.get(kind, []):
            issue_document(wenshu, earlier, sample(earlier), "测试员")
        document = issue_sample(wenshu, kind, "测试员")
        pdfs[kind] = wenshu.archive.absolute(document.pdf_path).read_bytes()
    wenshu.database.dispose()
    yield pdfs


def sealed_copy(pdf: bytes, tmp_path: Path, date: str) -> Path:
    """Return the path of the PDF stamped with the specimen seal."""
    path = tmp_path / "sealed.pdf"
    path.write_bytes(stamp_seal(pdf, SealImage(specimen_seal_png()), ISSUER, date))
    return path


def signature_lines(
    path: Path, page: int, date: str
) -> tuple[list[pdfcheck.Word], list[pdfcheck.Word], list[pdfcheck.Word]]:
    """Return, as poppler reads them, the body's last line, the 署名 and the 成文日期 on page."""
    on_page = [line for line in pdfcheck.lines(path) if line[0].page == page]
    joined = ["".join(w.text for w in line) for line in on_page]
    at = max(i for i, text in enumerate(joined) if date in text and ISSUER in joined[i - 1])
    return on_page[at - 2], on_page[at - 1], on_page[at]


@pytest.mark.office
@pytest.mark.parametrize("kind", SEALED)
def test_seal_placed_as_gbt9704_says(kind: str, rendered: dict[str, bytes], tmp_path: Path) -> None:
    """This test ensures that the seal is upright, centred on the 成文日期, above both lines' tops, its top within a line of the body."""
    date = printed_date(kind)
    path = sealed_copy(rendered[kind], tmp_path, date)
    [seal] = pdfcheck.image_placements(path)
    body, issuer, date_line = signature_lines(path, seal.page, date)
    centre_x, centre_y = (seal.x0 + seal.x1) / 2, (seal.y0 + seal.y1) / 2
    assert seal.x1 - seal.x0 == pytest.approx(42 * MM, abs=0.01)
    assert seal.y1 - seal.y0 == pytest.approx(42 * MM, abs=0.01)  # upright and round
    assert centre_y < min(w.y0 for w in issuer)
    assert centre_y < min(w.y0 for w in date_line)
    assert seal.y1 > max(w.y1 for w in date_line)  # it presses down on the date too
    date_centre = (date_line[0].x0 + date_line[-1].x1) / 2
    assert abs(centre_x - date_centre) <= 1 * MM
    gap = seal.y0 - max(w.y1 for w in body)
    # GB/T 9704 geometry holds within ±1 mm: a seal that meets the body's glyph boxes a
    # fraction of a millimetre early still stands on the body's last line.
    assert -pdfcheck.TOLERANCE <= gap <= LINE_PITCH, f"seal top {gap / MM:.1f} mm below the body"


def filled_docx(kind: str) -> bytes:
    """Return the kind's sample filled into its shipped template."""
    instrument = get_instrument(kind)
    facts = validate_facts(instrument, sample(kind))
    computed = computed_values(instrument, facts, FakeArchive())
    context = build_context(instrument, facts, "君档〔2026〕1号", Bureau(), computed)
    return render_docx(ROOT / "templates_docx" / f"{kind}.docx", context)


@pytest.mark.office
@pytest.mark.parametrize("kind", ["correction_order", "penalty_decision"])
@pytest.mark.parametrize("tightening", TIGHTENINGS, ids=lambda t: f"{t.lines}x{t.chars}")
def test_seal_clears_the_body_on_a_tighter_grid(
    kind: str, tightening: Tightening, office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that with the body set tighter, as the page-fitting step may (GB/T 9704
    7.3.5), the blank lines above the 署名 still hold the seal: its top below the body's last
    line, not on it, and within a line of it."""
    docx = filled_docx(kind)
    source, pdf = tmp_path / "tight.docx", tmp_path / "tight.pdf"
    source.write_bytes(tightening.apply(docx, body_grid(docx)))
    office_pool.convert(source, pdf)
    date = printed_date(kind)
    path = sealed_copy(pdf.read_bytes(), tmp_path, date)
    [seal] = pdfcheck.image_placements(path)
    body, issuer, _ = signature_lines(path, seal.page, date)
    gap = seal.y0 - max(w.y1 for w in body)
    assert 0 <= gap <= LINE_PITCH, f"seal top {gap / MM:.2f} mm below the body"
    assert (seal.y0 + seal.y1) / 2 < min(w.y0 for w in issuer)


@pytest.mark.office
@pytest.mark.parametrize("kind", SEALED)
def test_sealed_pdf_still_pdfa(kind: str, rendered: dict[str, bytes], tmp_path: Path) -> None:
    """This test ensures that the sealed PDF still passes the PDF/A-2b validator, its text and pages unchanged."""
    path = sealed_copy(rendered[kind], tmp_path, printed_date(kind))
    original = tmp_path / "original.pdf"
    original.write_bytes(rendered[kind])
    assert pdfcheck.pdfa_identification(path) == ("2", "B")
    assert pdfcheck.pdfa_violations(path) == []
    assert pdfcheck.poppler_text(path) == pdfcheck.poppler_text(original)
    assert pdfcheck.page_sizes(path) == pdfcheck.page_sizes(original)


@pytest.mark.office
def test_seal_shows_red_with_text_through(rendered: dict[str, bytes], tmp_path: Path) -> None:
    """This test ensures that the seal is drawn red over the page and its transparent ground lets the 署名 show."""
    date = printed_date("supervision_notice")
    path = sealed_copy(rendered["supervision_notice"], tmp_path, date)
    [seal] = pdfcheck.image_placements(path)
    _, issuer, _ = signature_lines(path, seal.page, date)
    page = pdfcheck.render_page(path, seal.page, dpi=72)
    box = (round(seal.x0), round(seal.y0), round(seal.x1), round(seal.y1))
    inside = page.crop(box).convert("RGB")
    colours = list(inside.get_flattened_data())
    red = sum(1 for r, g, b in colours if r > 150 and g < 90 and b < 90)
    assert red > 0.05 * len(colours)
    # Black 署名 glyphs still show under the transparent parts of the seal.
    under = page.crop(
        (round(issuer[0].x0), round(issuer[0].y0), round(seal.x0), round(issuer[0].y1))
    )
    assert any(
        r < 80 and g < 80 and b < 80 for r, g, b in under.convert("RGB").get_flattened_data()
    )


@pytest.mark.office
@pytest.mark.parametrize("kind", UNSEALED)
def test_instrument_without_signature_block_refused(kind: str, rendered: dict[str, bytes]) -> None:
    """This test ensures that an instrument that prints no bureau 署名 over its date gets no seal at a guessed place."""
    with pytest.raises(SealUnplaceable, match="成文日期"):
        stamp_seal(rendered[kind], SealImage(specimen_seal_png()), ISSUER, printed_date(kind))


@pytest.mark.office
def test_pdf_without_the_date_refused(rendered: dict[str, bytes]) -> None:
    """This test ensures that a date the PDF does not print is refused with a message naming it."""
    with pytest.raises(SealUnplaceable, match="2026年3月6日"):
        stamp_seal(
            rendered["supervision_notice"], SealImage(specimen_seal_png()), ISSUER, "2026年3月6日"
        )


def signature_docx(path: Path, blank_lines: int) -> Path:
    """Return a DOCX of one body line, blank lines, the 署名 and the 成文日期, on the 22-line pitch."""
    document = DocxDocument()
    lines = ["本局决定对当事人给予警告。", *[""] * blank_lines, ISSUER, "2026年3月5日"]
    for number, text in enumerate(lines):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(LINE_PITCH)
        paragraph.paragraph_format.space_after = Pt(0)
        if number >= len(lines) - 2:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        run.font.size = Pt(16)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    document.save(path)
    return path


@pytest.mark.office
def test_seal_rises_over_blank_lines(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that with three blank lines before the 署名 the seal rises to within a line of the body, still above both lines' tops."""
    pdf = tmp_path / "block.pdf"
    office_pool.convert(signature_docx(tmp_path / "block.docx", 3), pdf)
    path = sealed_copy(pdf.read_bytes(), tmp_path, "2026年3月5日")
    [seal] = pdfcheck.image_placements(path)
    body, issuer, date_line = signature_lines(path, seal.page, "2026年3月5日")
    gap = seal.y0 - max(w.y1 for w in body)
    assert 0 <= gap <= LINE_PITCH
    centre_y = (seal.y0 + seal.y1) / 2
    # Risen: farther above the 署名 than the 1 mm a seal sits above it after two blank lines.
    assert centre_y < min(w.y0 for w in issuer) - 2 * MM
    assert seal.y1 > max(w.y1 for w in date_line) - 8  # still pressing on the date


@pytest.mark.office
def test_too_many_blank_lines_refused(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that a 署名 five blank lines below the body, which no seal can reach from within a line of the body, is refused."""
    pdf = tmp_path / "block.pdf"
    office_pool.convert(signature_docx(tmp_path / "block.docx", 5), pdf)
    with pytest.raises(SealUnplaceable, match="空行过多"):
        stamp_seal(pdf.read_bytes(), SealImage(specimen_seal_png()), ISSUER, "2026年3月5日")


@pytest.mark.office
@pytest.mark.parametrize("kind", SEALED + UNSEALED)
def test_glyph_boxes_match_poppler(kind: str, rendered: dict[str, bytes], tmp_path: Path) -> None:
    """This test ensures that the glyph boxes the seal is placed by agree with poppler's word boxes within 0.1 pt."""
    path = tmp_path / "document.pdf"
    path.write_bytes(rendered[kind])
    with pikepdf.open(path) as pdf:
        heights = [float(page.mediabox[3]) for page in pdf.pages]
        ours = {number: page_lines(page) for number, page in enumerate(pdf.pages, start=1)}
    checked = 0
    for word in pdfcheck.words(path):
        text = "".join(word.text.split())
        matches = [
            line.glyphs[at : at + len(text)]
            for line in ours[word.page]
            for at in range(len(line.glyphs) - len(text) + 1)
            if "".join(g.char for g in line.glyphs[at : at + len(text)]) == text
        ]
        top = heights[word.page - 1] - word.y0
        bottom = heights[word.page - 1] - word.y1
        assert any(
            abs(span[0].x0 - word.x0) < 0.1
            and abs(span[-1].x1 - word.x1) < 0.1
            and bottom <= span[0].baseline <= top
            for span in matches
        ), f"{kind} page {word.page}: {word.text!r} at {word.x0:.1f}–{word.x1:.1f}"
        checked += 1
    assert checked >= 10  # every page of words, not a vacuous pass
