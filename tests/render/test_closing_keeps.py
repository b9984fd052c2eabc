"""The shipped templates' closing lines, signature and 版记 as LibreOffice lays them out as filled (GB/T 9704 7.3.5).

Each test converts the template filled and nothing more (no page fitting), so it sees what
the template itself keeps together. Where the facts that show the case depend on where
lines fall, they are searched for: one-line paragraphs are added to a long-text fact until
the case appears, and a search that finds none fails the test.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.render.fill.docx import render_docx
from service.render.office.pool import OfficePool
from service.render.ooxml.parts_edit import w
from tests import pdfcheck
from tests.conftest import ROOT, sample

# The forms persons sign (表格 without the bureau's seal) are signed by hand in their tables;
# every other instrument has a signature under its body.
SIGNED_UNDER_BODY = sorted(
    kind for kind, spec in INSTRUMENTS.items() if spec.format != "表格" or spec.seal
)
ISSUER = Bureau().name
GRID_22 = 225 * pdfcheck.MM / 22  # a line of the GB/T 9704 grid
ADDED_LINE = "\n整改情况按月报区史志档案局。"  # one line of the body
LONG_UNIT = "岳阳市君山区人力资源和社会保障局劳动人事争议仲裁院办公室"
SIX_BODIES = (
    "中共岳阳市君山区委组织部，岳阳市君山区人民政府办公室，岳阳市档案局，岳阳市君山区司法局，"
    "岳阳市君山区财政局，岳阳市君山区审计局"
)
STATEMENT = "本单位对本报告的真实性负责，所报情况如有不实，由本单位承担相应责任。"

Line = tuple[int, str, float]  # page, text without spaces, top in points from the page's top


def filled_pdf(
    office_pool: OfficePool, kind: str, facts: dict[str, Any], folder: Path, name: str
) -> Path:
    """Return the PDF of the kind's shipped template filled with facts, converted once."""
    instrument = get_instrument(kind)
    checked = validate_facts(instrument, facts)
    context = build_context(instrument, checked, "君档〔2026〕1号", Bureau())
    docx, pdf = folder / f"{name}.docx", folder / f"{name}.pdf"
    docx.write_bytes(render_docx(ROOT / "templates_docx" / f"{kind}.docx", context))
    office_pool.convert(docx, pdf)
    return pdf


def style_of(paragraph: etree._Element) -> str:
    """Return the id of a paragraph's style, "" for none."""
    style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def text_lines(path: Path) -> list[Line]:
    """Return the PDF's lines of text, page numbers left out, top to bottom on each page."""
    found = []
    for line in pdfcheck.lines(path):
        words = [word for word in line if not pdfcheck.is_page_number(word)]
        if words:
            text = "".join("".join(word.text.split()) for word in words)
            found.append((words[0].page, text, min(word.y0 for word in words)))
    return found


def last_line(lines: list[Line], text: str) -> int:
    """Return the index of the last line reading exactly text."""
    return max(index for index, line in enumerate(lines) if line[1] == text)


def first_line_with(lines: list[Line], text: str) -> int:
    """Return the index of the first line containing text."""
    return next(index for index, line in enumerate(lines) if text in line[1])


def search(
    office_pool: OfficePool,
    folder: Path,
    kind: str,
    facts: dict[str, Any],
    grown: str,
    shows: Callable[[list[Line], Path], bool],
) -> tuple[list[Line], Path]:
    """Return the lines and PDF of the first filling, with 0 to 22 lines added to the fact grown,
    whose layout shows the case; fail when none does."""
    for added in range(23):
        trial = facts | {grown: facts[grown] + ADDED_LINE * added}
        pdf = filled_pdf(office_pool, kind, trial, folder, f"{kind}-{added}")
        lines = text_lines(pdf)
        if shows(lines, pdf):
            return lines, pdf
    pytest.fail(f"no added lines of {grown} show the case in {kind}")


@pytest.mark.parametrize("kind", SIGNED_UNDER_BODY)
def test_a_closing_paragraph_is_kept_with_the_signature_but_may_split(kind: str) -> None:
    """This test ensures that the paragraph before a signature's blank lines is kept with them but not
    kept whole, under widow control: Word, where maintainers edit the templates, then carries
    only its last two lines over with the signature. (LibreOffice 7.4 moves a paragraph kept
    with the next whole either way; what that leaves empty, the page-fitting step closes.)"""
    with zipfile.ZipFile(ROOT / "templates_docx" / f"{kind}.docx") as package:
        body = etree.fromstring(package.read("word/document.xml")).find(w("body"))
    paragraphs = list(body.iter(w("p")))
    issuer = next(i for i, p in enumerate(paragraphs) if style_of(p) == "Signature")
    assert style_of(paragraphs[issuer - 1]) == "Blank"  # the lines the seal presses into
    closing = next(p for p in reversed(paragraphs[:issuer]) if "".join(p.itertext()).strip())
    properties = {etree.QName(child).localname for child in closing.find(w("pPr"))}
    assert {"keepNext", "widowControl"} <= properties
    assert "keepLines" not in properties


@pytest.mark.office
def test_only_the_annual_reports_last_line_is_kept_with_its_signature(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that when the annual report's signature goes to a new page, only the line
    of the responsible person goes with it: the heading and the statement stay where they end."""
    facts = sample("annual_report")
    signatory = facts["unit"]

    def moved(lines: list[Line], _: Path) -> bool:
        statement = first_line_with(lines, STATEMENT[:12])
        return lines[statement][0] < lines[last_line(lines, signatory)][0]

    lines, _ = search(office_pool, tmp_path, "annual_report", facts, "fixes", moved)
    issuer = last_line(lines, signatory)
    page = lines[issuer][0]
    above = [line[1] for line in lines[:issuer] if line[0] == page]
    assert above == [f"单位负责人：{facts['responsible_person']}"]
    statement = first_line_with(lines, STATEMENT[:12])
    assert "".join(line[1] for line in lines[statement : issuer - 1]) == STATEMENT


@pytest.mark.office
def test_a_letter_without_cc_ends_with_its_date(office_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that a letter with no 抄送 whose 成文日期 falls on the last line of a page
    has no page after it: nothing of an absent 版记 is left to make a blank last page."""
    date = "2026年4月15日"

    def date_on_last_line(lines: list[Line], _: Path) -> bool:
        return lines[last_line(lines, date)][2] > pdfcheck.TEXT_BOTTOM - GRID_22

    facts = sample("enforcement_notice") | {"cc": ""}
    lines, pdf = search(
        office_pool, tmp_path, "enforcement_notice", facts, "corrections", date_on_last_line
    )
    assert lines[last_line(lines, date)][0] == len(pdfcheck.page_sizes(pdf))


@pytest.mark.office
def test_a_cc_that_does_not_fit_takes_the_signature_with_it(
    office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that when the 抄送 of a correction order (to a unit of a long name, copied to
    six bodies) does not fit under its text, it goes to the next page with the signature and the
    closing lines, never alone: the page left short is what tightening the body can close."""
    facts = sample("correction_order") | {"unit": LONG_UNIT, "cc": SIX_BODIES}
    pdf = filled_pdf(office_pool, "correction_order", facts, tmp_path, "long")
    lines = text_lines(pdf)
    cc = first_line_with(lines, "抄送")
    assert lines[cc][0] == 2, "the 抄送 fits on the first page: the facts no longer show the case"
    issuer = last_line(lines, ISSUER)
    assert lines[issuer][0] == 2
    assert lines[issuer - 1][0] == 2  # the closing lines go along: the seal stands by text
