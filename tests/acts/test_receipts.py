"""Tests of received reports: a 收文登记号 in the receipt register, never a number of the bureau's own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.acts.issuing import issue_document
from service.batch.executor import run_job
from service.batch.jobs import create_job
from service.batch.validation import SnapshotArchive, check_rows
from service.custody.export import export_bag
from service.custody.four_properties import assess_set
from service.database.models import Document, NumberSeries
from service.foundations.config import Bureau
from service.instruments.registry import RECEIPT_SERIES, get_instrument
from service.instruments.request import agency_code, series_code
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample

KIND = "annual_report"


def report(unit: str, **changes: Any) -> dict[str, Any]:
    """Return the sample report as another unit's."""
    return sample(KIND) | {"unit": unit} | changes


def receive_in_a_batch(wenshu: Wenshu, units: list[str]) -> None:
    """Record the reports of several units at once, as `wenshu batch` does."""
    instrument = get_instrument(KIND)
    rows = [(n + 2, {"unit": unit}) for n, unit in enumerate(units)]
    common = {k: v for k, v in sample(KIND).items() if k != "unit"}
    check = check_rows(instrument, common, rows, SnapshotArchive(wenshu.database), {})
    run_job(wenshu, create_job(wenshu, instrument, common, check, "测试员").id)


@pytest.mark.office
def test_received_reports_take_consecutive_receipt_numbers(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that annual reports, received one by one or in a batch, take 收〔2026〕1号,
    2号, … in the receipt register, a new year starting again at 1; that they print it as their
    收文登记号 and no bureau 文号; and that the bureau's own series never move for them."""
    notice = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    first = issue_document(wenshu, KIND, report("岳阳市君山区财政局"), "测试员")
    receive_in_a_batch(wenshu, ["岳阳市君山区教育局", "岳阳市君山区民政局", "岳阳市君山区司法局"])
    circular = issue_document(wenshu, "safety_circular", sample("safety_circular"), "测试员")
    next_year = report("岳阳市君山区农业农村局", report_year=2026, report_date="2027-01-15")
    later = issue_document(wenshu, KIND, next_year, "测试员")

    with wenshu.database.session() as session:
        received = session.execute(
            select(Document.number, Document.series, Document.numbering, Document.copy_number)
            .where(Document.kind == KIND)
            .order_by(Document.year, Document.sequence)
        ).all()
        series = {
            (c.series, c.year): c.last_sequence for c in session.scalars(select(NumberSeries))
        }
    assert [tuple(row) for row in received] == [
        (f"收〔2026〕{n}号", RECEIPT_SERIES, "incoming", 0) for n in range(1, 5)
    ] + [("收〔2027〕1号", RECEIPT_SERIES, "incoming", 0)]
    assert (notice.number, circular.number, later.number) == (
        "君档监通〔2026〕1号", "君档通报〔2026〕1号", "收〔2027〕1号",
    )  # fmt: skip
    assert series == {
        ("supervision_notice", 2026): 1, ("safety_circular", 2026): 1,
        (RECEIPT_SERIES, 2026): 4, (RECEIPT_SERIES, 2027): 1,
    }  # fmt: skip

    path = wenshu.archive.absolute(first.pdf_path)
    text = pdfcheck.text(path)
    assert "收文登记号：收〔2026〕1号" in text
    assert re.findall(r"\w*〔\d{4}〕\d+号", text) == ["收〔2026〕1号"]  # no bureau 文号
    assert read_archival_metadata(path)["业务行为"].startswith("收文")

    assessment = assess_set(wenshu, KIND)
    assert assessment.passed, assessment.failures()
    recorded = [c for d in assessment.documents for r in d.properties for c in r.checks]
    assert {c.detail for c in recorded if c.name == "业务行为记录"} == {"收文已记入审计链"}
    export_bag(wenshu, tmp_path / "bag", "测试员", KIND)
    metadata = json.loads((tmp_path / "bag" / "data" / "收〔2026〕1号.json").read_text("utf-8"))
    assert (metadata["document_number"], metadata["numbering"]) == ("收〔2026〕1号", "incoming")
    assert [action["action"] for action in metadata["business_actions"]] == ["收文"]


def test_a_bureau_names_its_receipt_register() -> None:
    """This test ensures that a bureau's own prefix for the receipt register numbers every
    incoming kind, and that an outgoing kind keeps its 机关代字."""
    bureau = Bureau(agency_codes={RECEIPT_SERIES: "君档收", KIND: "君档年报"})
    assert agency_code(get_instrument(KIND), bureau) == "君档收"
    assert series_code(RECEIPT_SERIES, bureau) == "君档收"
    assert series_code(RECEIPT_SERIES, Bureau()) == "收"
    assert agency_code(get_instrument("safety_circular"), bureau) == "君档通报"
