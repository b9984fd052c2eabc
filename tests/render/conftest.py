"""Fixtures of the rendering tests: a filled instrument as DOCX, ready to convert."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parents[2] / "templates_docx" / "supervision_notice.docx"


@pytest.fixture
def docx(tmp_path: Path) -> Path:
    """A filled supervision notice as DOCX."""
    from service.foundations.config import Bureau
    from service.instruments.context import build_context
    from service.instruments.facts import validate_facts
    from service.instruments.registry import get_instrument
    from service.render.fill.docx import render_docx
    from tests.conftest import sample

    instrument = get_instrument("supervision_notice")
    facts = validate_facts(instrument, sample("supervision_notice"))
    context = build_context(instrument, facts, "君档监通〔2026〕1号", Bureau())
    path = tmp_path / "notice.docx"
    path.write_bytes(render_docx(TEMPLATE, context))
    return path
