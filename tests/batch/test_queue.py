"""Tests of batch jobs on Celery workers: a real Redis, real `wenshu worker` processes, PostgreSQL.

Each worker stands for a machine of its own: its own instance folder and LibreOffice
pool, sharing only what a scaled-out service shares (the database, the archive and
batch folders, the broker).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select, update

from service import create_app
from service.archive.fixity import verify_archive
from service.background.startup import prepare_service
from service.batch.dispatch import QueueDispatcher
from service.batch.executor import DEFAULT_CHUNK
from service.batch.jobs import create_job, job_items, load_job
from service.batch.validation import SnapshotArchive, check_rows
from service.database.batch_models import DONE, FAILED, RUNNING, BatchItem, BatchJob
from service.database.models import Document, utcnow
from service.foundations.config import load_settings
from service.instruments.registry import get_instrument
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests.batch.conftest import TOWNS, circular_facts
from tests.conftest import signed_in
from tests.postgres import fresh_database, row_held
from tests.redis_server import redis_server
from tests.web.batch_client import KIND, csv_bytes, status_and_body, upload, wait_until_finished
from tests.web.conftest import serving, sign_in

pytestmark = pytest.mark.office
WENSHU = str(Path(sys.executable).parent / "wenshu")
START_TIMEOUT = 120.0  # seconds for a worker and its LibreOffice to be ready
JOB_TIMEOUT = 300.0


def villages(count: int) -> list[str]:
    """Return count distinct units: the villages' committees of 君山区's towns."""
    return [f"岳阳市君山区{TOWNS[n % len(TOWNS)]}第{n + 1}村民委员会" for n in range(count)]


@dataclass
class Shared:
    """What every machine of a scaled-out service shares: database, folders, broker."""

    database_url: str
    folder: Path
    broker_url: str

    @property
    def environment(self) -> dict[str, str]:
        """Return the WENSHU_* variables naming the shared parts."""
        return {
            "WENSHU_DATABASE_URL": self.database_url,
            "WENSHU_ARCHIVE": str(self.folder / "archive"),
            "WENSHU_BATCHES": str(self.folder / "batches"),
            "WENSHU_BROKER_URL": self.broker_url,
        }

    def settings(self, instance: Path) -> dict[str, Any]:
        """Return the settings of one machine with its own instance folder on the shared parts."""
        return {
            "instance_path": instance,
            "database_url": self.database_url,
            "archive_folder": str(self.folder / "archive"),
            "batch_folder": str(self.folder / "batches"),
            "broker_url": self.broker_url,
        }

    def services(self, instance: Path) -> Wenshu:
        """Return services of one machine (no LibreOffice) on the shared parts."""
        wenshu = Wenshu.open(load_settings(self.settings(instance)))
        prepare_service(wenshu)
        return wenshu


@dataclass
class Worker:
    """A `wenshu worker` process standing for one machine."""

    name: str
    instance: Path
    shared: Shared
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    def start(self) -> None:
        """Start the worker and wait until Celery says it is ready (LibreOffice is up by then)."""
        environment = {**os.environ, **self.shared.environment}
        environment.update(WENSHU_INSTANCE=str(self.instance), WENSHU_OFFICE_WORKERS="1")
        environment["WENSHU_VERIFY_INTERVAL_HOURS"] = "0"
        log = self.instance.parent / f"{self.name.split('@')[0]}-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [WENSHU, "worker", "--name", self.name],
                env=environment, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while f"{self.name} ready." not in log.read_text(errors="replace"):
            assert self.process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)

    def kill(self) -> None:
        """Kill the worker at once (kill -9); its LibreOffice is left running, as after a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop the worker as an operator would (SIGTERM: finish the job at hand, then leave)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def office_pids(self) -> list[int]:
        """Return the process ids of the worker's LibreOffice, from its pid files."""
        return [int(path.read_text()) for path in (self.instance / "office").glob("*.pid")]

    def text(self) -> str:
        """Return everything the worker printed, over all its starts."""
        return "".join(log.read_text(errors="replace") for log in self.logs)


@pytest.fixture
def shared(tmp_path: Path, postgres_url: str) -> Iterator[Shared]:
    """A fresh PostgreSQL database, shared folders and a Redis of its own, for one test."""
    with fresh_database(postgres_url) as database_url, redis_server() as broker_url:
        yield Shared(database_url, tmp_path / "shared", broker_url)


@pytest.fixture
def workers(tmp_path: Path, shared: Shared) -> Iterator[list[Worker]]:
    """Two workers, not started; each stopped at the end of the test."""
    started = [Worker(f"w{n}@machine{n}", tmp_path / f"machine{n}", shared) for n in (1, 2)]
    yield started
    for worker in started:
        worker.stop()


@pytest.fixture
def desk(tmp_path: Path, shared: Shared) -> Iterator[Wenshu]:
    """A clerk's machine of the service, without LibreOffice: it records jobs and reads them."""
    wenshu = shared.services(tmp_path / "office-clerk")
    yield wenshu
    wenshu.close()


@pytest.fixture
def web(tmp_path: Path, shared: Shared, office_pool: OfficePool) -> Iterator[Flask]:
    """The web service on its own machine, sending batch jobs to the broker."""
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            **shared.settings(tmp_path / "web"),
            "converter": office_pool,
        }
    )
    yield app
    app.extensions["batch_dispatcher"].close()
    app.extensions["wenshu"].database.dispose()


def new_job(wenshu: Wenshu, units: list[str]) -> BatchJob:
    """Record a job of safety circulars to these units, as the web page does after checking."""
    instrument = get_instrument(KIND)
    rows = [(n + 2, {"addressee": unit}) for n, unit in enumerate(units)]
    common = circular_facts(KIND)  # hundreds of units go under a 统称
    check = check_rows(instrument, common, rows, SnapshotArchive(wenshu.database), {})
    return create_job(wenshu, instrument, common, check, "clerk1")


def wait_for(wenshu: Wenshu, job_id: int, done: bool = True, at_least: int = 0) -> BatchJob:
    """Poll the job until it is done (or has at least so many copies done); return it."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        job = load_job(wenshu, job_id)
        if (done and job.status in {DONE, FAILED}) or (not done and job.done >= at_least):
            return job
        time.sleep(0.05)
    raise AssertionError(f"batch job {job_id} did not get there within {JOB_TIMEOUT} s")


def wait_for_text(worker: Worker, text: str) -> None:
    """Return once the worker has printed the text."""
    deadline = time.monotonic() + START_TIMEOUT
    while text not in worker.text():
        assert time.monotonic() < deadline, worker.text()
        time.sleep(0.05)


def numbered(wenshu: Wenshu) -> list[tuple[int, int]]:
    """Return the (sequence, 份号) of every copy recorded, in order.

    The copies of a circular share its 文号: a job takes one sequence, each copy a 份号.
    """
    order = (Document.sequence, Document.copy_number)
    with wenshu.database.session() as session:
        return [tuple(row) for row in session.execute(select(*order).order_by(*order))]


def one_number(copies: int, sequence: int = 1) -> list[tuple[int, int]]:
    """Return how the copies of one circular are numbered: one sequence, 份号 1..copies."""
    return [(sequence, n) for n in range(1, copies + 1)]


def test_a_batch_from_the_web_page_runs_on_a_celery_worker(
    web: Flask, workers: list[Worker], shared: Shared
) -> None:
    """This test ensures that a batch uploaded on the web page runs on a worker and its outputs download."""
    worker = workers[0]
    worker.start()
    client = signed_in(web, "clerk")
    units = villages(30)
    response = upload(client, csv_bytes(units), circular_facts(KIND))
    assert response.status_code == 302, response.get_data(as_text=True)
    job_url = response.headers["Location"]
    progress = wait_until_finished(client, job_url, timeout=JOB_TIMEOUT)
    assert progress["finished"] and (progress["done"], progress["total"]) == (30, 30), progress
    assert "Task wenshu.batch.complete" in worker.text() and "succeeded" in worker.text()

    with client.get(job_url + "/merged.pdf") as merged:
        assert merged.status_code == 200
        data = merged.data
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        assert [item.title.split()[0] for item in outline.root] == units
    manifest = status_and_body(client, job_url + "/manifest.csv")[1].decode("utf-8-sig")
    assert len(manifest.splitlines()) == 31
    services = web.extensions["wenshu"]
    assert numbered(services) == one_number(30)
    assert verify_archive(services.database, services.archive).ok


def test_a_killed_worker_is_replaced_and_its_job_finishes_exactly_once(
    desk: Wenshu, workers: list[Worker], shared: Shared
) -> None:
    """This test ensures that after kill -9 of a worker mid-job its restart resumes: each copy once, no stray file."""
    worker = workers[0]
    worker.start()
    units = villages(300)
    job = new_job(desk, units)
    # The second chunk's first row held: the worker records the first chunk and waits to
    # record the second, so the kill comes after exactly one chunk whatever the machine's speed.
    second_chunk = job_items(desk, job.id)[DEFAULT_CHUNK]
    with row_held(desk.database.engine, BatchItem, second_chunk.id):
        QueueDispatcher(desk).submit(job.id)
        wait_for(desk, job.id, done=False, at_least=DEFAULT_CHUNK)
        left_running = worker.office_pids()
        worker.kill()
    stopped = load_job(desk, job.id)
    assert stopped.status == RUNNING and stopped.runner and stopped.done == DEFAULT_CHUNK
    assert numbered(desk) == one_number(DEFAULT_CHUNK)
    assert all(Path(f"/proc/{pid}").exists() for pid in left_running)

    worker.start()  # the same machine's worker again: it finds the job and goes on
    finished = wait_for(desk, job.id)
    assert (finished.status, finished.done, finished.error) == (DONE, 300, "")
    assert not any(Path(f"/proc/{pid}").exists() for pid in left_running)
    assert f"resuming batch job {job.id}" in worker.logs[-1].read_text()

    with desk.database.session() as session:
        recorded = list(session.scalars(select(Document).order_by(Document.copy_number)))
    assert [(d.sequence, d.copy_number) for d in recorded] == one_number(300)
    assert sorted(d.recipient for d in recorded) == sorted(units)
    items = job_items(desk, job.id)
    assert sorted(item.document_id or 0 for item in items) == [d.id for d in recorded]
    report = verify_archive(desk.database, desk.archive)
    assert report.ok and report.files == 600 and not report.leftovers  # a PDF and an OFD each
    outputs = shared.folder / "batches" / str(job.id)
    assert (outputs / "merged.pdf").is_file() and (outputs / "manifest.csv").is_file()


def test_a_worker_told_to_stop_hands_its_job_to_another(
    desk: Wenshu, workers: list[Worker]
) -> None:
    """This test ensures that SIGTERM to the worker holding a job ends it soon and another worker finishes the job."""
    for worker in workers:
        worker.start()
    job = new_job(desk, villages(300))
    # The second chunk's first row held until the holder is told to stop: it cannot finish the
    # job first, however fast it converts.
    second_chunk = job_items(desk, job.id)[DEFAULT_CHUNK]
    with row_held(desk.database.engine, BatchItem, second_chunk.id):
        QueueDispatcher(desk).submit(job.id)
        running = wait_for(desk, job.id, done=False, at_least=DEFAULT_CHUNK)
        holder, other = sorted(
            workers, key=lambda w: w.process is None or f":{w.process.pid}:" not in running.runner
        )
        assert holder.process is not None
        holder.process.terminate()
        wait_for_text(holder, "Warm shutdown")  # said as the job is asked to stop
    holder.process.wait(timeout=60)  # the chunks under way only, not the whole job
    finished = wait_for(desk, job.id)
    assert (finished.status, finished.done) == (DONE, 300)
    assert f"batch job {job.id} handed back to the queue" in holder.text()
    assert other.text().count("Task wenshu.batch.complete") >= 1
    assert numbered(desk) == one_number(300)
    assert verify_archive(desk.database, desk.archive).ok


def test_two_workers_share_the_queue_and_one_number_series(
    desk: Wenshu, workers: list[Worker]
) -> None:
    """This test ensures that two workers each take a job of circulars and that each job is one
    document with its own 文号, the series gapless: 1 and 2, each with its 份号."""
    for worker in workers:
        worker.start()
    units = villages(160)
    jobs = [new_job(desk, units[:80]), new_job(desk, units[80:])]
    dispatcher = QueueDispatcher(desk)
    for job in jobs:
        dispatcher.submit(job.id)
    finished = [wait_for(desk, job.id) for job in jobs]
    assert [(job.status, job.done) for job in finished] == [(DONE, 80), (DONE, 80)]
    assert all("Task wenshu.batch.complete" in worker.text() for worker in workers)
    assert numbered(desk) == one_number(80, 1) + one_number(80, 2)
    by_number: dict[int, list[str]] = {}
    with desk.database.session() as session:
        for sequence, recipient in session.execute(select(Document.sequence, Document.recipient)):
            by_number.setdefault(sequence, []).append(recipient)
    # Whichever job claimed its number first took 1; each number is one job's units.
    assert sorted(sorted(names) for names in by_number.values()) == sorted(
        [sorted(units[:80]), sorted(units[80:])]
    )
    assert verify_archive(desk.database, desk.archive).ok


def test_an_unreachable_broker_is_said_and_the_job_waits_to_be_resumed(
    tmp_path: Path, postgres_url: str, office_pool: OfficePool
) -> None:
    """This test ensures that with the broker down the page says so and the job shows 继续, with no copy issued."""
    with fresh_database(postgres_url) as database_url, redis_server() as url:
        pass  # the server is gone now: its port is closed
    with fresh_database(postgres_url) as database_url:
        app = create_app(
            {"TESTING": True, "WTF_CSRF_ENABLED": False, "instance_path": tmp_path / "web",
             "database_url": database_url, "broker_url": url, "converter": office_pool}
        )  # fmt: skip
        try:
            client = signed_in(app, "clerk")
            started = time.monotonic()
            response = upload(client, csv_bytes(villages(3)))
            assert time.monotonic() - started < 30
            assert response.status_code == 302
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "未能开始" in page and "无法连接任务队列" in page
            progress = client.get(response.headers["Location"] + "/progress.json").get_json()
            assert (progress["status"], progress["active"], progress["done"]) == (FAILED, False, 0)
            assert "当前没有在执行" in page and "继续</button>" in page
            assert numbered(app.extensions["wenshu"]) == []
        finally:
            app.extensions["batch_dispatcher"].close()
            app.extensions["wenshu"].database.dispose()


def test_the_command_line_hands_a_batch_to_the_workers_and_writes_the_outputs(
    tmp_path: Path, workers: list[Worker], shared: Shared
) -> None:
    """This test ensures that `wenshu batch --queue` lets a worker issue the copies and writes them to --out."""
    workers[0].start()
    units = villages(12)
    table = tmp_path / "主送单位.csv"
    table.write_bytes(csv_bytes(units))
    facts = tmp_path / "common.json"
    facts.write_text(json.dumps(circular_facts(KIND), ensure_ascii=False), encoding="utf-8")
    environment = {**os.environ, **shared.environment, "WENSHU_INSTANCE": str(tmp_path / "desk")}
    command = [WENSHU, "batch", KIND, str(table), "--facts", str(facts), "--out",
               str(tmp_path / "out"), "--queue"]  # fmt: skip
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已交给任务队列" in done.stderr and "完成：12 份" in done.stdout
    assert "Task wenshu.batch.complete" in workers[0].text()
    assert len(list((tmp_path / "out").glob("君档通报*.pdf"))) == 12
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8-sig") as manifest:
        assert sorted(row["recipient"] for row in csv.DictReader(manifest)) == sorted(units)

    again = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "不再重复发文" in again.stdout  # nothing issued twice


def test_the_progress_page_names_the_worker_machine_in_chromium(
    tmp_path: Path, shared: Shared, workers: list[Worker], office_pool: OfficePool, page: Page
) -> None:
    """This test ensures that the page shows the job queued, then running on the worker's machine, then done."""
    app = create_app({**shared.settings(tmp_path / "web"), "converter": office_pool})
    try:
        with serving(app) as address:
            sign_in(page, address)
            page.goto(address + "/batch")
            page.select_option("#kind", KIND)  # the kind opens its own form
            page.wait_for_selector("#batch-form")
            for name, value in circular_facts(KIND).items():
                page.fill(f"#batch-form [name={name}]", str(value))
            table = tmp_path / "主送单位.csv"
            table.write_bytes(csv_bytes(villages(240)))
            page.set_input_files("#recipients", str(table))
            page.click("#batch-form button[value=batch]")
            page.wait_for_url("**/batch/1")
            assert page.inner_text("#status-text") == "排队中（等待空闲的生成进程接手）"
            page.screenshot(path=str(tmp_path / "batch-queued.png"), full_page=True)
            workers[0].start()
            page.wait_for_function(
                # a function, not an expression: the page's policy forbids eval of a string
                "() => document.getElementById('status-text').textContent.startsWith('生成中（')",
                timeout=120_000,
            )
            assert page.inner_text("#status-text") == f"生成中（由 {socket.gethostname()} 执行）"
            page.screenshot(path=str(tmp_path / "batch-on-worker.png"), full_page=True)
            page.wait_for_selector("#outputs:not([hidden])", timeout=300_000)
            assert page.inner_text("#done-total") == "240 / 240 份"
            page.screenshot(path=str(tmp_path / "batch-done.png"), full_page=True)
    finally:
        app.extensions["batch_dispatcher"].close()
        app.extensions["wenshu"].database.dispose()


def test_a_job_the_broker_lost_is_sent_again(desk: Wenshu, workers: list[Worker]) -> None:
    """This test ensures that a job pending long after it was handed over (the message lost) still runs."""
    job = new_job(desk, villages(5))  # recorded, but its message never reached the broker
    with desk.database.session() as session:
        session.execute(
            update(BatchJob)
            .where(BatchJob.id == job.id)
            .values(heartbeat_at=utcnow() - dt.timedelta(minutes=11))
        )
    workers[0].start()  # looks for jobs left behind as it starts
    finished = wait_for(desk, job.id)
    assert (finished.status, finished.done) == (DONE, 5)
    assert f"resuming batch job {job.id}" in workers[0].text()
