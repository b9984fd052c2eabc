"""Tests of the LibreOffice pool when soffice dies mid-conversion: the retry is not poisoned."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import docx as python_docx
import pytest
from pypdf import PdfReader

from service.foundations.config import load_settings
from service.render.office.pool import OfficePool
from service.render.office.process import OfficeWorker
from service.render.office.retry import OfficeError, conversion_deadline
from tests import pdfcheck
from tests.office_processes import (
    PATIENCE,
    alive,
    kill_soffice,
    soffice_pids,
    wait_for_soffice,
    writing_into,
)

pytestmark = pytest.mark.office

# A plain document long enough that soffice spends a second or more writing its PDF, so that
# a test can kill it in the middle of writing on any machine.
LONG_PARAGRAPHS = 1200
# Conversions the surviving worker finishes while the killed one is kept down.
SERVED_WHILE_DOWN = 2


@pytest.fixture
def long_docx(tmp_path: Path) -> Path:
    """A DOCX of many Chinese paragraphs, slow to export."""
    document = python_docx.Document()
    for index in range(LONG_PARAGRAPHS):
        document.add_paragraph(f"第{index}段：岳阳市君山区档案局依法开展档案工作监督检查。" * 4)
    path = tmp_path / "long.docx"
    document.save(str(path))
    return path


@contextlib.contextmanager
def pool_of(tmp_path: Path, workers: int, **settings: object) -> Iterator[OfficePool]:
    """Yield a private pool of started workers that a test may break, closed afterwards."""
    pool = OfficePool(
        load_settings(
            {"instance_path": tmp_path / "office", "office_workers": workers,
             "office_restart_after": 100_000, **settings}
        )
    )  # fmt: skip
    try:
        pool.wait_ready()
        yield pool
    finally:
        pool.close()


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[OfficePool]:
    """Two private workers, never restarted for their number of conversions."""
    with pool_of(tmp_path, 2) as pool:
        yield pool


@pytest.fixture
def single(tmp_path: Path) -> Iterator[OfficePool]:
    """One private worker, never restarted for its number of conversions."""
    with pool_of(tmp_path, 1) as pool:
        yield pool


def server_pid(worker: OfficeWorker) -> int | None:
    """Return the process id of a worker's uno_worker process, which changes when it is restarted."""
    return worker.process.pid if worker.process is not None else None


def last_page_text(path: Path) -> str:
    """Return the text of a PDF's last page."""
    return PdfReader(path).pages[-1].extract_text()


def kill(pids: list[int]) -> None:
    """Kill -9 each process."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def only_the_target(folder: Path, name: str) -> bool:
    """Return whether folder holds the file name and nothing else (no lock, part or attempt folder)."""
    return sorted(p.name for p in folder.iterdir()) == [name]


def test_soffice_killed_while_writing_costs_only_its_own_worker(
    pair: OfficePool, long_docx: Path, tmp_path: Path
) -> None:
    """This test ensures that a soffice killed while it writes a PDF costs one restart of its own
    worker: the conversion succeeds on the other worker, which is not restarted, and nothing the
    dead soffice wrote is left beside the target."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "long.pdf"
    before = {worker.name: (server_pid(worker), soffice_pids(worker)) for worker in pair.workers}
    failures: list[Exception] = []

    def convert() -> None:
        try:
            pair.convert(long_docx, target)
        except Exception as error:  # collected and asserted below
            failures.append(error)

    client = threading.Thread(target=convert)
    client.start()
    dying, killed = writing_into(pair.workers, out)
    kill(killed)
    client.join(PATIENCE)
    assert not client.is_alive() and failures == []
    assert pdfcheck.pdfa_identification(target) == ("2", "B")
    assert f"第{LONG_PARAGRAPHS - 1}段" in last_page_text(target)  # the whole document
    assert pair.restarts == 1
    (healthy,) = [worker for worker in pair.workers if worker is not dying]
    server, soffice = before[healthy.name]
    assert server_pid(healthy) == server
    assert soffice and all(alive(pid) for pid in soffice)
    assert only_the_target(out, "long.pdf")
    wait_for_soffice(dying, other_than=killed)  # the dead one comes back by itself


def test_lock_and_part_left_beside_the_target_do_not_break_the_next_conversion(
    single: OfficePool, long_docx: Path, docx: Path, tmp_path: Path
) -> None:
    """This test ensures that the .~lock file and lu*.tmp part that another LibreOffice, killed
    while writing straight to a path, left there neither fail the pool's conversion to that path
    nor cost its healthy worker a restart."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "long.pdf"
    # Another soffice with its own profile (another machine's worker, an older run) writes
    # straight to the target, as the pool once did, and dies there.
    stranger = OfficeWorker("stranger", load_settings({"instance_path": tmp_path / "stranger"}))
    stranger.start()
    try:
        straight = threading.Thread(
            target=dying_conversion, args=(stranger.convert, long_docx, target)
        )
        straight.start()
        _, killed = writing_into([stranger], out)
        kill(killed)
        straight.join(PATIENCE)
    finally:
        stranger.kill()
    leftovers = {p.name for p in out.iterdir()}
    assert ".~lock.long.pdf#" in leftovers, leftovers  # what poisoned the retry before

    single.convert(docx, target)
    assert pdfcheck.pdfa_identification(target) == ("2", "B")
    assert "君档监通〔2026〕1号" in pdfcheck.text(target)
    assert single.restarts == 0


def dying_conversion(
    convert: Callable[[Path, Path], None], docx_path: Path, pdf_path: Path
) -> None:
    """Run a conversion whose soffice the test kills: its failure is the point."""
    with contextlib.suppress(Exception):
        convert(docx_path, pdf_path)


def test_a_worker_that_fails_but_answers_is_kept_and_the_conversion_retried(
    single: OfficePool, docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a worker whose attempt fails for a reason that is neither the
    document's nor its own death (here the attempt's folder vanished under it) goes back to the
    pool without a restart, and the conversion is tried again in a fresh folder and succeeds."""
    attempts: list[Path] = []
    convert = OfficeWorker.convert

    def first_folder_vanishes(
        self: OfficeWorker, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()
    ) -> None:
        attempts.append(pdf_path)
        if len(attempts) == 1:
            shutil.rmtree(pdf_path.parent)
        convert(self, docx_path, pdf_path, options)

    monkeypatch.setattr(OfficeWorker, "convert", first_folder_vanishes)
    worker = single.workers[0]
    server = server_pid(worker)
    out = tmp_path / "out"
    out.mkdir()
    single.convert(docx, out / "notice.pdf")
    assert pdfcheck.pdfa_identification(out / "notice.pdf") == ("2", "B")
    assert len(attempts) == 2 and attempts[0].parent != attempts[1].parent
    assert single.restarts == 0
    assert server is not None and server_pid(worker) == server
    assert only_the_target(out, "notice.pdf")


def test_four_clients_convert_without_error_while_soffice_is_killed_four_times(
    pair: OfficePool, docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that four clients converting without pause while soffice is killed four
    times in the middle of writing all succeed, that the surviving worker keeps serving them while the killed one restarts,
    and that the pool ends with every worker healthy and only the killed ones restarted."""
    # A worker starts again in about a second, too short a time to be sure the other worker
    # finished anything meanwhile: the killed one is kept from starting until it has.
    may_start = threading.Event()
    may_start.set()
    start = OfficeWorker.start

    def start_when_let(self: OfficeWorker) -> None:
        may_start.wait(PATIENCE)
        start(self)

    monkeypatch.setattr(OfficeWorker, "start", start_when_let)
    stop = threading.Event()
    failures: list[BaseException] = []
    finished: list[float] = []

    clients_root = tmp_path / "clients"

    def client(index: int) -> None:
        folder = clients_root / f"client-{index}"
        folder.mkdir(parents=True)
        target = folder / "notice.pdf"
        while not stop.is_set():
            try:
                pair.convert(docx, target)
                assert pdfcheck.pdfa_identification(target) == ("2", "B")
            except BaseException as error:  # collected and asserted below
                failures.append(error)
                return
            finished.append(time.monotonic())

    clients = [threading.Thread(target=client, args=(index,)) for index in range(4)]
    for thread in clients:
        thread.start()
    served_while_down = []
    try:
        for round_ in range(4):
            worker = pair.workers[round_ % 2]
            # Killed while it writes a client's PDF: the case that left a lock behind.
            _, killed = writing_into([worker], clients_root)
            may_start.clear()
            kill(killed)
            killed_at = time.monotonic()
            served_while_down.append(served_after(killed_at, finished, failures))
            may_start.set()
            wait_for_soffice(worker, other_than=killed)
    finally:
        may_start.set()
        stop.set()
        for thread in clients:
            thread.join(PATIENCE)
    assert not any(thread.is_alive() for thread in clients)
    assert failures == []
    # While the killed worker was down, the other one served the clients.
    assert all(count >= SERVED_WHILE_DOWN for count in served_while_down), served_while_down
    pair.wait_ready(timeout=PATIENCE)
    assert all(worker.healthy() for worker in pair.workers)
    assert pair.restarts == 4
    assert all(only_the_target(clients_root / f"client-{i}", "notice.pdf") for i in range(4))


def served_after(moment: float, finished: list[float], failures: list[BaseException]) -> int:
    """Return how many conversions finished after moment, once SERVED_WHILE_DOWN have (or a
    client failed, or PATIENCE passed)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline and not failures:
        count = sum(t > moment for t in list(finished))
        if count >= SERVED_WHILE_DOWN:
            return count
        time.sleep(0.01)
    return sum(t > moment for t in list(finished))


def test_a_document_on_which_soffice_dies_again_and_again_stops_after_three_deaths(
    pair: OfficePool, long_docx: Path, tmp_path: Path
) -> None:
    """This test ensures that a conversion during which soffice dies every time it writes (as
    a document that crashes LibreOffice would) fails with a clear Chinese OfficeError after
    three deaths, instead of taking the workers down one after the other until its deadline."""
    out = tmp_path / "out"
    out.mkdir()
    failures: list[Exception] = []

    def convert() -> None:
        try:
            pair.convert(long_docx, out / "long.pdf")
        except Exception as error:  # collected and asserted below
            failures.append(error)

    client = threading.Thread(target=convert)
    client.start()
    killed: list[int] = []
    for _ in range(3):
        _, writing = writing_into(pair.workers, out, other_than=killed)
        kill(writing)
        killed += writing
    client.join(PATIENCE)
    assert not client.is_alive()
    assert [type(error) for error in failures] == [OfficeError]
    assert "LibreOffice 转换 long.docx 时已 3 次异常退出或停止响应" in str(failures[0])
    assert pair.restarts == 3
    assert list(out.iterdir()) == []
    pair.wait_ready(timeout=PATIENCE)  # both come back for the next conversions


def test_conversion_fails_clearly_once_its_deadline_passes(tmp_path: Path, docx: Path) -> None:
    """This test ensures that when LibreOffice dies and cannot be started again (its program
    removed under the running service), a conversion ends with a clear OfficeError in Chinese
    once its deadline passes, instead of waiting forever or failing at the first attempt."""
    program = tmp_path / "bin" / "soffice"
    program.parent.mkdir()
    program.symlink_to(load_settings({"instance_path": tmp_path}).soffice_path)
    settings = {"soffice_path": str(program), "office_timeout": 3, "office_start_timeout": 20}
    with pool_of(tmp_path, 1, **settings) as pool:
        program.unlink()
        kill_soffice(pool.workers[0])
        with pytest.raises(OfficeError) as raised:
            pool.convert(docx, tmp_path / "never.pdf")
        assert pool.restarts == 1
        limit = conversion_deadline(pool.settings)
    assert f"LibreOffice 在 {limit:.0f} 秒内未能转换 notice.docx" in str(raised.value)
    assert not (tmp_path / "never.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".office-")] == []
