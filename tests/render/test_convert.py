"""Tests of the LibreOffice pool: conversions, restart after a crash or a hang, restart after N."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from service.foundations.config import load_settings
from service.render.office.cold import ColdOffice
from service.render.office.pool import OfficePool
from service.render.office.process import WARM_CONVERSIONS, OfficeWorker
from service.render.office.retry import OfficeError
from tests import pdfcheck
from tests.office_processes import PATIENCE, alive, wait_for_soffice

pytestmark = pytest.mark.office


def soffice_pids(pool: OfficePool) -> list[int]:
    """Return the soffice processes of a pool's workers, once each runs one and answers."""
    return [pid for worker in pool.workers for pid in wait_for_soffice(worker)]


@pytest.fixture
def small_pool(tmp_path: Path) -> Iterator[OfficePool]:
    """A private one-worker pool that tests may break: short timeout, restart after 3."""
    settings = load_settings(
        {"instance_path": tmp_path, "office_workers": 1, "office_timeout": 8,
         "office_restart_after": 3}
    )  # fmt: skip
    pool = OfficePool(settings)
    pool.wait_ready()
    yield pool
    pool.close()


def test_cold_conversion_is_pdfa(docx: Path, tmp_path: Path) -> None:
    """This test ensures that the one-shot soffice path also yields PDF/A-2b."""
    out = tmp_path / "cold.pdf"
    ColdOffice(load_settings({"instance_path": tmp_path})).convert(docx, out)
    assert pdfcheck.pdfa_identification(out) == ("2", "B")


def test_crashed_worker_is_restarted_and_job_retried(
    small_pool: OfficePool, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that killing soffice (kill -9) costs a restart, not the conversion."""
    for pid in soffice_pids(small_pool):
        os.kill(pid, signal.SIGKILL)
    out = tmp_path / "after-crash.pdf"
    small_pool.convert(docx, out)
    assert pdfcheck.pdfa_identification(out) == ("2", "B")
    assert small_pool.restarts == 1


def test_hung_worker_is_killed_and_job_retried(
    small_pool: OfficePool, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that a LibreOffice that stops answering is killed after its timeout."""
    hung = soffice_pids(small_pool)
    for pid in hung:
        os.kill(pid, signal.SIGSTOP)
    out = tmp_path / "after-hang.pdf"
    small_pool.convert(docx, out)
    assert pdfcheck.pdfa_identification(out) == ("2", "B")
    assert small_pool.restarts == 1
    assert not [pid for pid in hung if alive(pid)]


def test_worker_restarts_after_n_conversions(
    small_pool: OfficePool, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that a worker is replaced after office_restart_after conversions."""
    first = soffice_pids(small_pool)
    for index in range(3):
        small_pool.convert(docx, tmp_path / f"{index}.pdf")
    small_pool.convert(docx, tmp_path / "next.pdf")
    assert soffice_pids(small_pool) and set(soffice_pids(small_pool)).isdisjoint(first)
    assert small_pool.restarts == 0


@pytest.mark.parametrize("growth", [0.15, 0.0], ids=["renewed", "growth-off"])
def test_worker_renewed_when_its_memory_grows(growth: float, docx: Path, tmp_path: Path) -> None:
    """This test ensures that a worker whose processes grew past office_memory_growth over
    their warm level is renewed before the next conversion, and only when that is set."""
    settings = load_settings(
        {"instance_path": tmp_path, "office_workers": 1, "office_restart_after": 100_000,
         "office_memory_growth": growth}
    )  # fmt: skip
    pool = OfficePool(settings)
    pool.wait_ready()
    try:
        worker = pool.workers[0]
        for index in range(WARM_CONVERSIONS):
            pool.convert(docx, tmp_path / f"warm-{index}.pdf")
        # The warm level is the resident memory of the worker and its soffice: tens of MB.
        assert worker.warm_bytes > 50 * 2**20
        first = soffice_pids(pool)
        # As if it had held half as much once warm: it has grown by 100% since.
        worker.warm_bytes //= 2
        halved = worker.warm_bytes
        pool.convert(docx, tmp_path / "grown.pdf")
        pool.convert(docx, tmp_path / "after.pdf")
        renewed = set(soffice_pids(pool)).isdisjoint(first)
        assert renewed == bool(growth)
        assert pool.restarts == 0  # a planned renewal, not a death
        # The renewed process is held to the first level, not to its own: the level kept...
        assert worker.warm_bytes == halved
        # ...and judged only once warmed up itself, so not renewed again at once.
        second = soffice_pids(pool)
        pool.convert(docx, tmp_path / "again.pdf")
        pool.convert(docx, tmp_path / "once-more.pdf")
        assert soffice_pids(pool) == second
    finally:
        pool.close()


def test_one_conversion_at_a_time_per_worker(
    office_pool: OfficePool, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that parallel conversions all succeed on the shared two-worker pool."""
    errors: list[Exception] = []

    def convert(index: int) -> None:
        try:
            office_pool.convert(docx, tmp_path / f"parallel-{index}.pdf")
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all((tmp_path / f"parallel-{i}.pdf").stat().st_size > 0 for i in range(6))


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not really a document", None],
    ids=["broken-zip", "missing-file"],
)
def test_unconvertible_input_fails_at_once_without_a_restart(
    small_pool: OfficePool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None
) -> None:
    """This test ensures that a file LibreOffice cannot read (or that is not there) raises a
    Chinese OfficeError at the first attempt: a fault that blames the document is not retried,
    costs no restart, and leaves nothing beside the target."""
    attempts = count_attempts(monkeypatch)
    broken = tmp_path / "broken.docx"
    if content is not None:
        broken.write_bytes(content)
    worker = small_pool.workers[0]
    assert worker.process is not None
    server = worker.process.pid
    with pytest.raises(OfficeError, match=r"无法读取 broken\.docx"):
        small_pool.convert(broken, tmp_path / "broken.pdf")
    assert len(attempts) == 1
    assert small_pool.restarts == 0
    assert worker.process is not None and worker.process.pid == server
    assert not (tmp_path / "broken.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".office-")] == []


def count_attempts(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record the output path of every attempt a worker makes; return the growing list."""
    attempts: list[Path] = []
    convert = OfficeWorker.convert

    def recorded(
        self: OfficeWorker, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()
    ) -> None:
        attempts.append(pdf_path)
        convert(self, docx_path, pdf_path, options)

    monkeypatch.setattr(OfficeWorker, "convert", recorded)
    return attempts


def test_worker_left_by_a_killed_service_is_cleaned_up(tmp_path: Path) -> None:
    """This test ensures that a new pool kills the worker an earlier, killed service left behind."""
    settings = load_settings({"instance_path": tmp_path, "office_workers": 1})
    first = OfficePool(settings)
    first.wait_ready()
    leftover = first.workers[0].pids()
    assert leftover
    # The earlier service dies without closing its pool (kill -9): its worker lives on.
    second = OfficePool(settings)
    second.wait_ready()
    try:
        # Killed as the second pool started; waited for, not slept on.
        deadline = time.monotonic() + PATIENCE
        while [pid for pid in leftover if alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in leftover if alive(pid)]
    finally:
        second.close()
        orphan = first.workers[0].process
        if orphan is not None:
            orphan.wait()  # reap it, as init would have for a really dead service
        first.workers[0].process = None


def test_workers_at_configured_addresses(
    small_pool: OfficePool, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that a pool can use workers it did not start, by address."""
    running = small_pool.workers[0]
    settings = load_settings(
        {"instance_path": tmp_path / "remote", "office_addresses": f"127.0.0.1:{running.port}"}
    )
    remote = OfficePool(settings)
    assert [worker.owned for worker in remote.workers] == [False]
    out = tmp_path / "remote.pdf"
    remote.convert(docx, out)
    assert pdfcheck.pdfa_identification(out) == ("2", "B")
    remote.close()  # closing a pool of remote workers leaves them running
    assert running.healthy()
