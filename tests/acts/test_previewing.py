"""Tests of previews: checked as for issuing, rendered with a placeholder 文号, never numbered or stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.acts.errors import FactsRefused
from service.acts.issuing import issue_document
from service.acts.previewing import preview_first_page, preview_number, preview_pdf
from service.database.models import Document, NumberSeries
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample

pytestmark = pytest.mark.office


def archived_files(wenshu: Wenshu) -> list[Path]:
    """Return every file under the archive folder."""
    return [p for p in wenshu.settings.archive_path.rglob("*") if p.is_file()]


def test_preview_is_marked_and_leaves_no_trace(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that a preview prints the placeholder 文号, says preview in its metadata, and stores nothing."""
    data = preview_pdf(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    path = tmp_path / "preview.pdf"
    path.write_bytes(data)
    text = pdfcheck.text(path)
    assert "君档监通〔2026〕号（预览）" in text  # whitespace is dropped by pdfcheck.text
    assert "岳阳市君山区钱粮湖镇人民政府" in text
    metadata = read_archival_metadata(path)
    assert metadata["题名"] == "执法监督通知（决定）书（预览）"
    assert metadata["文号"] == preview_number("君档监通", 2026)
    assert "预览（未编号，未归档）" in metadata["业务行为"]
    assert "王文书" in metadata["业务行为"]

    assert archived_files(wenshu) == []
    with wenshu.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(NumberSeries)) == 0
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    assert document.number == "君档监通〔2026〕1号"


def test_preview_refuses_invalid_facts_like_issuing(wenshu: Wenshu) -> None:
    """This test ensures that a preview raises the same FactsRefused as issuing, archive rules included."""
    facts = sample("review_decision")  # refers to 君档监通〔2026〕1号, not issued yet
    with pytest.raises(FactsRefused) as previewed:
        preview_pdf(wenshu, "review_decision", facts)
    with pytest.raises(FactsRefused) as issued:
        issue_document(wenshu, "review_decision", facts, "王文书")
    assert previewed.value.errors == issued.value.errors
    assert "notice_number" in previewed.value.errors


def test_first_page_image(wenshu: Wenshu) -> None:
    """This test ensures that the first page of a preview comes back as a PNG with the page count."""
    first = preview_first_page(wenshu, "penalty_decision", sample("penalty_decision"))
    assert first.png.startswith(b"\x89PNG")
    assert first.pages >= 2
    assert archived_files(wenshu) == []
