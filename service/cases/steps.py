"""The steps of the penalty procedure that must come before an instrument (行政处罚法 第四十四至六十五条)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from service.cases.decision_steps import decision_refusals
from service.cases.hearing_steps import hearing_notice_refusals, hearing_record_refusals
from service.cases.records import CaseFile
from service.cases.refusing import Errors
from service.cases.review_steps import (
    closing_refusals,
    collective_discussion_refusals,
    legal_review_refusals,
)
from service.instruments.registry import Instrument

# Each kind's rule reads the case (its issued instruments; voided ones count for nothing)
# and the checked facts; a kind not named here needs no earlier step.
RULES: dict[str, Callable[[CaseFile, Mapping[str, Any]], Errors]] = {
    "penalty_decision": decision_refusals,
    "hearing_notice": hearing_notice_refusals,
    "hearing_record": hearing_record_refusals,
    "legal_review": legal_review_refusals,
    "collective_discussion": collective_discussion_refusals,
    "case_closing": closing_refusals,
}


def step_refusals(
    case_file: CaseFile,
    instrument: Instrument,
    values: Mapping[str, Any],
    policy: Mapping[str, Any],
) -> dict[str, list[str]]:
    """Return the steps missing before this instrument may be issued in the case.

    No rule reads policy: whether the party may ask for a hearing is what its notice told
    it (service.cases.limits.hearing_offered), not what today's thresholds would say.
    """
    rule = RULES.get(instrument.kind)
    return rule(case_file, values) if rule else {}
