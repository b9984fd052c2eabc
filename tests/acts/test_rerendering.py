"""Tests of the rendered context kept with each document, and of re-rendering from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from service.acts.issuing import issue_document, storable_context
from service.acts.rerendering import rerender_document
from service.commands.cli import main
from service.database.models import Document
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.instruments.request import computed_values
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import sample


def stored_context(wenshu: Wenshu, document: Document) -> dict[str, Any] | None:
    """Return the context recorded with a document."""
    with wenshu.database.session() as session:
        return session.scalar(select(Document.context).where(Document.id == document.id))


def rerendered_text(wenshu: Wenshu, document: Document, tmp_path: Path) -> str:
    """Return the text of the document rendered again."""
    path = tmp_path / f"again-{document.id}.pdf"
    path.write_bytes(rerender_document(wenshu, document.id).data)
    return pdfcheck.poppler_text(path)


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_every_sample_context_is_stored_as_rendered(kind: str) -> None:
    """This test ensures that each instrument's context survives being stored as JSON unchanged."""
    instrument = get_instrument(kind)
    facts = validate_facts(instrument, sample(kind), None)
    extra = computed_values(instrument, facts, None)
    context = build_context(instrument, facts, "君档〔2026〕1号", Bureau(), extra)
    assert storable_context(context) == context


@pytest.mark.parametrize(
    "value", [dt.date(2026, 3, 5), ("甲", "乙"), {1: "甲"}, float("nan")], ids=repr
)
def test_a_context_that_json_would_change_is_refused(value: Any) -> None:
    """This test ensures that a context JSON cannot hold unchanged is refused rather than stored altered."""
    with pytest.raises(TypeError, match="context"):
        storable_context({"number": "君档〔2026〕1号", "value": value})


@pytest.mark.office
def test_issuing_stores_the_context_it_rendered(wenshu: Wenshu) -> None:
    """This test ensures that an issued document keeps the context its template was filled with."""
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    context = stored_context(wenshu, document)
    assert context is not None
    assert context["number"] == document.number
    assert context["inspected_body"] == document.recipient
    assert context["issue_date"] == "2026年3月5日"
    assert document.number in pdfcheck.poppler_text(wenshu.archive.absolute(document.pdf_path))


@pytest.mark.office
def test_a_rerender_reproduces_the_summary_after_the_archive_changed(
    wenshu: Wenshu, tmp_path: Path
) -> None:
    """This test ensures that re-rendering uses the stored context, not a summary recomputed from a changed archive."""
    annual = sample("annual_report")
    issue_document(wenshu, "annual_report", annual, "测试员")
    summary = issue_document(wenshu, "audit_summary", sample("audit_summary"), "测试员")
    archived = pdfcheck.poppler_text(wenshu.archive.absolute(summary.pdf_path))
    assert "应报送12个单位，其中按期报送2个，逾期报送1个，未报送9个" in archived

    # A report of a unit the summary counted as missing, issued after the summary.
    later = issue_document(
        wenshu, "annual_report", annual | {"unit": "岳阳市君山区教育局"}, "测试员"
    )
    assert rerendered_text(wenshu, summary, tmp_path) == archived

    # Without its stored context (a document issued before it was kept), the summary is
    # computed again from today's archive: the re-render then differs from the file.
    with wenshu.database.session() as session:
        session.execute(update(Document).where(Document.id == summary.id).values(context=None))
    recomputed = rerendered_text(wenshu, summary, tmp_path)
    assert recomputed != archived
    assert "应报送12个单位，其中按期报送3个，逾期报送1个，未报送8个" in recomputed
    assert later.number in recomputed


@pytest.mark.office
def test_the_rerender_command_compares_with_the_archived_file(
    wenshu: Wenshu, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that `wenshu archive rerender` writes the PDF and says which pages read differently."""
    notice = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    monkeypatch.setenv("WENSHU_INSTANCE", str(wenshu.settings.instance_path))
    monkeypatch.setenv("WENSHU_DATABASE_URL", wenshu.settings.database_url)
    runner = CliRunner()
    out = tmp_path / "again.pdf"

    same = runner.invoke(main, ["archive", "rerender", str(notice.id), "--out", str(out)])
    assert same.exit_code == 0, same.output
    assert same.stdout.startswith(f"ok: {notice.number} 重新生成的")
    assert pdfcheck.poppler_text(out) == pdfcheck.poppler_text(
        wenshu.archive.absolute(notice.pdf_path)
    )

    # A kept context that no longer says what the file says (a tampered record) is found.
    with wenshu.database.session() as session:
        kept = dict(session.scalar(select(Document.context).where(Document.id == notice.id)))
        kept["inspected_body"] = "另一个单位"
        session.execute(update(Document).where(Document.id == notice.id).values(context=kept))
    changed = runner.invoke(main, ["archive", "rerender", str(notice.id), "--out", str(out)])
    assert changed.exit_code == 1
    assert f"rerender: {notice.number} 重新生成后第1页与归档文件文字不同" in changed.stderr
    assert "另一个单位" in pdfcheck.poppler_text(out)

    unknown = runner.invoke(main, ["archive", "rerender", "999", "--out", str(tmp_path / "x.pdf")])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "rerender: 没有编号为 999 的文书"
    assert "Traceback" not in unknown.output and not (tmp_path / "x.pdf").exists()
