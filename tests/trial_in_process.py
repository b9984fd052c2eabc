"""Lint's trial render run in the test's own process: the child's very code, without the child.

Starting the child costs about a fifth of a second, most of a lint; tests of lint's rules
(what it refuses and warns of) run the child's code here instead, through its own main()
reading a request and writing its answers. The child itself, its walls and its answers to
hostile files, is tested in tests/render/test_template_limits.py and by `wenshu template
lint` in tests/layouts/test_template_cli.py.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import sys
from typing import Any
from unittest import mock

import pytest

from service.layouts import lint
from service.render.fill import trial
from service.render.fill.limits import DEFAULT_LIMITS, RenderLimits


def trial_here(
    template: bytes,
    context: dict[str, Any],
    limits: RenderLimits = DEFAULT_LIMITS,
    allowance: trial.Allowance | None = None,
) -> trial.TrialOutcome:
    """Return what the child would answer for the template and context, found in this process."""
    request = {
        "template": template,
        "context": context,
        "limits": limits,
        "allowance": allowance or trial.DEFAULT_ALLOWANCE,
    }
    answers = io.StringIO()
    standard_input = io.TextIOWrapper(io.BytesIO(pickle.dumps(request)))
    # The child holds itself to its memory and CPU allowance; here that would bind pytest
    # itself, and kill it once the whole run had used the allowance's CPU seconds.
    with (
        mock.patch.object(trial, "_limit_self", lambda allowance: None),
        mock.patch.object(sys, "stdin", standard_input),
        contextlib.redirect_stdout(answers),
    ):
        trial.main()
    outcome, done = trial._answers(answers.getvalue().encode("utf-8"))
    assert done, answers.getvalue()
    return outcome


def fill_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Have lint fill templates in this process."""
    monkeypatch.setattr(lint, "trial_render", trial_here)
