"""Every instrument's sample, rendered with the real LibreOffice: PDF/A, fonts, layout, facts in text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from service.acts.issuing import issue_document
from service.database.models import Document
from service.foundations.formatting import format_amount, format_date
from service.instruments.facts import describe_fields
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.services import Wenshu
from tests import pdfcheck
from tests.casework import KINDS, case_documents, case_ready_for, issue_step
from tests.conftest import ROOT, sample
from tests.drawn import issuable

pytestmark = pytest.mark.office

# The kinds of the story's case, issued step by step in one case (tests.casework).
STORY = (*KINDS, "service_receipt")
# Samples that refer to earlier documents: those are issued first, in this order.
PREREQUISITES = {"review_decision": ["supervision_notice"], "audit_summary": ["annual_report"]}
# Facts an instrument uses without printing them whole: the registers a draw or a summary
# is made from (the drawn units and the summary rows are printed instead).
NOT_PRINTED = {
    "sampling_list": {"units", "officers"},
    "audit_summary": {"register", "paper_reports"},
}


def printed_forms(kind: str, facts: dict[str, Any]) -> list[str]:
    """Return each fact as the instrument prints it, flags and unprinted registers left out."""
    types = {field["name"]: field for field in describe_fields(get_instrument(kind))}
    expected: list[str] = []

    def add(value: Any, kind_of: str) -> None:
        if value in (None, "") or kind_of == "boolean" or isinstance(value, bool):
            return
        if kind_of == "date":
            expected.append(format_date(dt.date.fromisoformat(value)))
        elif kind_of == "amount":
            expected.append(format_amount(Decimal(str(value))))
        else:
            expected.append(str(value))

    for name, value in facts.items():
        if name in NOT_PRINTED.get(kind, set()):
            continue
        field = types[name]
        if field["type"] == "list":
            subtypes = {sub["name"]: sub["type"] for sub in field.get("fields", [])}
            for row in value:
                for key, item in row.items():
                    add(item, subtypes.get(key, "string"))
        else:
            add(value, field["type"])
    return expected


def test_every_instrument_has_template_and_sample() -> None:
    """This test ensures that each registered instrument ships a template and a sample."""
    for kind in INSTRUMENTS:
        assert (ROOT / "templates_docx" / f"{kind}.docx").exists(), kind
        assert (ROOT / "samples" / f"{kind}.json").exists(), kind


@pytest.mark.parametrize("kind", sorted(set(INSTRUMENTS) - set(STORY)))
def test_sample_renders(kind: str, wenshu: Wenshu) -> None:
    """This test ensures that the sample renders as PDF/A-2b, fonts embedded, inside the text area, facts in text."""
    for earlier in PREREQUISITES.get(kind, []):
        issue_document(wenshu, earlier, sample(earlier), "测试员")
    facts = issuable(wenshu, kind, "测试员")
    assert_rendered(wenshu, kind, facts, issue_document(wenshu, kind, facts, "测试员"))


def test_the_case_samples_render(wenshu: Wenshu) -> None:
    """This test ensures that the story's case, every step issued from its sample and served, renders as the samples do."""
    case_id = case_ready_for(wenshu, "case_closing")
    issue_step(wenshu, "case_closing", case_id)
    documents = case_documents(wenshu, case_id)
    assert {document.kind for document in documents} == set(STORY)
    for document in documents:
        assert_rendered(wenshu, document.kind, document.facts, document)


def assert_rendered(wenshu: Wenshu, kind: str, facts: dict[str, Any], document: Document) -> None:
    """Fail unless the issued document is PDF/A-2b on A4, fonts embedded, inside the text area, facts in text."""
    path = wenshu.archive.absolute(document.pdf_path)
    assert pdfcheck.pdfa_identification(path) == ("2", "B")
    assert pdfcheck.pdfa_violations(path) == []
    fonts = pdfcheck.fonts(path)
    assert fonts and all(row["emb"] == "yes" for row in fonts)
    for width, height in pdfcheck.page_sizes(path):
        assert sorted((round(width), round(height))) == [595, 842]  # A4, either way round
    assert pdfcheck.outside_text_area(path) == []
    text = pdfcheck.poppler_text(path)
    assert document.number in text
    for expected in printed_forms(kind, facts):
        assert re.sub(r"\s+", "", expected) in text, f"{kind}: {expected!r} not in the PDF"
