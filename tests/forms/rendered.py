"""An instrument's facts rendered with its shipped template, in a case, outside the procedure's order."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from service.database.models import utcnow
from service.foundations.config import Bureau
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request, computed_values, document_metadata
from service.render.office.converter import Converter
from service.render.pipeline import render_pdf
from tests.conftest import ROOT

CASE_NUMBER = "君档立〔2026〕1号"  # the shared story's case


def render_in_case(
    kind: str,
    facts: Mapping[str, Any],
    converter: Converter,
    folder: Path,
    policy: Mapping[str, Any] | None = None,
) -> Path:
    """Return the path of the PDF of facts rendered under a test 文号, printed as in the story's case.

    The rules of the kind's form apply; the order the case procedure enforces does not, so a
    template is checked on its own facts without issuing every earlier instrument first.
    """
    instrument = get_instrument(kind)
    checked = validate_facts(instrument, facts, None, policy)
    extra = {**computed_values(instrument, checked, None), "case_number": CASE_NUMBER}
    number = f"{instrument.agency_code}〔2026〕1号"
    template = (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()
    bureau = Bureau()
    metadata = document_metadata(
        instrument, checked, number, bureau, agent="测试员", action_time=utcnow()
    )
    request = build_render_request(instrument, checked, extra, number, template, bureau, metadata)
    path = folder / f"{kind}.pdf"
    path.write_bytes(render_pdf(request, converter).data)
    return path
