"""Tests of running batch jobs: every copy archived once with a gapless number, resumable after a crash."""

from __future__ import annotations

import csv
import hashlib
import os
import socket
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from sqlalchemy import select

import service.batch.recording
from service.acts.issuing import issue_document
from service.archive.audit import verify_chain
from service.archive.fixity import verify_archive
from service.background.startup import prepare_service
from service.batch.executor import run_job
from service.batch.jobs import JobBusy, claim_job, create_job, job_items, load_job, release_job
from service.batch.outputs import MANIFEST_COLUMNS, issued_copies, write_outputs
from service.batch.validation import SnapshotArchive, check_rows
from service.database.batch_models import DONE, FAILED, INVALID, BatchItem, BatchJob
from service.database.models import AuditEvent, Document
from service.foundations.config import load_settings
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import computed_values
from service.render.office.pool import OfficePool
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu
from tests import pdfcheck
from tests.batch.conftest import common_facts, unit_names
from tests.conftest import sample
from tests.office_processes import kill_soffice

pytestmark = pytest.mark.office
KIND = "correction_order"


class SimulatedCrash(RuntimeError):
    """Stands for the process dying at a chosen point."""


def make_job(
    wenshu: Wenshu, units: list[str], rows: list[dict[str, Any]] | None = None, **options: Any
) -> BatchJob:
    """Return a job of correction orders for the units (or the given rows), checked as the CLI checks."""
    instrument = get_instrument(KIND)
    own = rows if rows is not None else [{"unit": unit} for unit in units]
    numbered = [(index + 2, facts) for index, facts in enumerate(own)]
    check = check_rows(
        instrument, common_facts(KIND), numbered, SnapshotArchive(wenshu.database), {}
    )
    return create_job(wenshu, instrument, common_facts(KIND), check, "测试员", **options)


def documents(wenshu: Wenshu) -> list[Document]:
    """Return every archived document in number order."""
    with wenshu.database.session() as session:
        return list(session.scalars(select(Document).order_by(Document.sequence)))


def stored_pdfs(wenshu: Wenshu) -> set[str]:
    """Return the relative path of every PDF under the archive's pdf/ folder."""
    root = wenshu.settings.archive_path
    return {str(p.relative_to(root)) for p in (root / "pdf").rglob("*.pdf")}


def stored_ofds(wenshu: Wenshu) -> set[str]:
    """Return the relative path of every OFD under the archive's ofd/ folder."""
    root = wenshu.settings.archive_path
    return {str(p.relative_to(root)) for p in (root / "ofd").rglob("*.ofd")}


def incoming(wenshu: Wenshu) -> list[Path]:
    """Return the files in the archive's temporary folder."""
    folder = wenshu.settings.archive_path / ".incoming"
    return list(folder.iterdir()) if folder.exists() else []


def assert_exactly_once(wenshu: Wenshu, units: list[str]) -> None:
    """Assert numbers 1..N each once, one per unit, every file recorded and nothing left over."""
    recorded = documents(wenshu)
    assert [d.sequence for d in recorded] == list(range(1, len(units) + 1))
    assert sorted(d.recipient for d in recorded) == sorted(units)
    assert stored_pdfs(wenshu) == {d.pdf_path for d in recorded}
    assert stored_ofds(wenshu) == {d.ofd_path for d in recorded}  # each copy has its OFD, no other
    assert incoming(wenshu) == []
    report = verify_archive(wenshu.database, wenshu.archive)  # the archive's own check agrees
    assert (report.problems, report.leftovers) == ([], [])
    with wenshu.database.session() as session:
        assert verify_chain(session) == []


def test_every_copy_is_archived_with_a_gapless_number(wenshu: Wenshu) -> None:
    """This test ensures that each row becomes one recorded document, numbered in row order."""
    units = unit_names(7)
    job = make_job(wenshu, units)
    seen: list[tuple[int, int]] = []
    finished = run_job(wenshu, job.id, chunk_size=3, progress=lambda d, t: seen.append((d, t)))
    assert (finished.status, finished.done, finished.total, finished.runner) == (DONE, 7, 7, "")
    assert seen == [(0, 7), (3, 7), (6, 7), (7, 7)]
    recorded = documents(wenshu)
    assert [d.number for d in recorded] == [f"君档责改〔2026〕{n}号" for n in range(1, 8)]
    assert [d.recipient for d in recorded] == units
    assert_exactly_once(wenshu, units)
    first = recorded[0]
    assert first.facts == common_facts(KIND) | {"unit": units[0]}
    assert (first.kind, first.issued_by, first.template_version) == (KIND, "测试员", 1)
    data = wenshu.archive.read(first.pdf_path)
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.sm3 == hashlib.new("sm3", data).hexdigest()
    assert first.size == len(data) and first.pages == 1  # its 抄送 on the page of its text
    items = job_items(wenshu, job.id)
    assert [i.document_id for i in items] == [d.id for d in recorded]
    assert all(i.status == DONE and i.staged_path == "" for i in items)
    with wenshu.database.session() as session:
        events = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.subject == first.number).order_by(AuditEvent.id)
            )
        )
    assert [(e.action, e.details["batch_job"], e.details["row"]) for e in events] == [
        ("issue", job.id, 2)
    ]


def test_outputs_name_every_copy(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that the manifest, ZIP, merged PDF and copies list each copy with its 文号."""
    units = unit_names(5)
    job = make_job(wenshu, units)
    run_job(wenshu, job.id, chunk_size=2)
    copies = issued_copies(wenshu, job.id)
    write_outputs(wenshu, copies, tmp_path / "out")
    out = tmp_path / "out"
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        manifest = list(csv.DictReader(handle))
    assert tuple(manifest[0]) == MANIFEST_COLUMNS
    numbers = [f"君档责改〔2026〕{n}号" for n in range(1, 6)]
    assert [(m["recipient"], m["number"]) for m in manifest] == list(
        zip(units, numbers, strict=True)
    )
    for entry in manifest:
        path = out / entry["file"]
        assert entry["file"] == f"{entry['number']}_{entry['recipient']}.pdf"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        assert hashlib.new("sm3", path.read_bytes()).hexdigest() == entry["sm3"]
        assert entry["number"] in pdfcheck.text(path)
        assert read_archival_metadata(path)["文号"] == entry["number"]
    with zipfile.ZipFile(out / "copies.zip") as bundle:
        assert bundle.namelist() == [m["file"] for m in manifest]
        assert bundle.read(manifest[2]["file"]) == (out / manifest[2]["file"]).read_bytes()
    with pikepdf.open(out / "merged.pdf") as merged, merged.open_outline() as outline:
        titles = [item.title for item in outline.root]
        targets = [merged.pages.index(item.destination[0]) for item in outline.root]
        assert len(merged.pages) == sum(d.pages for d in documents(wenshu))
    assert titles == [f"{unit} {number}" for unit, number in zip(units, numbers, strict=True)]
    assert targets == [0, 1, 2, 3, 4]  # one page a copy
    assert all(row["emb"] == "yes" for row in pdfcheck.fonts(out / "merged.pdf"))


def test_a_run_stopped_after_a_chunk_resumes_where_it_stopped(wenshu: Wenshu) -> None:
    """This test ensures that after a failure past chunk 2 the job resumes: numbers 1..N exactly once."""
    units = unit_names(9)
    job = make_job(wenshu, units)

    def crash_after_two(done: int, _total: int) -> None:
        if done >= 4:
            raise SimulatedCrash("stopped after chunk 2")

    with pytest.raises(SimulatedCrash):
        run_job(wenshu, job.id, chunk_size=2, progress=crash_after_two)
    stopped = load_job(wenshu, job.id)
    assert (stopped.status, stopped.done, stopped.runner) == (FAILED, 4, "")
    assert "chunk 2" in stopped.error
    assert len(documents(wenshu)) == 4
    assert stored_pdfs(wenshu) == {d.pdf_path for d in documents(wenshu)}
    finished = run_job(wenshu, job.id, chunk_size=2)
    assert (finished.status, finished.done, finished.error) == (DONE, 9, "")
    assert_exactly_once(wenshu, units)


def test_files_of_a_killed_runner_are_removed_when_resumed(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that files stored by a runner killed before it recorded them are removed."""
    units = unit_names(6)
    job = make_job(wenshu, units)
    real_record = service.batch.recording._record
    calls = []

    def die_on_second_chunk(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise SimulatedCrash("killed between storing and recording")
        real_record(*args)

    # A killed process neither records nor removes what it stored.
    monkeypatch.setattr(service.batch.recording, "_record", die_on_second_chunk)
    monkeypatch.setattr(wenshu.archive, "discard", lambda _path: None)
    with pytest.raises(SimulatedCrash):
        run_job(wenshu, job.id, chunk_size=3)
    monkeypatch.undo()
    with wenshu.database.session() as session:  # its name stays behind, its process is gone
        session.get(BatchJob, job.id).runner = f"{socket.gethostname()}:999999999:1"  # type: ignore[union-attr]
    orphans = stored_pdfs(wenshu) - {d.pdf_path for d in documents(wenshu)}
    assert len(orphans) == 3
    assert {i.staged_path for i in job_items(wenshu, job.id) if i.staged_path} == orphans
    ofd_orphans = stored_ofds(wenshu) - {d.ofd_path for d in documents(wenshu)}
    assert len(ofd_orphans) == 3
    assert {
        i.staged_ofd_path for i in job_items(wenshu, job.id) if i.staged_ofd_path
    } == ofd_orphans
    torn = wenshu.settings.archive_path / ".incoming" / "tmpkilled.part"  # a write cut short
    torn.write_bytes(b"%PDF-1.7 half")
    os.utime(torn, (time.time() - 60, time.time() - 60))
    run_job(wenshu, job.id, chunk_size=3)
    assert_exactly_once(wenshu, units)


def test_numbers_taken_meanwhile_are_given_again(wenshu: Wenshu) -> None:
    """This test ensures that a document issued during the batch takes its number and the batch renumbers."""
    units = unit_names(6)
    job = make_job(wenshu, units)
    single = {}

    def issue_one_meanwhile(done: int, _total: int) -> None:
        if done == 2 and not single:
            facts = sample(KIND) | {"unit": "岳阳市君山区档案馆"}
            single["document"] = issue_document(wenshu, KIND, facts, "另一位办事员")

    run_job(wenshu, job.id, chunk_size=2, progress=issue_one_meanwhile)
    recorded = documents(wenshu)
    assert [d.sequence for d in recorded] == list(range(1, 8))
    assert recorded[2].recipient == "岳阳市君山区档案馆"
    assert [d.recipient for d in recorded if d.issued_by == "测试员"] == units
    assert stored_pdfs(wenshu) == {d.pdf_path for d in recorded}


def test_invalid_rows_are_skipped_only_when_asked(wenshu: Wenshu) -> None:
    """This test ensures that with skip_invalid the bad rows are recorded as such and use no number."""
    rows = [{"unit": "甲单位"}, {"unit": "乙单位", "deadline": "2026-01-01"}, {"unit": "丙单位"}]
    job = make_job(wenshu, [], rows=rows, skip_invalid=True)
    assert job.total == 2
    run_job(wenshu, job.id)
    items = job_items(wenshu, job.id)
    assert [i.status for i in items] == [DONE, INVALID, DONE]
    assert items[1].errors == {"deadline": ["改正期限应当晚于成文日期"]}
    assert [d.recipient for d in documents(wenshu)] == ["甲单位", "丙单位"]


def test_a_job_is_run_by_one_runner_at_a_time(wenshu: Wenshu) -> None:
    """This test ensures that a job held by a live runner, here or in another process, is not taken."""
    job = make_job(wenshu, unit_names(1))
    claim_job(wenshu, job.id)
    with pytest.raises(JobBusy, match="本进程"):
        run_job(wenshu, job.id)
    release_job(wenshu, job.id, "paused")
    parent = os.getppid()
    started = Path(f"/proc/{parent}/stat").read_text().rpartition(")")[2].split()[19]
    with wenshu.database.session() as session:
        session.get(BatchJob, job.id).runner = f"{socket.gethostname()}:{parent}:{started}"  # type: ignore[union-attr]
    with pytest.raises(JobBusy, match=str(parent)):
        run_job(wenshu, job.id)
    with wenshu.database.session() as session:
        remaining = session.scalars(select(BatchItem).where(BatchItem.job_id == job.id)).all()
    assert [i.status for i in remaining] == ["pending"]


@pytest.fixture
def sqlite_wenshu(tmp_path: Path, office_pool: OfficePool) -> Iterator[Wenshu]:
    """Services on a fresh SQLite instance with the shared workers."""
    services = Wenshu.open(load_settings({"instance_path": tmp_path / "instance"}), office_pool)
    prepare_service(services)
    yield services
    services.database.dispose()


def test_libreoffice_killed_mid_run_costs_no_number(sqlite_wenshu: Wenshu) -> None:
    """This test ensures that killing a LibreOffice worker mid-batch neither skips nor repeats a number."""
    wenshu = sqlite_wenshu
    pool = wenshu.converter
    assert isinstance(pool, OfficePool)
    units = unit_names(12)
    job = make_job(wenshu, units)
    killed: list[int] = []

    def kill_a_soffice(done: int, _total: int) -> None:
        # Once the first chunk is recorded, while the next ones convert; the helper waits for
        # the worker to run an answering soffice (it may be restarting) instead of missing it.
        if done and not killed:
            killed.extend(kill_soffice(pool.workers[0]))

    finished = run_job(wenshu, job.id, chunk_size=3, progress=kill_a_soffice)
    assert killed and finished.status == DONE
    assert_exactly_once(wenshu, units)


def test_a_chunk_that_lost_its_numbers_keeps_files_another_record_refers_to(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a failed chunk whose PDFs equal committed ones leaves those files alone."""
    from dataclasses import replace

    from service.acts.errors import NumbersBusy
    from service.archive.numbering import NumberTaken
    from service.archive.store import fixity_of
    from service.batch.rendering import ChunkRenderer

    units = unit_names(3)
    run_job(wenshu, make_job(wenshu, units).id)
    committed = [wenshu.archive.read(d.pdf_path) for d in documents(wenshu)]
    render = ChunkRenderer.render

    def render_committed_bytes(self: ChunkRenderer, chunk: Any) -> Any:
        copies = render(self, chunk)
        return [
            replace(c, pdf=replace(c.pdf, data=data), fixity=fixity_of(data))
            for c, data in zip(copies, committed, strict=False)
        ]

    def taken(*_args: object) -> None:
        raise NumberTaken("another runner took these numbers")

    monkeypatch.setattr(ChunkRenderer, "render", render_committed_bytes)
    monkeypatch.setattr(service.batch.recording, "_record", taken)
    with pytest.raises(NumbersBusy):
        run_job(wenshu, make_job(wenshu, units).id)
    assert [wenshu.archive.read(d.pdf_path) for d in documents(wenshu)] == committed
    assert verify_archive(wenshu.database, wenshu.archive).ok


def test_a_long_job_in_a_busy_series_survives_many_lost_claims(wenshu: Wenshu) -> None:
    """This test ensures that lost claims only fail a job when many come in a row without progress."""
    from service.batch.executor import MAX_RENUMBERING

    units = unit_names(MAX_RENUMBERING + 3)
    job = make_job(wenshu, units)
    issued: list[int] = []

    def another_clerk_issues(done: int, _total: int) -> None:
        if 0 < done < len(units) and done not in issued:  # after every chunk recorded
            issued.append(done)
            facts = sample(KIND) | {"unit": f"岳阳市君山区第{done}居民委员会"}
            issue_document(wenshu, KIND, facts, "另一位办事员")

    finished = run_job(wenshu, job.id, chunk_size=1, progress=another_clerk_issues)
    assert (finished.status, finished.done) == (DONE, len(units))
    assert len(issued) > MAX_RENUMBERING
    recorded = documents(wenshu)
    assert [d.sequence for d in recorded] == list(range(1, len(units) + len(issued) + 1))


def test_each_copy_keeps_the_context_it_was_filled_with(wenshu: Wenshu) -> None:
    """This test ensures that every copy, merged with others or alone, keeps its own rendered context."""
    units = unit_names(3)
    run_job(wenshu, make_job(wenshu, units).id, chunk_size=2)  # two merged, then one alone
    instrument = get_instrument(KIND)
    with wenshu.database.session() as session:
        kept = session.execute(
            select(Document.number, Document.facts, Document.context).order_by(Document.sequence)
        ).all()
    assert [context["unit"] for _number, _facts, context in kept] == units
    for number, facts, context in kept:
        checked = validate_facts(instrument, facts)
        computed = computed_values(instrument, checked, None)
        assert context == build_context(
            instrument, checked, number, wenshu.settings.bureau, computed
        )
