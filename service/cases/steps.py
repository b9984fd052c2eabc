"""The steps of the penalty procedure that must come before an instrument (行政处罚法 第四十四至六十五条)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.cases.records import CaseFile
from service.instruments.registry import Instrument


def step_refusals(
    case_file: CaseFile,
    instrument: Instrument,
    values: Mapping[str, Any],
    policy: Mapping[str, Any],
) -> dict[str, list[str]]:
    """Return the steps missing before this instrument may be issued in the case."""
    return {}
