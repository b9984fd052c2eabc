"""GB/T 9704 geometry of every instrument's sample, measured on real LibreOffice output (±1 mm)."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.instruments.request import computed_values
from service.render.fill.docx import render_docx
from service.render.office.converter import Converter
from tests import pdflayout
from tests.conftest import ROOT, sample
from tests.pdflayout import MM, Glyph

pytestmark = pytest.mark.office

TEXT_LEFT, TEXT_TOP, TEXT_RIGHT, TEXT_BOTTOM = 28 * MM, 37 * MM, 184 * MM, 262 * MM
PITCH = 225 * MM / 22  # one line of the body grid
TOLERANCE = 1 * MM
NUMBER = "君档监通〔2026〕12号"
COPY = "000012"
INCOMING = {"annual_report"}  # the unit's report: no bureau 版头, a receipt line instead
CJK = re.compile(r"[\u4e00-\u9fff]")


def rendered(kind: str, converter: Converter, folder: Path, **extra: str) -> Path:
    """Return the sample of a kind rendered from its shipped template as PDF."""
    instrument = get_instrument(kind)
    facts = validate_facts(instrument, sample(kind))
    computed = computed_values(instrument, facts, None) | extra
    context = build_context(instrument, facts, NUMBER, Bureau(), computed)
    docx = folder / f"{kind}.docx"
    docx.write_bytes(render_docx(ROOT / "templates_docx" / f"{kind}.docx", context))
    pdf = folder / f"{kind}.pdf"
    converter.convert(docx, pdf)
    return pdf


def line_of(glyphs: list[Glyph], text: str, page: int = 1) -> list[Glyph]:
    """Return the glyphs of the first line on a page whose text contains text."""
    lines: dict[float, list[Glyph]] = {}
    for glyph in glyphs:
        if glyph.page == page:
            lines.setdefault(round(glyph.baseline, 1), []).append(glyph)
    for baseline in sorted(lines):
        if text in "".join(g.char for g in lines[baseline]):
            return lines[baseline]
    raise AssertionError(f"no line with {text!r} on page {page}")


def dash_rows(pdf: Path, page: int) -> list[float]:
    """Return the heights (points from the top) of ink rows below the text area that span a dash."""
    png = subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-gray",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
        ],
        capture_output=True,
        check=True,
    ).stdout
    ppm = Path(pdf.parent / f"page{page}.pgm")
    ppm.write_bytes(png)
    with Image.open(ppm) as image:
        pixels = image.load()
        width, height = image.size
        scale = 72 / 300
        rows = []
        for y in range(int(TEXT_BOTTOM / scale) + 5, height):
            dark = sum(1 for x in range(width) if pixels[x, y] < 128)
            if 20 < dark < width // 2:  # a 一字线 is long; the digits' rows are short
                longest = run = 0
                for x in range(width):
                    run = run + 1 if pixels[x, y] < 128 else 0
                    longest = max(longest, run)
                if longest > 30:
                    rows.append(y * scale)
        return rows


@pytest.fixture(scope="module")
def pdfs(office_pool: Converter, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every instrument's sample rendered once, with a 份号 where the kind shares its 文号."""
    folder = tmp_path_factory.mktemp("geometry")
    return {kind: rendered(kind, office_pool, folder, copy_number=COPY) for kind in INSTRUMENTS}


def template_format(kind: str) -> str:
    """Return the format the registry declares for a kind."""
    return str(get_instrument(kind).format)


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_text_never_hangs_past_the_right_edge(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures that no glyph of any page ends beyond the text area's right edge + 0.3 mm."""
    for glyph in pdflayout.glyphs(pdfs[kind]):
        if glyph.char.strip() and glyph.baseline < TEXT_BOTTOM:
            limit = (297 - 35) * MM if kind == "audit_summary" else TEXT_RIGHT
            assert glyph.x1 <= limit + 0.3 * MM, (kind, glyph)


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_no_space_between_chinese_and_digits(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures that a digit beside a Chinese character is set almost as close as two Chinese characters of its line.

    LibreOffice's own spacing between Asian and Latin text is a fifth of an em (3.2 pt at 三号);
    a justified line spreads its slack over every character alike, the zero-width space that
    closes the gap included (up to 1.2 pt measured).
    """
    lines: dict[tuple[int, float], list[Glyph]] = {}
    for glyph in pdflayout.glyphs(pdfs[kind]):
        lines.setdefault((glyph.page, round(glyph.baseline, 1)), []).append(glyph)
    pairs = 0
    for line in lines.values():
        neighbours = [
            (a, b, b.x0 - a.x1)
            for a, b in itertools.pairwise(line)
            if b.x0 - a.x1 < a.size / 2  # neighbours, not either side of a tab or a cell border
        ]
        chinese = sorted(gap for a, b, gap in neighbours if CJK.match(a.char) and CJK.match(b.char))
        usual = chinese[len(chinese) // 2] if chinese else 0.0
        for a, b, gap in neighbours:
            if (CJK.match(a.char) and b.char.isdigit()) or (a.char.isdigit() and CJK.match(b.char)):
                pairs += 1
                assert gap <= usual + 1.5, (kind, a.char, b.char, gap, usual)
    assert pairs, kind  # every sample prints a date


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_page_numbers(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures the 一字线 7 mm below the text area, odd numbers right and even left one character in."""
    if kind == "audit_summary":
        pytest.skip("a landscape table keeps its own page number place")
    pdf = pdfs[kind]
    glyphs = pdflayout.glyphs(pdf)
    pages = max(g.page for g in glyphs)
    for page in range(1, pages + 1):
        number = [g for g in glyphs if g.page == page and g.baseline > TEXT_BOTTOM]
        if page == 1 and template_format(kind) == "信函格式":
            assert not [g for g in number if g.char == "—"], kind  # a letter's first page has none
            continue
        dashes = [g for g in number if g.char == "—"]
        assert len(dashes) == 2, (kind, page)
        assert any(abs(row - (TEXT_BOTTOM + 7 * MM)) <= TOLERANCE for row in dash_rows(pdf, page))
        if page % 2:
            assert dashes[-1].x1 == pytest.approx(TEXT_RIGHT - 14, abs=TOLERANCE)
        else:
            assert dashes[0].x0 == pytest.approx(TEXT_LEFT + 14, abs=TOLERANCE)


FILE_KINDS = sorted(
    k for k in INSTRUMENTS if template_format(k) == "文件格式" and k not in INCOMING
)
LETTER_KINDS = sorted(k for k in INSTRUMENTS if template_format(k) == "信函格式")
# Letters whose samples are copied to others; a notice to the party alone has no 抄送, so no 版记.
COPIED_LETTERS = [kind for kind in LETTER_KINDS if sample(kind).get("cc")]


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_file_format_masthead(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures the 文件格式 版头: mark 35 mm down, 发文字号 two lines below, red rule 4 mm under it, title two lines below."""
    glyphs = pdflayout.glyphs(pdfs[kind])
    copy = line_of(glyphs, COPY)
    assert copy[0].x0 == pytest.approx(TEXT_LEFT, abs=TOLERANCE)
    assert copy[0].top == pytest.approx(TEXT_TOP + (PITCH - 16 * 0.8) * 0, abs=PITCH)
    mark = line_of(glyphs, Bureau().name)
    assert "Black" in mark[0].font and mark[0].size >= 22
    assert mark[0].top == pytest.approx(TEXT_TOP + 35 * MM, abs=TOLERANCE)
    number = line_of(glyphs, NUMBER)
    assert number[0].baseline - mark[0].baseline == pytest.approx(3 * PITCH, abs=TOLERANCE)
    red = [r for r in pdflayout.rules(pdfs[kind]) if r.page == 1 and r.red]
    assert len(red) == 1
    assert red[0].y - number[0].bottom == pytest.approx(4 * MM, abs=TOLERANCE)
    assert (red[0].x0, red[0].x1) == pytest.approx((TEXT_LEFT, TEXT_RIGHT), abs=TOLERANCE)
    title = next(g for g in glyphs if g.page == 1 and g.size == 22)
    assert title.baseline - number[0].baseline == pytest.approx(3 * PITCH, abs=TOLERANCE)


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_file_format_imprint(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures the 版记 on the last page: last rule on the text area's foot, rules text-area wide, outer thick, inner thin, 印发 line."""
    glyphs = pdflayout.glyphs(pdfs[kind])
    last = max(g.page for g in glyphs)
    rules = [r for r in pdflayout.rules(pdfs[kind]) if r.page == last and not r.red]
    rules = [r for r in rules if r.length > 150 * MM]
    assert len(rules) >= 2, kind
    assert rules[-1].y == pytest.approx(TEXT_BOTTOM, abs=TOLERANCE)
    for rule in rules:
        assert (rule.x0, rule.x1) == pytest.approx((TEXT_LEFT, TEXT_RIGHT), abs=TOLERANCE)
    assert rules[0].width == pytest.approx(0.35 * MM, abs=0.05 * MM)
    assert rules[-1].width == pytest.approx(0.35 * MM, abs=0.05 * MM)
    for inner in rules[1:-1]:
        assert inner.width == pytest.approx(0.25 * MM, abs=0.05 * MM)
    printed = line_of(glyphs, "印发", page=last)
    text = "".join(g.char for g in printed)
    assert text.startswith(Bureau().printing_office) and text.endswith("日印发")
    assert printed[0].x0 == pytest.approx(TEXT_LEFT + 14, abs=TOLERANCE)  # one character in
    assert printed[-1].x1 == pytest.approx(TEXT_RIGHT - 14, abs=TOLERANCE)
    assert rules[-2].y < printed[0].top and printed[0].bottom < rules[-1].y


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_letter_format(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures the 信函格式: mark 30 mm from the top, red double rules 170 mm, 份号 and 发文字号 7/8 character below, title two lines below."""
    glyphs = pdflayout.glyphs(pdfs[kind])
    mark = line_of(glyphs, Bureau().name)
    assert mark[0].top == pytest.approx(30 * MM, abs=TOLERANCE)
    red = [r for r in pdflayout.rules(pdfs[kind]) if r.page == 1 and r.red]
    assert len(red) == 4
    top_thick, top_thin, bottom_thin, bottom_thick = red
    assert top_thick.width > top_thin.width and bottom_thick.width > bottom_thin.width
    assert top_thick.y - mark[0].bottom == pytest.approx(4 * MM, abs=TOLERANCE)
    assert bottom_thick.y == pytest.approx((297 - 20) * MM, abs=TOLERANCE)
    for rule in red:
        assert rule.length == pytest.approx(170 * MM, abs=TOLERANCE)
        assert rule.x0 == pytest.approx(20 * MM, abs=TOLERANCE)
    line = line_of(glyphs, NUMBER)
    assert "".join(g.char for g in line).startswith(COPY)
    assert line[0].x0 == pytest.approx(TEXT_LEFT, abs=TOLERANCE)
    assert line[-1].x1 == pytest.approx(TEXT_RIGHT, abs=TOLERANCE)
    rule_bottom = top_thin.y + top_thin.width / 2
    assert line[0].top - rule_bottom == pytest.approx(7 / 8 * 16, abs=TOLERANCE)
    title = next(g for g in glyphs if g.page == 1 and g.size == 22)
    assert title.baseline - line[0].baseline == pytest.approx(3 * PITCH, abs=TOLERANCE)


@pytest.mark.parametrize("kind", COPIED_LETTERS)
def test_letter_imprint_at_the_foot(kind: str, pdfs: dict[str, Path]) -> None:
    """This test ensures that a letter's 抄送 stands on the last line of its last page's text area, without rules."""
    glyphs = pdflayout.glyphs(pdfs[kind])
    last = max(g.page for g in glyphs)
    cc = line_of(glyphs, "抄送", page=last)
    assert TEXT_BOTTOM - PITCH < cc[0].baseline <= TEXT_BOTTOM
    assert not [r for r in pdflayout.rules(pdfs[kind]) if r.page == last and not r.red]


def test_incoming_report_prints_a_receipt_line_and_no_masthead(pdfs: dict[str, Path]) -> None:
    """This test ensures that the unit's annual report shows the 收文登记号 top right, no bureau mark or rule."""
    glyphs = pdflayout.glyphs(pdfs["annual_report"])
    receipt = line_of(glyphs, "收文登记号")
    assert receipt[-1].x1 == pytest.approx(TEXT_RIGHT, abs=TOLERANCE)
    assert receipt[0].size < 16
    assert not [r for r in pdflayout.rules(pdfs["annual_report"]) if r.red]
    assert not [g for g in glyphs if "Black" in g.font and g.size >= 26]


def test_check_boxes_share_one_font(pdfs: dict[str, Path]) -> None:
    """This test ensures that ☐ and ☑ are drawn from one font."""
    boxes = [g for g in pdflayout.glyphs(pdfs["inspection_record"]) if g.char in "☐☑"]
    assert {g.char for g in boxes} == {"☐", "☑"}
    assert len({g.font for g in boxes}) == 1


@pytest.mark.parametrize(
    ("kind", "label", "name"),
    [
        ("inspection_record", "负责人签字", "head_name"),
        ("access_register", "接待人员签字", "receiver"),
        ("access_register", "查阅人签字", "visitor"),
    ],
)
def test_typed_name_never_on_a_signature_line(
    kind: str, label: str, name: str, pdfs: dict[str, Path]
) -> None:
    """This test ensures that where a person signs by hand the typed name is not printed after the label."""
    typed = sample(kind)[name]
    glyphs = pdflayout.glyphs(pdfs[kind])
    assert typed in "".join(g.char for g in glyphs)  # printed, beside the signature
    label = signature_label(glyphs, label)
    beside = "".join(g.char for g in signature_place(glyphs, label))
    assert beside.strip() == "", (kind, beside)


def signature_label(glyphs: list[Glyph], label: str) -> list[Glyph]:
    """Return the glyphs of a signature line's label."""
    chars = "".join(g.char for g in glyphs)
    at = chars.index(label)
    return glyphs[at : at + len(label)]


def signature_place(glyphs: list[Glyph], label: list[Glyph]) -> list[Glyph]:
    """Return what is printed to the right of a label, within half a line above or below it."""
    end = label[-1]
    return [
        g
        for g in glyphs
        if g.page == end.page and g.x0 > end.x1 and abs(g.baseline - end.baseline) < PITCH / 2
    ]


def test_recorded_refusal_stands_where_the_signature_would(
    office_pool: Converter, tmp_path: Path
) -> None:
    """This test ensures that a head's refusal to sign is printed on the signature line, with no name."""
    facts = sample("inspection_record") | {"head_name": "", "refusal_note": "负责人当场拒绝签字"}
    instrument = get_instrument("inspection_record")
    checked = validate_facts(instrument, facts)
    context = build_context(instrument, checked, NUMBER, Bureau(), {})
    docx = tmp_path / "refused.docx"
    docx.write_bytes(render_docx(ROOT / "templates_docx" / "inspection_record.docx", context))
    pdf = tmp_path / "refused.pdf"
    office_pool.convert(docx, pdf)
    glyphs = pdflayout.glyphs(pdf)
    place = signature_place(glyphs, signature_label(glyphs, "负责人签字"))
    assert "".join(g.char for g in place) == "拒绝签字：负责人当场拒绝签字"
