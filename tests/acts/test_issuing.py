"""Tests of issuing: gapless numbers per series and year, all-or-nothing archiving, concurrency."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.acts.errors import ConversionFailed, FactsRefused, NumbersBusy
from service.acts.issuing import issue_document
from service.archive.fixity import verify_archive
from service.archive.numbering import NumberTaken, claim_sequence
from service.database.models import Document, NumberSeries
from service.services import Wenshu
from tests.conftest import sample
from tests.fakes import FailingConverter

pytestmark = pytest.mark.office


def archived_files(wenshu: Wenshu) -> list[Path]:
    """Return every file under the archive folder, temporary ones included."""
    return [p for p in wenshu.settings.archive_path.rglob("*") if p.is_file()]


def numbers(wenshu: Wenshu) -> list[str]:
    """Return the recorded numbers in sequence order."""
    with wenshu.database.session() as session:
        return list(session.scalars(select(Document.number).order_by(Document.sequence)))


def test_numbers_are_gapless_and_per_year(wenshu: Wenshu) -> None:
    """This test ensures that numbers run 1, 2, … in each year and start again in a new year."""
    facts = sample("supervision_notice")
    first = issue_document(wenshu, "supervision_notice", facts, "测试员")
    second = issue_document(wenshu, "supervision_notice", facts, "测试员")
    next_year = facts | {"issue_date": "2027-01-04", "deadline": "2027-02-01"}
    third = issue_document(wenshu, "supervision_notice", next_year, "测试员")
    assert (first.number, second.number, third.number) == (
        "君档监通〔2026〕1号", "君档监通〔2026〕2号", "君档监通〔2027〕1号",
    )  # fmt: skip
    assert first.sha256 != second.sha256
    for document in (first, second, third):
        assert wenshu.archive.absolute(document.pdf_path).exists()


def test_invalid_facts_use_no_number_and_leave_no_file(wenshu: Wenshu) -> None:
    """This test ensures that invalid facts are refused before rendering, with the messages of
    every field: no number, no file."""
    with pytest.raises(FactsRefused) as refused:
        issue_document(wenshu, "supervision_notice", {"inspected_body": "某单位"}, "测试员")
    assert "issuer: 请填写执行检查的机构名称" in refused.value.lines()
    assert numbers(wenshu) == []
    assert archived_files(wenshu) == []


def test_failed_render_uses_no_number(wenshu: Wenshu) -> None:
    """This test ensures that a failed conversion is not issued, with LibreOffice's message, and
    leaves the number for the next document."""
    real = wenshu.converter
    wenshu.converter = FailingConverter("LibreOffice could not convert")
    with pytest.raises(ConversionFailed, match=r"^LibreOffice could not convert$"):
        issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    wenshu.converter = real
    assert numbers(wenshu) == []
    assert archived_files(wenshu) == []
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    assert document.number == "君档监通〔2026〕1号"


def test_failed_commit_removes_the_stored_file(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a file stored for a record that was never committed is removed."""
    import service.acts.issuing

    def taken(*_args: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(service.acts.issuing, "claim_sequence", taken)
    with pytest.raises(RuntimeError):
        issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    assert [p for p in archived_files(wenshu) if p.suffix == ".pdf"] == []
    assert list((wenshu.settings.archive_path / ".incoming").iterdir()) == []


def test_a_writer_that_lost_its_number_keeps_the_winners_identical_file(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a loser whose PDF is byte-identical to the winner's does not delete it."""
    import service.acts.issuing

    facts = sample("supervision_notice")
    winner = issue_document(wenshu, "supervision_notice", facts, "测试员")
    same_bytes = wenshu.archive.read(winner.pdf_path)
    rendered = service.acts.issuing.render_pdf

    def render_the_same(*args: object, **kwargs: object) -> object:
        pdf = rendered(*args, **kwargs)  # type: ignore[arg-type]
        return dataclasses.replace(pdf, data=same_bytes)

    # Another writer peeked number 1 too and rendered the very same bytes (same facts,
    # number and second); its claim fails and it gives up after its retries.
    monkeypatch.setattr(service.acts.issuing, "peek_next_sequence", lambda *_args: 1)
    monkeypatch.setattr(service.acts.issuing, "render_pdf", render_the_same)
    with pytest.raises(NumbersBusy, match="另有5份文书同时取号，请稍后重试"):
        issue_document(wenshu, "supervision_notice", facts, "测试员")
    assert wenshu.archive.read(winner.pdf_path) == same_bytes
    assert verify_archive(wenshu.database, wenshu.archive).ok


def test_claim_is_compare_and_set(wenshu: Wenshu) -> None:
    """This test ensures that a number rendered by two writers can be recorded by only one."""
    with wenshu.database.session() as session:
        claim_sequence(session, "s", 2026, 1)
    with pytest.raises(NumberTaken), wenshu.database.session() as session:
        claim_sequence(session, "s", 2026, 1)
    with wenshu.database.session() as session:
        claim_sequence(session, "s", 2026, 2)
    with pytest.raises(NumberTaken), wenshu.database.session() as session:
        claim_sequence(session, "s", 2026, 2)
    with wenshu.database.session() as session:
        assert session.get(NumberSeries, ("s", 2026)).last_sequence == 2  # type: ignore[union-attr]


def test_concurrent_issuing_is_unique_and_gapless(wenshu: Wenshu) -> None:
    """This test ensures that eight documents issued from four threads get numbers 1 to 8."""
    errors: list[Exception] = []

    def issue_two() -> None:
        for _ in range(2):
            try:
                issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "并发")
            except Exception as error:  # collected and asserted below
                errors.append(error)

    threads = [threading.Thread(target=issue_two) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert numbers(wenshu) == [f"君档监通〔2026〕{n}号" for n in range(1, 9)]
    with wenshu.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 8
    assert len([p for p in archived_files(wenshu) if p.suffix == ".pdf"]) == 8


def test_record_keeps_facts_template_and_fixity(wenshu: Wenshu) -> None:
    """This test ensures that the record holds kind, facts, template version and hash, and both digests."""
    import hashlib

    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    data = wenshu.archive.read(document.pdf_path)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.sm3 == hashlib.new("sm3", data).hexdigest()
    assert document.size == len(data)
    assert (
        document.pdf_path
        == f"pdf/{document.sha256[:2]}/{document.sha256[2:4]}/{document.sha256}.pdf"
    )
    assert document.facts == sample("supervision_notice")
    assert document.template_version == 1
    shipped = Path(__file__).resolve().parents[2] / "templates_docx" / "supervision_notice.docx"
    assert document.template_sha256 == hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert document.kind == "supervision_notice" and document.issued_by == "测试员"
