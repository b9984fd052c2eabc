"""Tests of where jobs run: which jobs count as left behind, and `wenshu serve` taking them up again."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from service.background.startup import prepare_service
from service.batch import jobs as batch_jobs
from service.batch.dispatch import (
    InProcessDispatcher,
    QueueDispatcher,
    complete_job,
    resume_orphans,
)
from service.batch.executor import DEFAULT_CHUNK
from service.batch.jobs import LEASE, job_items, load_job, orphaned_jobs, release_job
from service.batch.queue import TASK
from service.commands.celery_worker import add_task
from service.commands.cli import main
from service.database.batch_models import DONE, FAILED, PENDING, RUNNING, BatchJob
from service.database.models import Document, utcnow
from service.foundations.config import Settings
from service.render.office.converter import Converter
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests.batch.conftest import unit_names
from tests.batch.test_executor import make_job
from tests.fakes import FailingConverter

WENSHU = str(Path(sys.executable).parent / "wenshu")


class Gate(Converter):
    """Converts with another converter, every conversion waiting until the gate is opened."""

    def __init__(self, inner: Converter) -> None:
        self.inner = inner
        # As many chunks are kept under way as the inner converter has workers.
        self.workers = getattr(inner, "workers", ())
        self.reached = threading.Event()  # a conversion is waiting
        self.opened = threading.Event()

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Wait for the gate, then convert."""
        self.reached.set()
        self.opened.wait()
        self.inner.convert(docx_path, pdf_path, options)


def dead_runner() -> str:
    """Return the runner name of a process on this machine that has exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}:1"


def set_state(
    wenshu: Wenshu, job_id: int, status: str, runner: str = "", heartbeat: dt.datetime | None = None
) -> None:
    """Put a job in a state as a runner would have left it."""
    with wenshu.database.session() as session:
        job = session.get(BatchJob, job_id)
        assert job is not None
        job.status, job.runner, job.heartbeat_at = status, runner, heartbeat


def test_which_jobs_count_as_left_behind(wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that only jobs whose runner is gone (and unstarted ones, if asked) are orphans."""
    jobs = [make_job(wenshu, [unit]).id for unit in unit_names(6)]
    now = utcnow()
    monkeypatch.setattr(batch_jobs, "utcnow", lambda: now)  # leases are judged at this moment
    set_state(wenshu, jobs[0], RUNNING, dead_runner(), now)  # killed here: its process is gone
    me = f"{socket.gethostname()}:{os.getpid()}:{Path(f'/proc/{os.getpid()}/stat').read_text().rpartition(')')[2].split()[19]}"
    set_state(wenshu, jobs[1], RUNNING, me, now)  # alive here
    set_state(wenshu, jobs[2], RUNNING, "elsewhere:42:7", now)  # another machine, fresh heartbeat
    set_state(wenshu, jobs[3], RUNNING, "elsewhere:43:7", now - LEASE - dt.timedelta(seconds=1))
    set_state(wenshu, jobs[4], FAILED, "")  # stopped on purpose, or by an error
    # jobs[5] stays pending: never started

    assert orphaned_jobs(wenshu, pending_after=None) == [jobs[0], jobs[3]]
    assert orphaned_jobs(wenshu, pending_after=dt.timedelta(0)) == [jobs[0], jobs[3], jobs[5]]
    # A broker may lose a queued job: one handed over long ago counts as lost, a recent one not.
    assert orphaned_jobs(wenshu, pending_after=dt.timedelta(minutes=10)) == [jobs[0], jobs[3]]
    set_state(wenshu, jobs[5], PENDING, "", now - dt.timedelta(minutes=11))
    assert orphaned_jobs(wenshu, pending_after=dt.timedelta(minutes=10)) == [
        jobs[0],
        jobs[3],
        jobs[5],
    ]


@pytest.mark.office
def test_the_in_process_dispatcher_finishes_a_job_and_writes_its_outputs(wenshu: Wenshu) -> None:
    """This test ensures that a job submitted in the web process ends done, with its outputs, once."""
    job = make_job(wenshu, unit_names(3))
    dispatcher = InProcessDispatcher(wenshu)
    try:
        dispatcher.submit(job.id)
        dispatcher.submit(job.id)  # a second click while it runs changes nothing
        deadline = time.monotonic() + 120
        while dispatcher.active(job) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        dispatcher.close()
    assert complete_job(wenshu, job.id).status == DONE  # done already: nothing issued again
    with wenshu.database.session() as session:
        assert len(session.scalars(select(Document)).all()) == 3
    assert (wenshu.settings.batch_path / str(job.id) / "merged.pdf").is_file()


def test_a_job_that_cannot_be_issued_is_recorded_and_logged_without_a_traceback(
    wenshu: Wenshu, caplog: pytest.LogCaptureFixture
) -> None:
    """This test ensures that a job the service's thread cannot issue (LibreOffice failing) is
    left failed with the Chinese message, logged as a warning saying so, not as a traceback."""
    job = make_job(wenshu, unit_names(2))
    wenshu.converter = FailingConverter("LibreOffice 转换失败")
    dispatcher = InProcessDispatcher(wenshu)
    try:
        with caplog.at_level(logging.WARNING, logger="service.batch.dispatch"):
            dispatcher.submit(job.id)
            deadline = time.monotonic() + 120
            while dispatcher.active(job) and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        dispatcher.close()
    stopped = load_job(wenshu, job.id)
    assert (stopped.status, stopped.error) == (FAILED, "LibreOffice 转换失败")
    logged = [r for r in caplog.records if r.name == "service.batch.dispatch"]
    assert [(r.levelno, r.getMessage(), r.exc_info) for r in logged] == [
        (logging.WARNING, f"batch job {job.id} stopped: LibreOffice 转换失败", None)
    ]
    with wenshu.database.session() as session:
        assert session.scalars(select(Document)).all() == []


def test_a_celery_worker_logs_a_job_that_cannot_be_issued_without_a_traceback(
    wenshu: Wenshu, caplog: pytest.LogCaptureFixture
) -> None:
    """This test ensures that the worker's batch task, run on a job it cannot issue (LibreOffice
    failing), answers "failed" and logs one warning with the Chinese message, not a traceback."""
    job = make_job(wenshu, unit_names(2))
    wenshu.converter = FailingConverter("LibreOffice 转换失败")
    # The broker is never reached: the task is called here, as a worker would run it.
    queued = replace(wenshu, settings=replace(wenshu.settings, broker_url="redis://127.0.0.1:9/0"))
    dispatcher = QueueDispatcher(queued)
    try:
        add_task(dispatcher, queued, threading.Event())
        with caplog.at_level(logging.WARNING, logger="service.commands.celery_worker"):
            outcome = dispatcher.celery.tasks[TASK](job.id)
    finally:
        dispatcher.close()
    assert outcome == "failed"
    assert load_job(wenshu, job.id).error == "LibreOffice 转换失败"
    logged = [r for r in caplog.records if r.name == "service.commands.celery_worker"]
    assert [(r.levelno, r.getMessage(), r.exc_info) for r in logged] == [
        (logging.WARNING, f"batch job {job.id} stopped: LibreOffice 转换失败", None)
    ]


def test_a_failed_dispatch_is_recorded_on_the_job(wenshu: Wenshu) -> None:
    """This test ensures that resume_orphans marks a job it could not hand over as failed, with why."""

    class Unreachable:
        pending_lost_after = dt.timedelta(minutes=10)

        def submit(self, job_id: int) -> None:
            from service.batch.dispatch import DispatchFailed

            raise DispatchFailed("无法连接任务队列（redis://broker:6379/0）：Connection refused")

        def active(self, job: BatchJob) -> bool:
            return False

        def close(self) -> None:
            pass

    job = make_job(wenshu, unit_names(1))
    set_state(wenshu, job.id, RUNNING, dead_runner(), utcnow())
    assert resume_orphans(Unreachable(), wenshu) == []
    with wenshu.database.session() as session:
        stopped = session.get(BatchJob, job.id)
        assert stopped is not None and stopped.status == FAILED
        assert "无法连接任务队列" in stopped.error and not stopped.runner


@pytest.mark.office
def test_serve_takes_up_jobs_a_killed_service_left(
    settings: Settings, office_pool: OfficePool, tmp_path: Path
) -> None:
    """This test ensures that `wenshu serve` resumes a job whose runner died and one never started."""
    wenshu = Wenshu.open(settings, office_pool)
    prepare_service(wenshu)
    try:
        left = make_job(wenshu, unit_names(4))
        never_started = make_job(wenshu, unit_names(6)[4:])
        stopped = make_job(wenshu, unit_names(7)[6:])
        set_state(wenshu, left.id, RUNNING, dead_runner(), utcnow())
        release_job(wenshu, stopped.id, "已中断")
        office_pool.wait_ready()
        environment = {
            **os.environ,
            "WENSHU_INSTANCE": str(settings.instance_path),
            "WENSHU_OFFICE_ADDRESSES": ",".join(f"{w.host}:{w.port}" for w in office_pool.workers),
            "WENSHU_VERIFY_INTERVAL_HOURS": "0",
        }
        environment.pop("WENSHU_DATABASE_URL", None)
        if settings.database_url:
            environment["WENSHU_DATABASE_URL"] = settings.database_url
        log = tmp_path / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [WENSHU, "serve", "--port", "0"],
                env=environment, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with wenshu.database.session() as session:
                    states = {job.id: job.status for job in session.scalars(select(BatchJob)).all()}
                if states[left.id] == DONE and states[never_started.id] == DONE:
                    break
                assert process.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=60)
        text = log.read_text()
        assert states == {left.id: DONE, never_started.id: DONE, stopped.id: FAILED}, text
        assert f"resuming batch job #{left.id}" in text
        assert f"resuming batch job #{never_started.id}" in text
        with wenshu.database.session() as session:
            sequences = list(session.scalars(select(Document.sequence).order_by(Document.sequence)))
        assert sequences == list(range(1, 7))
        assert (settings.batch_path / str(left.id) / "manifest.csv").is_file()
    finally:
        wenshu.database.dispose()  # the LibreOffice workers are the session's


def test_worker_needs_a_broker(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that `wenshu worker` without a broker exits 2 and says what to set."""
    monkeypatch.delenv("WENSHU_BROKER_URL", raising=False)
    result = runner.invoke(main, ["worker"])
    assert result.exit_code == 2
    assert "WENSHU_BROKER_URL" in result.output


def test_queue_states_are_pending_until_a_worker_holds_the_job(
    wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that with a broker a job shows as active while queued or held by a live worker."""
    now = utcnow()
    monkeypatch.setattr(batch_jobs, "utcnow", lambda: now)  # a heartbeat of now stays fresh
    from dataclasses import replace

    from service.batch.dispatch import QueueDispatcher

    queued = Wenshu(
        replace(wenshu.settings, broker_url="redis://127.0.0.1:1/0"), wenshu.database,
        wenshu.archive, wenshu.templates, wenshu.converter,
    )  # fmt: skip
    dispatcher = QueueDispatcher(queued)
    try:
        job = make_job(wenshu, unit_names(1))
        assert job.status == PENDING and dispatcher.active(job)
        set_state(wenshu, job.id, RUNNING, dead_runner(), now)
        with wenshu.database.session() as session:
            running = session.get(BatchJob, job.id)
        assert running is not None and not dispatcher.active(running)
        set_state(wenshu, job.id, RUNNING, "elsewhere:1:1", now)
        with wenshu.database.session() as session:
            running = session.get(BatchJob, job.id)
        assert running is not None and dispatcher.active(running)
    finally:
        dispatcher.close()


def test_batch_on_the_queue_needs_a_broker(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """This test ensures that `wenshu batch --queue` without a broker exits 2 before doing anything."""
    monkeypatch.delenv("WENSHU_BROKER_URL", raising=False)
    result = runner.invoke(main, ["batch", "--resume", "1", "--queue", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "WENSHU_BROKER_URL" in result.output


@pytest.mark.office
def test_a_service_stopping_mid_job_leaves_it_pending_and_the_next_start_finishes_it(
    wenshu: Wenshu,
) -> None:
    """This test ensures that closing the dispatcher mid-job records chunks under way and the job resumes once."""
    job = make_job(wenshu, [f"岳阳市君山区第{n}村民委员会" for n in range(1, 301)])
    gate = Gate(wenshu.converter)
    wenshu.converter = gate
    first = InProcessDispatcher(wenshu)
    first.submit(job.id)
    try:
        assert gate.reached.wait(timeout=120), "no chunk was converted"
        # Asked to stop while its first chunks convert, as `wenshu serve` is on SIGTERM; they
        # go on only once the stop is asked, so the job stops whatever the machine's speed.
        closing = threading.Thread(target=first.close)
        closing.start()
        assert first._stop.wait(timeout=120)
    finally:
        gate.opened.set()
    closing.join(timeout=300)
    assert not closing.is_alive()
    paused = load_job(wenshu, job.id)
    assert (paused.status, paused.runner, paused.error) == (PENDING, "", "")
    # The chunks under way are recorded whole (50 copies each, at most one per worker and one
    # filling), no other chunk is begun.
    assert paused.done % DEFAULT_CHUNK == 0 and 0 < paused.done < 300, paused.done
    with wenshu.database.session() as session:
        assert len(session.scalars(select(Document)).all()) == paused.done
    assert len(job_items(wenshu, job.id, PENDING)) == 300 - paused.done

    second = InProcessDispatcher(wenshu)
    try:
        assert resume_orphans(second, wenshu) == [job.id]
        deadline = time.monotonic() + 120
        while second.active(job) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        second.close()
    assert load_job(wenshu, job.id).status == DONE
    with wenshu.database.session() as session:
        sequences = list(session.scalars(select(Document.sequence).order_by(Document.sequence)))
    assert sequences == list(range(1, 301))
