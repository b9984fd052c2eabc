"""One document, facts → archived PDF/A, through the service's own path: median, p95 and each stage's time.

Run (each one command; sizes by flag):
  .venv/bin/python bench/single.py                  # warm, unsigned then sealed+signed, and the naive way
  .venv/bin/python bench/single.py --runs 50 --naive-runs 7
  .venv/bin/python bench/single.py --memory 5000    # RSS of every LibreOffice process and of this one

The warm way is issue_document, as the web pages and the API call it, on warm workers
(after --warm-up uncounted documents): facts checked, template filled, converted, fitted,
metadata written, sealed and signed when a seal is installed, stored and recorded. Sealed
and signed runs install the test PKI's bureau certificate and the specimen seal, as an
operator would with `wenshu seal install`. The naive way is docxtpl and a cold `soffice
--convert-to pdf` per document (bench/naive.py). Everything runs in this one process on
the same machine, so compare the ratio; on a busy machine every figure is noisy.

--memory N issues N documents one after the other and prints the resident memory of each
LibreOffice process of the pool (OfficeWorker.pids()) and of this process after the warm-up
(50 documents, a worker's memory settles over its first dozens of conversions),
every --every documents and at the end, with the change against the warm-up. Workers
restart after office_restart_after conversions, or once grown office_memory_growth over
their level after 25 conversions, as the service's do: a worker's new process is compared
with the level its predecessor had after the warm-up.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.naive import NaiveWay  # noqa: E402
from service.acts.issuing import issue_document  # noqa: E402
from service.acts.seal_install import install_seal  # noqa: E402
from service.background.startup import prepare_service  # noqa: E402
from service.foundations.config import load_settings  # noqa: E402
from service.render.office.pool import OfficePool  # noqa: E402
from service.render.stages import STAGES, StageTimer  # noqa: E402
from service.services import Wenshu  # noqa: E402
from tests.pki import PASSPHRASE, bureau_pkcs12, trust_root_pem  # noqa: E402
from tests.render.specimen_seal import specimen_seal_png  # noqa: E402

KIND = "supervision_notice"


def sample_facts() -> dict[str, Any]:
    """Return the shipped sample facts of the benchmarked kind."""
    facts: dict[str, Any] = json.loads((ROOT / "samples" / f"{KIND}.json").read_text("utf-8"))
    return facts


@contextmanager
def warm_service(instance: Path, workers: int) -> Iterator[Wenshu]:
    """Yield the service's composition root on its own instance, its workers ready."""
    settings = load_settings({"instance_path": instance, "office_workers": workers})
    pool = OfficePool(settings)
    pool.wait_ready()
    wenshu = Wenshu.open(settings, pool)
    try:
        prepare_service(wenshu)
        yield wenshu
    finally:
        wenshu.close()


def install_specimen_seal(wenshu: Wenshu) -> None:
    """Install the specimen seal and the test PKI's bureau certificate, as an operator would."""
    install_seal(
        wenshu, specimen_seal_png(), bureau_pkcs12(), PASSPHRASE, trust_root_pem(), 42.0, "bench"
    )


def timed_documents(wenshu: Wenshu, runs: int, warm_up: int) -> list[StageTimer]:
    """Return the stage times of runs documents issued after warm_up uncounted ones."""
    facts = sample_facts()
    for _ in range(warm_up):  # first loads of fonts, filters, the compiled template, the key
        issue_document(wenshu, KIND, facts, "bench")
    timers = []
    for _ in range(runs):
        timer = StageTimer()
        started = time.perf_counter()
        issue_document(wenshu, KIND, facts, "bench", timer=timer)
        timer.seconds["total"] = time.perf_counter() - started
        timers.append(timer)
    return timers


def p95(values: list[float]) -> float:
    """Return the 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def report(label: str, timers: list[StageTimer]) -> float:
    """Print the median, p95 and per-stage medians of a run; return the median in seconds."""
    totals = [t.seconds["total"] for t in timers]
    median = statistics.median(totals)
    print(
        f"{label} ({len(totals)} runs): median {median * 1000:.1f} ms, "
        f"p95 {p95(totals) * 1000:.1f} ms"
    )
    named = [s for s in STAGES if any(s in t.seconds for t in timers)]
    for stage in named:
        stage_median = statistics.median(t.seconds.get(stage, 0.0) for t in timers)
        print(f"    {stage:<9} {stage_median * 1000:7.2f} ms")
    rest = statistics.median(
        t.seconds["total"] - sum(t.seconds.get(s, 0.0) for s in named) for t in timers
    )
    print(f"    {'other':<9} {rest * 1000:7.2f} ms")
    return median


def measure(instance: Path, runs: int, warm_up: int, naive_runs: int) -> None:
    """Print the warm way unsigned, then sealed and signed, then the naive way, with the ratios."""
    with warm_service(instance / "warm", workers=1) as wenshu:
        plain = report("warm, facts → archived PDF/A", timed_documents(wenshu, runs, warm_up))
        install_specimen_seal(wenshu)
        sealed = report("warm, sealed and signed", timed_documents(wenshu, runs, warm_up))
    if naive_runs:
        naive = statistics.median(
            NaiveWay(instance / "naive", KIND).latencies([sample_facts()] * naive_runs)
        )
        print(f"naive docxtpl + cold soffice ({naive_runs} runs): median {naive * 1000:.0f} ms")
        print(f"speed-up: {naive / plain:.1f}× unsigned, {naive / sealed:.1f}× sealed and signed")


def rss_kb(pid: int) -> int | None:
    """Return a process's resident memory in kB, None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((row for row in status.splitlines() if row.startswith("VmRSS")), None)
    return int(line.split()[1]) if line else None


def process_name(pid: int) -> str:
    """Return a process's command name ("?" when gone)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def memory_sample(pool: OfficePool) -> dict[str, tuple[int, int]]:
    """Return the pid and RSS (kB) of every process of the pool's workers and of this process.

    Keyed by role (worker and command name), so that a worker's process after a restart is
    compared with the level its predecessor had after the warm-up.
    """
    found = {}
    for worker in pool.workers:
        for pid in worker.pids():
            rss = rss_kb(pid)
            if rss is not None:
                found[f"{worker.name} {process_name(pid)}"] = (pid, rss)
    found["this process"] = (os.getpid(), rss_kb(os.getpid()) or 0)
    return found


def print_memory(
    label: str, sample: dict[str, tuple[int, int]], baseline: dict[str, int]
) -> dict[str, float]:
    """Print one sample, each process against its role's level after the warm-up; return the changes (%)."""
    print(label)
    changes = {}
    for role, (pid, rss) in sample.items():
        first = baseline.setdefault(role, rss)
        changes[role] = (rss - first) / first * 100 if first else 0.0
        name = f"{role} (pid {pid})"
        print(f"    {name:<44} {rss / 1024:8.1f} MB  {changes[role]:+6.1f}%")
    for role in baseline.keys() - sample.keys():
        print(f"    {role:<44}     none running (restarting)")
    return changes


def print_ranges(changes: list[dict[str, float]]) -> None:
    """Print, for each kind of process, the lowest and highest change over every sample."""
    print("range over the samples, against the level after the warm-up")
    for kind in ("soffice.bin", "python", "this process"):
        found = [change for sample in changes for role, change in sample.items() if kind in role]
        if found:
            print(f"    {kind:<44} {min(found):+6.1f}% … {max(found):+6.1f}%")


def memory(instance: Path, documents: int, every: int, warm_up: int, workers: int) -> None:
    """Issue documents one by one and print the memory of the pool's processes and of this one."""
    facts = sample_facts()
    with warm_service(instance, workers) as wenshu:
        pool = wenshu.converter
        if not isinstance(pool, OfficePool):
            raise TypeError("the service's converter is not an OfficePool")
        for _ in range(warm_up):
            issue_document(wenshu, KIND, facts, "bench")
        baseline: dict[str, int] = {}
        print_memory(f"after warm-up ({warm_up} documents)", memory_sample(pool), baseline)
        started = time.perf_counter()
        changes = []
        for done in range(1, documents + 1):
            issue_document(wenshu, KIND, facts, "bench")
            if done % every == 0 or done == documents:
                elapsed = time.perf_counter() - started
                label = "at the end" if done == documents else "after"
                pool.wait_ready()  # a worker being renewed is sampled in its new process
                sample = memory_sample(pool)
                changes.append(
                    print_memory(f"{label} {done} documents ({elapsed:.0f} s)", sample, baseline)
                )
        print_ranges(changes)


def main() -> None:
    """Measure latency (default) or memory (--memory N)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="documents timed, each way")
    parser.add_argument(
        "--warm-up", type=int, help="uncounted documents first (5; 50 with --memory)"
    )
    parser.add_argument("--naive-runs", type=int, default=5, help="0 leaves the naive way out")
    parser.add_argument("--memory", type=int, metavar="N", help="issue N documents, print RSS")
    parser.add_argument("--every", type=int, default=500, help="documents between RSS samples")
    parser.add_argument("--workers", type=int, default=2, help="LibreOffice workers (--memory)")
    args = parser.parse_args()
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # a long --memory run shows each sample
    with tempfile.TemporaryDirectory(prefix="wenshu-bench-") as instance:
        if args.memory:
            warm_up = 50 if args.warm_up is None else args.warm_up
            memory(Path(instance), args.memory, args.every, warm_up, args.workers)
        else:
            warm_up = 5 if args.warm_up is None else args.warm_up
            measure(Path(instance), args.runs, warm_up, args.naive_runs)


if __name__ == "__main__":
    main()
