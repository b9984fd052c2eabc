"""Tests of the record an issued document keeps: its facts' warnings and its layout's, side by side."""

from __future__ import annotations

from service.acts.issuing import document_record
from service.archive.store import fixity_of
from service.archive.templates import LoadedTemplate
from service.database.models import utcnow
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.pdfa import RenderedPdf
from tests.conftest import sample


def test_the_record_keeps_the_layout_warnings_after_the_facts_warnings() -> None:
    """This test ensures that a lonely page the layout could not avoid is recorded with the document,
    after what the facts were warned of, so that the clerk sees both."""
    instrument = get_instrument("correction_order")
    facts = validate_facts(instrument, sample("correction_order") | {"deadline": "2026-11-07"})
    assert facts.warnings, "the facts no longer draw a warning: 2026-11-07 is a Saturday"
    layout = "版面：第2页只有版记；请核对 PDF"
    pdf = RenderedPdf(b"%PDF-1.7", 2, (layout,))
    record = document_record(
        instrument, facts, LoadedTemplate(1, instrument.kind, 1, "0" * 64, b""),
        year=2026, sequence=1, number="君档责改〔2026〕1号", recipient="单位", pdf=pdf,
        fixity=fixity_of(pdf.data), path="a.pdf", issued_by="测试员", issued_at=utcnow(),
        context={},
    )  # fmt: skip
    assert record.warnings == [*facts.warnings, layout]
