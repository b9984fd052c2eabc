"""Tests of a batch of a kind sent to many units: one document, one 文号 claimed once, each copy a 份号."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from sqlalchemy import select

import service.batch.recording
import service.batch.validation
from service.acts.issuing import issue_document
from service.archive.audit import verify_chain
from service.archive.fixity import verify_archive
from service.archive.voiding import VoidRefused, void_document
from service.batch.executor import run_job
from service.batch.jobs import create_job, load_job
from service.batch.main_recipients import MAX_LINES, line_count
from service.batch.outputs import issued_copies, write_outputs
from service.batch.rendering import ChunkRenderer
from service.batch.validation import SnapshotArchive, check_rows
from service.custody.export import export_bag
from service.custody.four_properties import assess_set
from service.database.batch_models import DONE, FAILED, BatchJob
from service.database.models import AuditEvent, Document, NumberSeries
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests.batch.conftest import COLLECTIVE, common_facts, villages
from tests.conftest import sample

pytestmark = pytest.mark.office
KIND = "safety_circular"
NUMBER = "君档通报〔2026〕1号"


BODY_START = "根据《中华人民共和国档案法》"  # the 通报's first words after its 主送


def longest_listing() -> list[str]:
    """Return the most villages whose 主送 list takes the seven lines allowed, no more."""
    count = 1
    while line_count("、".join(villages(count + 1))) <= MAX_LINES:
        count += 1
    return villages(count)


class SimulatedCrash(RuntimeError):
    """Stands for the process dying at a chosen point."""


def make_job(
    wenshu: Wenshu, units: list[str], kind: str = KIND, collective: str | None = None
) -> BatchJob:
    """Return a job of one instrument to each unit, its rows checked as the command line checks them.

    A collective name given is the 主送 统称, typed with the common facts.
    """
    instrument = get_instrument(kind)
    rows = [(n + 2, {instrument.recipient_field: unit}) for n, unit in enumerate(units)]
    common = common_facts(kind)
    if collective is not None:
        common[instrument.recipient_field] = collective
    check = check_rows(instrument, common, rows, SnapshotArchive(wenshu.database), {})
    assert not check.problems, check.problems
    return create_job(wenshu, instrument, common, check, "测试员")


def copies(wenshu: Wenshu) -> list[Document]:
    """Return every archived copy of a circular sent to many units, by 份号."""
    with wenshu.database.session() as session:
        query = select(Document).where(Document.kind == KIND, Document.copy_number > 0)
        return list(session.scalars(query.order_by(Document.copy_number)))


def last_sequence(wenshu: Wenshu, series: str = KIND) -> int | None:
    """Return how far the series has advanced in 2026 (None: never)."""
    with wenshu.database.session() as session:
        counter = session.get(NumberSeries, (series, 2026))
        return counter.last_sequence if counter else None


def first_page(wenshu: Wenshu, document: Document) -> str:
    """Return the text of a copy's first page as poppler reads it, whitespace removed."""
    path = wenshu.archive.absolute(document.pdf_path)
    command = ["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def stored_pdfs(wenshu: Wenshu) -> set[str]:
    """Return the relative path of every PDF under the archive's pdf/ folder."""
    root = wenshu.settings.archive_path
    return {str(p.relative_to(root)) for p in (root / "pdf").rglob("*.pdf")}


def assert_one_document(
    wenshu: Wenshu, units: list[str], number: str = NUMBER, addressee: str | None = None
) -> None:
    """Assert the copies are one document: its 文号, 份号 1..N in row order, one context.

    Its 主送 is the addressee given (a 统称), else the units listed.
    """
    recorded = copies(wenshu)
    assert [(d.number, d.copy_number, d.recipient) for d in recorded] == [
        (number, n, unit) for n, unit in enumerate(units, start=1)
    ]
    assert {d.numbering for d in recorded} == {"shared"}
    with wenshu.database.session() as session:
        contexts = list(
            session.scalars(
                select(Document.context)
                .where(Document.kind == KIND, Document.copy_number > 0)
                .order_by(Document.copy_number)
            )
        )
    assert [c["copy_number"] for c in contexts] == [f"{n:06d}" for n in range(1, len(units) + 1)]
    # The 主送 list as GB/T 9704 writes it, or the 统称 typed.
    assert contexts[0]["addressee"] == (addressee or "、".join(units))
    document = {k: v for k, v in contexts[0].items() if k != "copy_number"}
    assert all({k: v for k, v in c.items() if k != "copy_number"} == document for c in contexts)
    assert stored_pdfs(wenshu) >= {d.pdf_path for d in recorded}
    report = verify_archive(wenshu.database, wenshu.archive)
    assert (report.problems, report.leftovers) == ([], [])
    with wenshu.database.session() as session:
        assert verify_chain(session) == []


def test_a_circular_to_300_units_uses_one_number(wenshu: Wenshu) -> None:
    """This test ensures that a circular to 300 units is one document: the series advances by
    exactly one, every copy prints the same 文号 and its own 份号, its 主送 the 统称 typed,
    and the body begins on the first page."""
    units = villages(300)
    finished = run_job(wenshu, make_job(wenshu, units, collective=COLLECTIVE).id)
    assert (finished.status, finished.done, finished.total) == (DONE, 300, 300)
    assert last_sequence(wenshu) == 1
    assert_one_document(wenshu, units, addressee=COLLECTIVE)
    for document in copies(wenshu):
        text = first_page(wenshu, document)
        assert NUMBER in text and COLLECTIVE + "：" + BODY_START in text, document.copy_number
        printed = re.findall(r"(?<!\d)\d{6}(?!\d)", text)
        assert printed[:1] == [f"{document.copy_number:06d}"], (document.copy_number, printed)
        assert units[0] not in text


def test_a_circular_lists_its_units_while_the_first_page_keeps_its_body(wenshu: Wenshu) -> None:
    """This test ensures that without a 统称 the 主送 lists every unit in row order, the longest
    list allowed (seven lines) still leaving the body its first page."""
    units = longest_listing()
    run_job(wenshu, make_job(wenshu, units).id)
    assert_one_document(wenshu, units)
    for document in copies(wenshu):
        assert "、".join(units) + "：" + BODY_START in first_page(wenshu, document)


def test_a_list_two_lines_longer_would_leave_the_first_page_without_its_body(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the limit is not loose: with the check taken away, a 主送 two lines
    longer than allowed leaves the first page without a line of the body."""
    units = villages(17)
    assert line_count("、".join(units)) == MAX_LINES + 2
    monkeypatch.setattr(service.batch.validation, "too_long", lambda text, units: None)
    run_job(wenshu, make_job(wenshu, units).id)
    text = first_page(wenshu, copies(wenshu)[0])
    assert units[-1] + "：" in text and BODY_START not in text


def test_orders_keep_one_number_each(wenshu: Wenshu) -> None:
    """This test ensures that a batch of a kind addressed to one party each still numbers each copy
    on its own, with no 份号, while a circular batch beside it takes one number."""
    run_job(wenshu, make_job(wenshu, villages(3), "correction_order").id)
    run_job(wenshu, make_job(wenshu, villages(4)).id)
    with wenshu.database.session() as session:
        orders = session.execute(
            select(Document.number, Document.copy_number, Document.numbering)
            .where(Document.kind == "correction_order")
            .order_by(Document.sequence)
        ).all()
    assert [tuple(order) for order in orders] == [
        (f"君档责改〔2026〕{n}号", 0, "own") for n in (1, 2, 3)
    ]
    assert (last_sequence(wenshu, "correction_order"), last_sequence(wenshu)) == (3, 1)
    assert_one_document(wenshu, villages(4))


def test_a_run_stopped_after_its_first_chunk_goes_on_under_the_same_number(
    wenshu: Wenshu,
) -> None:
    """This test ensures that a run failing after the number was claimed leaves it used once,
    that a document issued meanwhile takes the next one, and that the resumed run gives the
    remaining copies the same 文号, the next 份号 and the very content of the first ones."""
    units = villages(9)
    job = make_job(wenshu, units)

    def crash_after_two_chunks(done: int, _total: int) -> None:
        if done >= 4:
            raise SimulatedCrash("stopped after chunk 2")

    with pytest.raises(SimulatedCrash):
        run_job(wenshu, job.id, chunk_size=2, progress=crash_after_two_chunks)
    stopped = load_job(wenshu, job.id)
    assert (stopped.status, stopped.done) == (FAILED, 4)
    assert [d.copy_number for d in copies(wenshu)] == [1, 2, 3, 4]
    assert last_sequence(wenshu) == 1
    single = issue_document(wenshu, KIND, sample(KIND), "另一位办事员")
    assert (single.number, single.copy_number) == ("君档通报〔2026〕2号", 0)

    finished = run_job(wenshu, job.id, chunk_size=2)
    assert (finished.status, finished.done) == (DONE, 9)
    assert_one_document(wenshu, units)
    assert last_sequence(wenshu) == 2


def test_a_run_killed_before_its_first_copy_was_recorded_used_no_number(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a runner killed before the chunk holding copy 1 is recorded leaves
    the series untouched and no file, and that the resumed job claims the next free number."""
    units = villages(5)
    job = make_job(wenshu, units)

    def killed(*_args: Any) -> None:
        raise SimulatedCrash("killed before recording")

    # A killed process neither records nor removes what it stored.
    monkeypatch.setattr(service.batch.recording, "_record", killed)
    monkeypatch.setattr(wenshu.archive, "discard", lambda _path: None)
    with pytest.raises(SimulatedCrash):
        run_job(wenshu, job.id, chunk_size=2)
    monkeypatch.undo()
    assert (last_sequence(wenshu), copies(wenshu)) == (None, [])
    single = issue_document(wenshu, KIND, sample(KIND), "另一位办事员")
    assert single.number == NUMBER  # the batch had not used it

    run_job(wenshu, job.id, chunk_size=2)
    assert_one_document(wenshu, units, "君档通报〔2026〕2号")
    assert stored_pdfs(wenshu) == {d.pdf_path for d in copies(wenshu)} | {single.pdf_path}
    assert last_sequence(wenshu) == 2


def test_a_number_taken_before_the_claim_is_given_again(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a document taking the batch's number while its first chunk renders
    makes the batch render again under the next number, with nothing of the first try left."""
    units = villages(4)
    job = make_job(wenshu, units)
    render = ChunkRenderer.render
    taken: list[Document] = []

    def another_clerk_issues_first(self: ChunkRenderer, chunk: Any) -> Any:
        # Before copy 1 renders the first time: its chunk is the one that claims the number.
        if chunk[0].copy_number == 1 and not taken:
            taken.append(issue_document(wenshu, KIND, sample(KIND), "另一位办事员"))
        return render(self, chunk)

    monkeypatch.setattr(ChunkRenderer, "render", another_clerk_issues_first)
    run_job(wenshu, job.id, chunk_size=2)
    assert taken[0].number == NUMBER
    assert_one_document(wenshu, units, "君档通报〔2026〕2号")
    assert stored_pdfs(wenshu) == {d.pdf_path for d in copies(wenshu)} | {taken[0].pdf_path}
    assert last_sequence(wenshu) == 2


def test_voiding_a_copy_voids_the_document_once_every_copy_is_issued(wenshu: Wenshu) -> None:
    """This test ensures that a copy of an unfinished batch cannot be voided, and that voiding one
    copy afterwards voids every copy under one audit entry, the archive's checks still passing."""
    units = villages(5)
    job = make_job(wenshu, units)

    def crash_after_one_chunk(done: int, _total: int) -> None:
        if done >= 2:
            raise SimulatedCrash("stopped after chunk 1")

    with pytest.raises(SimulatedCrash):
        run_job(wenshu, job.id, chunk_size=2, progress=crash_after_one_chunk)
    first = copies(wenshu)[0]
    unfinished = rf"批量任务 #{job.id} 尚未发完各份"
    with pytest.raises(VoidRefused, match=unfinished), wenshu.database.session() as session:
        void_document(session, first.id, "通报数据有误", "李科长")
    run_job(wenshu, job.id, chunk_size=2)
    with wenshu.database.session() as session:
        void_document(session, copies(wenshu)[2].id, "通报数据有误", "李科长")
    assert {(d.status, d.void_reason) for d in copies(wenshu)} == {("voided", "通报数据有误")}
    with wenshu.database.session() as session:
        voids = session.scalars(select(AuditEvent).where(AuditEvent.action == "void")).all()
    assert [(e.subject, e.details["copies"]) for e in voids] == [(NUMBER, 5)]
    with pytest.raises(VoidRefused, match="不能重复作废"), wenshu.database.session() as session:
        void_document(session, first.id, "再次作废", "李科长")
    assessment = assess_set(wenshu, KIND)
    assert assessment.passed, assessment.failures()


def test_a_circular_issued_alone_has_no_copy_number(wenshu: Wenshu) -> None:
    """This test ensures that one circular issued from the form is one document without a 份号,
    its 主送 as typed."""
    facts = sample(KIND) | {"addressee": "区直各单位，各镇人民政府、街道办事处"}
    document = issue_document(wenshu, KIND, facts, "测试员")
    assert (document.number, document.copy_number, document.numbering) == (NUMBER, 0, "shared")
    with wenshu.database.session() as session:
        context = session.scalar(select(Document.context).where(Document.id == document.id))
    assert context is not None and context["copy_number"] == ""
    text = first_page(wenshu, document)
    assert "区直各单位，各镇人民政府、街道办事处：" in text
    assert re.findall(r"(?<!\d)\d{6}(?!\d)", text) == []


def test_the_outputs_and_the_export_name_each_copy_by_its_number_and_copy(
    wenshu: Wenshu, tmp_path: Path
) -> None:
    """This test ensures that the manifest, the copies' files, the bookmarks of merged.pdf and
    the files of an export give every copy the shared 文号 and its own 份号."""
    units = villages(3)
    job = make_job(wenshu, units)
    run_job(wenshu, job.id)
    write_outputs(wenshu, issued_copies(wenshu, job.id), tmp_path / "out")
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        manifest = list(csv.DictReader(handle))
    assert [(m["recipient"], m["number"], m["copy_number"], m["file"]) for m in manifest] == [
        (unit, NUMBER, f"{n:06d}", f"{NUMBER}_{n:06d}_{unit}.pdf")
        for n, unit in enumerate(units, start=1)
    ]
    with pikepdf.open(tmp_path / "out" / "merged.pdf") as merged, merged.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles == [f"{unit} {NUMBER} 第{n:06d}份" for n, unit in enumerate(units, start=1)]
    export_bag(wenshu, tmp_path / "bag", "测试员", KIND)
    exported = sorted(path.name for path in (tmp_path / "bag" / "data").glob("*.pdf"))
    assert exported == [f"{NUMBER}_{n:06d}.pdf" for n in (1, 2, 3)]
    metadata = json.loads((tmp_path / "bag" / "data" / f"{NUMBER}_000002.json").read_text("utf-8"))
    assert (metadata["document_number"], metadata["copy_number"]) == (NUMBER, "000002")
