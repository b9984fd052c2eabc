"""Tests of the LibreOffice pool: conversions, restart after a crash or a hang, restart after N."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from service.config import load_settings
from service.render.convert import ColdOffice, OfficeError, OfficePool
from service.render.docx import render_docx
from tests import pdfcheck

pytestmark = pytest.mark.office
TEMPLATE = Path(__file__).resolve().parents[2] / "templates_docx" / "supervision_notice.docx"


@pytest.fixture
def docx(tmp_path: Path) -> Path:
    """A filled supervision notice as DOCX."""
    from service.config import Bureau
    from service.facts import validate_facts
    from service.registry import get_instrument
    from service.render.context import build_context
    from tests.conftest import sample

    instrument = get_instrument("supervision_notice")
    facts = validate_facts(instrument, sample("supervision_notice"))
    context = build_context(instrument, facts, "君档监通〔2026〕1号", Bureau())
    path = tmp_path / "notice.docx"
    path.write_bytes(render_docx(TEMPLATE, context))
    return path


def soffice_pids(pool: OfficePool) -> list[int]:
    """Return the soffice.bin processes of a pool's workers."""
    found = []
    for worker in pool.workers:
        for pid in worker.pids():
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except FileNotFoundError:
                continue
            if name.startswith("soffice"):
                found.append(pid)
    return found


@pytest.fixture
def small_pool(tmp_path: Path) -> OfficePool:
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
    started = time.monotonic()
    small_pool.convert(docx, out)
    assert pdfcheck.pdfa_identification(out) == ("2", "B")
    assert small_pool.restarts == 1
    assert not [pid for pid in hung if alive(pid)]
    assert time.monotonic() - started < 120


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


def test_unconvertible_input_fails_cleanly(small_pool: OfficePool, tmp_path: Path) -> None:
    """This test ensures that a file LibreOffice cannot read raises OfficeError after one retry."""
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a document")
    with pytest.raises(OfficeError):
        small_pool.convert(broken, tmp_path / "broken.pdf")


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
        time.sleep(0.5)
        assert not [pid for pid in leftover if alive(pid)]
    finally:
        second.close()
        orphan = first.workers[0].process
        if orphan is not None:
            orphan.wait()  # reap it, as init would have for a really dead service
        first.workers[0].process = None


def alive(pid: int) -> bool:
    """Return whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_workers_at_configured_addresses(
    small_pool: OfficePool, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that a pool can use unoserver workers it did not start, by address."""
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
