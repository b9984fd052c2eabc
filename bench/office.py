"""Time of one LibreOffice worker: its start and restart, and a filled supervision notice converted through the pool.

Run: .venv/bin/python bench/office.py [--runs 30]
One worker, started by the service's own pool in a new instance (so a new profile); the DOCX
is filled once and converted runs times after a few unmeasured ones; then the worker is
killed and started again on the profile it made.

Then LibreOffice alone, the floor of any conversion on this machine: an soffice of its own
with the workers' settings and fonts, driven in this process through the worker's own UNO
code (uno_worker.Office: load hidden and read-only, export PDF/A-2b, close), with no
XML-RPC, no pool and no other process between; the export and the close are timed apart.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.foundations.config import Bureau, load_settings  # noqa: E402
from service.instruments.context import build_context  # noqa: E402
from service.instruments.facts import validate_facts  # noqa: E402
from service.instruments.registry import get_instrument  # noqa: E402
from service.render.fill.docx import render_docx  # noqa: E402
from service.render.office.pool import OfficePool  # noqa: E402
from service.render.office.process import office_environment  # noqa: E402
from service.render.office.profile import write_settings  # noqa: E402

KIND = "supervision_notice"
WARM_UP = 3  # the first conversions load fonts and filters


def filled_docx(folder: Path) -> Path:
    """Write the sample supervision notice, filled, as a DOCX in folder; return its path."""
    instrument = get_instrument(KIND)
    facts = validate_facts(
        instrument, json.loads((ROOT / "samples" / f"{KIND}.json").read_text(encoding="utf-8"))
    )
    context = build_context(instrument, facts, "君档监通〔2026〕1号", Bureau())
    path = folder / "notice.docx"
    path.write_bytes(render_docx(ROOT / "templates_docx" / f"{KIND}.docx", context))
    return path


def percentile(values: list[float], share: float) -> float:
    """Return the value below which share of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def office_alone(docx: Path, folder: Path, runs: int) -> tuple[list[float], list[float]]:
    """Convert docx runs times on an soffice of its own; return the export and close times.

    The soffice is driven from a child process in a session of its own, so that it and
    everything it started go with that session at the end.
    """
    child = subprocess.run(
        [sys.executable, __file__, "--alone", str(docx), str(folder), str(runs)],
        capture_output=True, text=True, start_new_session=True, check=True, timeout=900,
    )  # fmt: skip
    timings = json.loads(child.stdout.strip().splitlines()[-1])
    return timings["exports"], timings["closes"]


def drive_office_alone(docx: Path, folder: Path, runs: int) -> None:
    """Convert docx in an soffice driven in this process; print the times as JSON, end the session."""
    from service.render.office import uno_worker  # needs LibreOffice's uno module

    settings = load_settings({"instance_path": folder / "alone", "office_workers": 1})
    os.environ.update(office_environment(settings))  # the workers' fonts, for the soffice started
    profile = folder / "alone-profile"
    profile.mkdir()
    write_settings(profile)
    office = uno_worker.Office(settings.soffice_path, profile)
    office.start()
    exports: list[float] = []
    closes: list[float] = []
    for index in range(WARM_UP + runs):
        began = time.perf_counter()
        stored: list[float] = []  # when the PDF was written, before the close
        office.convert(
            str(docx), str(folder / "alone.pdf"), uno_worker.PDF_EXPORT,
            ["SelectPdfVersion=2"], False, None, None,
            stored=functools.partial(lambda marks: marks.append(time.perf_counter()), stored),
        )  # fmt: skip
        ended = time.perf_counter()
        if index >= WARM_UP:
            exports.append(stored[0] - began)
            closes.append(ended - stored[0])
    print(json.dumps({"exports": exports, "closes": closes}), flush=True)
    office.stopping = True
    uno_worker.stop_group()  # soffice and what it started: this session is the child's own


def main() -> None:
    """Start a one-worker pool, convert the notice runs times, restart the worker; print times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--alone", nargs=3, metavar=("DOCX", "FOLDER", "RUNS"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.alone:
        docx, folder, count = arguments.alone
        drive_office_alone(Path(docx), Path(folder), int(count))
        return
    runs = arguments.runs
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        docx = filled_docx(folder)
        pool = OfficePool(
            load_settings({"instance_path": folder / "instance", "office_workers": 1})
        )
        try:
            began = time.perf_counter()
            pool.wait_ready()
            start = time.perf_counter() - began
            began = time.perf_counter()
            pool.convert(docx, folder / "first.pdf")
            first = time.perf_counter() - began
            for index in range(WARM_UP):
                pool.convert(docx, folder / f"warm-{index}.pdf")
            timings = []
            for index in range(runs):
                began = time.perf_counter()
                pool.convert(docx, folder / f"run-{index}.pdf")
                timings.append(time.perf_counter() - began)
            # A restart, as after a crash or office_restart_after conversions: the profile kept.
            worker = pool.workers[0]
            worker.kill()
            began = time.perf_counter()
            worker.start()
            restart = time.perf_counter() - began
        finally:
            pool.close()
    print(f"worker start, new profile (until it answers): {start * 1000:.0f} ms")
    print(f"worker restart, profile kept (until it answers): {restart * 1000:.0f} ms")
    print(f"first conversion after the start: {first * 1000:.0f} ms")
    print(
        f"conversion of {KIND}, {runs} runs: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.1f} ms, "
        f"min {min(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms"
    )
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        exports, closes = office_alone(filled_docx(folder), folder, runs)
    print(
        f"LibreOffice alone (direct UNO in this process), {runs} runs: load and export median "
        f"{statistics.median(exports) * 1000:.1f} ms, p95 {percentile(exports, 0.95) * 1000:.1f} ms; "
        f"close median {statistics.median(closes) * 1000:.1f} ms (the pool's caller does not wait for it)"
    )


if __name__ == "__main__":
    main()
