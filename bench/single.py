"""Latency of one warm render (facts → archived PDF/A) against docxtpl + a cold soffice per document.

Run: .venv/bin/python bench/single.py [--runs 20] [--naive-runs 7]
Both ways run in this one process on the same machine, so compare the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from service.background.startup import prepare_service

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.naive import NaiveWay  # noqa: E402
from service.acts.issuing import issue_document  # noqa: E402
from service.foundations.config import load_settings  # noqa: E402
from service.render.office.pool import OfficePool  # noqa: E402
from service.services import Wenshu  # noqa: E402

KIND = "supervision_notice"


def warm_latencies(instance: Path, runs: int) -> list[float]:
    """Return seconds per issued document through the service's own path and warm workers."""
    settings = load_settings({"instance_path": instance, "office_workers": 1})
    pool = OfficePool(settings)
    pool.wait_ready()
    wenshu = Wenshu.open(settings, pool)
    prepare_service(wenshu)
    facts = json.loads((ROOT / "samples" / f"{KIND}.json").read_text(encoding="utf-8"))
    try:
        for _ in range(3):  # warm-up: first loads of fonts and filters
            issue_document(wenshu, KIND, facts, "bench")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            issue_document(wenshu, KIND, facts, "bench")
            timings.append(time.perf_counter() - started)
        return timings
    finally:
        wenshu.close()


def naive_latencies(instance: Path, runs: int) -> list[float]:
    """Return seconds per document the naive way: docxtpl, then a cold soffice --convert-to."""
    facts = json.loads((ROOT / "samples" / f"{KIND}.json").read_text(encoding="utf-8"))
    return NaiveWay(instance, KIND).latencies([facts] * runs)


def main() -> None:
    """Measure both ways and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--naive-runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wenshu-bench-") as instance:
        warm = warm_latencies(Path(instance) / "warm", args.runs)
        naive = naive_latencies(Path(instance) / "naive", args.naive_runs)
    warm_median, naive_median = statistics.median(warm), statistics.median(naive)
    print(
        f"warm render, facts → archived PDF/A ({args.runs} runs): median {warm_median * 1000:.0f} ms"
    )
    print(
        f"naive docxtpl + cold soffice ({args.naive_runs} runs): median {naive_median * 1000:.0f} ms"
    )
    print(f"speed-up: {naive_median / warm_median:.1f}×")


if __name__ == "__main__":
    main()
