"""Latency of one warm render (facts → archived PDF/A) against docxtpl + a cold soffice per document.

Run: .venv/bin/python bench/single.py [--runs 20] [--naive-runs 7]
Both ways run in this one process on the same machine, so compare the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import Bureau, load_settings  # noqa: E402
from service.facts import validate_facts  # noqa: E402
from service.issuing import issue_document  # noqa: E402
from service.registry import get_instrument  # noqa: E402
from service.render.context import build_context  # noqa: E402
from service.render.convert import PDFA_CONVERT_TO, OfficePool, office_environment  # noqa: E402
from service.render.docx import render_docx  # noqa: E402
from service.services import Wenshu  # noqa: E402

KIND = "supervision_notice"


def warm_latencies(instance: Path, runs: int) -> list[float]:
    """Return seconds per issued document through the service's own path and warm workers."""
    settings = load_settings({"instance_path": instance, "office_workers": 1})
    pool = OfficePool(settings)
    pool.wait_ready()
    wenshu = Wenshu.open(settings, pool)
    wenshu.prepare()
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
    settings = load_settings({"instance_path": instance})
    instrument = get_instrument(KIND)
    facts = validate_facts(
        instrument, json.loads((ROOT / "samples" / f"{KIND}.json").read_text(encoding="utf-8"))
    )
    template = ROOT / "templates_docx" / f"{KIND}.docx"
    profile = (instance / "naive-profile").as_uri()
    env = office_environment(settings)

    def once(out: Path) -> None:
        context = build_context(instrument, facts, "君档监通〔2026〕1号", Bureau())
        docx = out / "notice.docx"
        docx.write_bytes(render_docx(template, context))
        subprocess.run(
            [settings.soffice_path, "--headless", f"-env:UserInstallation={profile}",
             "--convert-to", PDFA_CONVERT_TO, "--outdir", str(out), str(docx)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        if not (out / "notice.pdf").exists():
            raise RuntimeError("soffice wrote no PDF")

    timings = []
    with tempfile.TemporaryDirectory() as work:
        once(Path(work))  # the first run creates the profile; not counted
        for index in range(runs):
            out = Path(work) / str(index)
            out.mkdir()
            started = time.perf_counter()
            once(out)
            timings.append(time.perf_counter() - started)
    return timings


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
