"""Batches run by `wenshu worker` over Redis and PostgreSQL: the queue's cost, and what a second machine adds.

Run: .venv/bin/python bench/scaleout.py [--copies 300] [--runs 3] [--naive-copies 5]
Starts a private Redis and PostgreSQL (as the tests do) and `wenshu worker` processes, each
on an instance of its own with its own two LibreOffice workers, sharing the database and
folders as machines of one service do. It measures, as medians over the runs:
1. one worker on the whole machine: a job handed to the queue until its outputs are written,
   against the same job run in this process (what the queue costs);
2. "machines" of one CPU core each (the worker and its LibreOffice pinned to that core):
   two jobs handed over at once to one such worker, then to two (what a machine adds),
   once for jobs of two number series and once for two jobs of the same series;
3. the naive way (docxtpl + a cold soffice per copy).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from service.background.startup import prepare_service

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.batch import unit_names  # noqa: E402
from bench.naive import batch_common, naive_rate  # noqa: E402
from service.batch.dispatch import QueueDispatcher, complete_job  # noqa: E402
from service.batch.jobs import create_job, load_job  # noqa: E402
from service.batch.submission import outputs_ready  # noqa: E402
from service.batch.validation import SnapshotArchive, check_rows  # noqa: E402
from service.database.batch_models import DONE, FAILED  # noqa: E402
from service.foundations.config import load_settings  # noqa: E402
from service.instruments.registry import get_instrument  # noqa: E402
from service.render.office.pool import OfficePool  # noqa: E402
from service.services import Wenshu  # noqa: E402
from tests.postgres import fresh_database, postgres_server  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402

KIND = "safety_circular"
TWO_SERIES = ("safety_circular", "correction_order")  # two number series: no contention
ONE_SERIES = ("safety_circular", "safety_circular")  # one series: blocks claimed in turn
WENSHU = str(Path(sys.executable).parent / "wenshu")


def new_job(wenshu: Wenshu, copies: int, kind: str = KIND) -> int:
    """Record a checked job of copies of a kind; return its id."""
    instrument = get_instrument(kind)
    common = batch_common(kind)
    rows = [(n + 2, {instrument.recipient_field: u}) for n, u in enumerate(unit_names(copies))]
    check = check_rows(instrument, common, rows, SnapshotArchive(wenshu.database), {})
    return create_job(wenshu, instrument, common, check, "bench").id


def start_workers(
    count: int, folder: Path, shared: dict[str, str], cores: list[int] | None = None
) -> list[subprocess.Popen[bytes]]:
    """Start `wenshu worker` processes (pinned to a core each, if given); wait until all are ready."""
    folder.mkdir(parents=True, exist_ok=True)
    processes = []
    for n in range(count):
        log = folder / f"worker{n}.log"
        environment = {**os.environ, **shared, "WENSHU_INSTANCE": str(folder / f"worker{n}")}
        command = [WENSHU, "worker", "--name", f"bench{n}@%h"]
        pin = None if cores is None else functools.partial(os.sched_setaffinity, 0, {cores[n]})
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, env=environment, stdout=output, stderr=output, preexec_fn=pin
            )
        processes.append(process)
    for n, process in enumerate(processes):
        log = folder / f"worker{n}.log"
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace"))
            time.sleep(0.1)
    return processes


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop the workers as an operator would, and wait for them (and their LibreOffice) to end."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()


def wait_for_outputs(wenshu: Wenshu, job_ids: list[int]) -> None:
    """Return once every job's outputs are written; raise if one failed."""
    for job_id in job_ids:
        while not outputs_ready(wenshu, job := load_job(wenshu, job_id)):
            if job.status == FAILED:
                raise RuntimeError(job.error)
            time.sleep(0.02)


def parallel_rates(wenshu: Wenshu, kinds: list[str], copies: int, runs: int) -> list[float]:
    """Return copies per second of each run: a job per kind handed over at once → all outputs."""
    dispatcher = QueueDispatcher(wenshu)
    rates = []
    try:
        for _ in range(runs):
            job_ids = [new_job(wenshu, copies, kind) for kind in kinds]
            started = time.perf_counter()
            for job_id in job_ids:
                dispatcher.submit(job_id)
            wait_for_outputs(wenshu, job_ids)
            rates.append(len(kinds) * copies / (time.perf_counter() - started))
    finally:
        dispatcher.close()
    return rates


def queued_rates(wenshu: Wenshu, copies: int, runs: int) -> list[float]:
    """Return copies per second of each run: one job handed to the queue → outputs written."""
    return parallel_rates(wenshu, [KIND], copies, runs)


def in_process_rates(wenshu: Wenshu, copies: int, runs: int) -> list[float]:
    """Return copies per second of each run in this process: job → outputs written."""
    rates = []
    for _ in range(runs):
        job_id = new_job(wenshu, copies)
        started = time.perf_counter()
        assert complete_job(wenshu, job_id).status == DONE
        rates.append(copies / (time.perf_counter() - started))
    return rates


def main() -> None:
    """Measure the three ways and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-copies", type=int, default=5)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="wenshu-bench-") as work,
        redis_server() as broker,
        postgres_server() as server,
        fresh_database(server) as database,
    ):
        folder = Path(work)
        shared = {
            "WENSHU_DATABASE_URL": database,
            "WENSHU_ARCHIVE": str(folder / "archive"),
            "WENSHU_BATCHES": str(folder / "batches"),
            "WENSHU_BROKER_URL": broker,
            "WENSHU_VERIFY_INTERVAL_HOURS": "0",
        }
        settings = load_settings(
            {"instance_path": folder / "desk", "database_url": database, "broker_url": broker,
             "archive_folder": shared["WENSHU_ARCHIVE"], "batch_folder": shared["WENSHU_BATCHES"]}
        )  # fmt: skip
        desk = Wenshu.open(settings)
        prepare_service(desk)
        workers = start_workers(1, folder / "whole", shared)
        try:
            queued_rates(desk, 20, 1)  # warm-up: first loads of fonts and filters
            queued = queued_rates(desk, args.copies, args.runs)
        finally:
            stop_workers(workers)
        pool = OfficePool(settings)
        pool.wait_ready()
        here = Wenshu.open(settings, pool)
        try:
            in_process_rates(here, 20, 1)
            local = in_process_rates(here, args.copies, args.runs)
        finally:
            here.close()
        machines: dict[tuple[int, str], list[float]] = {}
        for count in (1, 2):
            workers = start_workers(count, folder / f"cores{count}", shared, cores=[0, 1])
            try:
                parallel_rates(desk, list(TWO_SERIES), 20, 1)
                for series, kinds in (("two", TWO_SERIES), ("one", ONE_SERIES)):
                    rates = parallel_rates(desk, list(kinds), args.copies, args.runs)
                    machines[count, series] = rates
            finally:
                stop_workers(workers)
        desk.close()
        naive = naive_rate(folder / "naive", KIND, unit_names(args.naive_copies))
    report(args, queued, local, machines, naive)


def report(
    args: argparse.Namespace,
    queued: list[float],
    local: list[float],
    machines: dict[tuple[int, str], list[float]],
    naive: float,
) -> None:
    """Print the medians, each run, and the ratios."""

    def runs(rates: list[float]) -> str:
        return f"{statistics.median(rates):.1f} copies/s (runs: {', '.join(f'{r:.1f}' for r in rates)})"

    def gain(series: str) -> str:
        return f"{statistics.median(machines[2, series]) / statistics.median(machines[1, series]):.2f}×"

    print(f"{args.copies} copies a job, {args.runs} runs, PostgreSQL; medians:")
    print(f"  {KIND}, one worker on the whole machine, via Celery/Redis: {runs(queued)}")
    print(f"  {KIND}, the same job in this process:                      {runs(local)}")
    for series, kinds in (("two", TWO_SERIES), ("one", ONE_SERIES)):
        print(f"  two jobs at once, {' + '.join(kinds)}:")
        for count in (1, 2):
            print(f"    {count} machine(s) of 1 core each: {runs(machines[count, series])}")
    print(f"  naive docxtpl + cold soffice ({args.naive_copies} copies): {naive:.2f} copies/s")
    print(
        f"  queue vs in-process {statistics.median(queued) / statistics.median(local):.2f}×; "
        f"second machine: two series {gain('two')}, one series {gain('one')}; "
        f"queue vs naive {statistics.median(queued) / naive:.0f}×"
    )


if __name__ == "__main__":
    main()
