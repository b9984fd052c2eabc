"""The trial render the lint tests run in their own process answers exactly as lint's child does."""

from __future__ import annotations

import io
import resource
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.fill.trial import TrialOutcome, trial_render
from tests.conftest import sample
from tests.trial_in_process import trial_here

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "templates_docx" / "supervision_notice.docx"


def with_paragraph(text: str) -> bytes:
    """Return a DOCX whose body is one paragraph of text."""
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def notice_context() -> dict[str, Any]:
    """Return the printed context of the sample supervision notice."""
    notice = get_instrument("supervision_notice")
    facts = validate_facts(notice, sample("supervision_notice"))
    return build_context(notice, facts, "君档监通〔2026〕1号", Bureau())


def fills(outcome: TrialOutcome) -> bool:
    """Return whether the template opened and filled."""
    return outcome.source is not None and outcome.problem is None


def refused(outcome: TrialOutcome) -> bool:
    """Return whether the template opened but filling it was refused."""
    return outcome.source is not None and outcome.problem is not None


CASES = {
    "fills": (lambda: SHIPPED.read_bytes(), fills),
    "beyond a limit": (lambda: with_paragraph("{{ 'x' * 5000 }}"), refused),
    "fails when filled": (lambda: with_paragraph("{{ 1 / 0 }}"), refused),
    "not a DOCX": (lambda: b"not a docx", lambda outcome: outcome.unreadable == "BadZipFile"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_trial_here_answers_as_the_child(name: str) -> None:
    """This test ensures that the in-process trial gives the child's source, unreadable and problem."""
    make, expected = CASES[name]
    data = make()
    context = notice_context()
    here = trial_here(data, context)
    assert expected(here), here
    assert here == trial_render(data, context)


def test_the_trial_here_leaves_this_process_unlimited() -> None:
    """This test ensures that the in-process trial does not hold pytest to the child's memory and CPU."""
    before = [resource.getrlimit(limit) for limit in (resource.RLIMIT_AS, resource.RLIMIT_CPU)]
    trial_here(with_paragraph("{{ 1 / 0 }}"), {})
    after = [resource.getrlimit(limit) for limit in (resource.RLIMIT_AS, resource.RLIMIT_CPU)]
    assert after == before
