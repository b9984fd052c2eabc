"""The naive way every benchmark compares against: docxtpl, then a cold `soffice --convert-to pdf`."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from service.batch.main_recipients import EXAMPLE
from service.foundations.config import Bureau, load_settings
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import Numbering, get_instrument
from service.render.fill.docx import render_docx
from service.render.office.converter import PDFA_CONVERT_TO
from service.render.office.process import office_environment

ROOT = Path(__file__).resolve().parent.parent


def sample(kind: str) -> dict[str, Any]:
    """Return the shipped sample facts of a kind."""
    facts: dict[str, Any] = json.loads((ROOT / "samples" / f"{kind}.json").read_text("utf-8"))
    return facts


def batch_common(kind: str) -> dict[str, Any]:
    """Return a batch's common facts: the sample's without its recipient; a 统称 for a shared kind."""
    instrument = get_instrument(kind)
    common = sample(kind)
    common.pop(instrument.recipient_field)
    if instrument.numbering is Numbering.SHARED:
        common[instrument.recipient_field] = EXAMPLE  # as a bureau writes it
    return common


class NaiveWay:
    """Renders one copy at a time: validate, fill the shipped template, one cold soffice each."""

    def __init__(self, instance: Path, kind: str) -> None:
        self.settings = load_settings({"instance_path": instance})
        self.instrument = get_instrument(kind)
        self.template = ROOT / "templates_docx" / f"{kind}.docx"
        self.profile = (instance / "naive-profile").as_uri()
        self.environment = office_environment(self.settings)

    def render(self, out: Path, facts: dict[str, Any], number: str) -> None:
        """Write out/copy.pdf from the facts."""
        checked = validate_facts(self.instrument, facts)
        context = build_context(self.instrument, checked, number, Bureau())
        docx = out / "copy.docx"
        docx.write_bytes(render_docx(self.template, context))
        subprocess.run(
            [self.settings.soffice_path, "--headless", f"-env:UserInstallation={self.profile}",
             "--convert-to", PDFA_CONVERT_TO, "--outdir", str(out), str(docx)],
            env=self.environment, check=True, capture_output=True,
        )  # fmt: skip
        if not (out / "copy.pdf").exists():
            raise RuntimeError("soffice wrote no PDF")

    def latencies(self, copies: list[dict[str, Any]]) -> list[float]:
        """Return the seconds each copy took, after one uncounted run that creates the profile."""
        timings = []
        with tempfile.TemporaryDirectory() as work:
            self.render(Path(work), copies[0], "君档〔2026〕0号")
            for index, facts in enumerate(copies):
                out = Path(work) / str(index)
                out.mkdir()
                started = time.perf_counter()
                self.render(out, facts, f"君档〔2026〕{index + 1}号")
                timings.append(time.perf_counter() - started)
        return timings


def naive_rate(instance: Path, kind: str, recipients: list[str]) -> float:
    """Return copies per second the naive way, one copy per recipient, one after the other."""
    way = NaiveWay(instance, kind)
    facts = sample(kind)
    field = way.instrument.recipient_field
    timings = way.latencies([facts | {field: unit} for unit in recipients])
    return len(timings) / sum(timings)
