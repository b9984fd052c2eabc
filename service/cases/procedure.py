"""The procedure a case's instruments follow: what may be issued in a case, and when.

Each rule answers at the field it concerns, or at "case" for a missing step, so that a
refusal reaches the clerk where the form shows it and the API's 422 names it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from service.cases.records import CaseFile
from service.cases.status import AWAITING, CLOSED
from service.cases.steps import step_refusals
from service.foundations.formatting import format_date
from service.instruments.registry import Instrument

Errors = dict[str, list[str]]
OPENING = "case_opening"


def refusals(
    case_file: CaseFile | None,
    instrument: Instrument,
    values: Mapping[str, Any],
    policy: Mapping[str, Any],
) -> Errors:
    """Return why these checked facts may not be issued in this case (None: outside any case)."""
    if case_file is None:
        if instrument.case == "required":
            return {"case": [f"{instrument.title}只能在案件中制作：请先立案，再在该案件中制作"]}
        return {}
    if instrument.case == "never":
        return {"case": [f"{instrument.title}不属于案件办理的文书，不能在案件中制作"]}
    place = case_file.number or "该案件"
    if case_file.status == CLOSED:
        return {"case": [f"{place}已经结案，不能再制作{instrument.title}"]}
    if instrument.kind == OPENING:
        if case_file.status != AWAITING:
            return {"case": [f"{place}已经立案，不能再次制作立案审批表"]}
        return {}
    if case_file.status == AWAITING:
        return {"case": ["案件尚未经负责人批准立案，立案审批表批准后才能制作案件文书"]}
    errors: Errors = {}
    _add(errors, _same_party(case_file, values))
    _add(errors, _not_before_opening(case_file, instrument, values))
    _add(errors, step_refusals(case_file, instrument, values, policy))
    return errors


def _same_party(case_file: CaseFile, values: Mapping[str, Any]) -> Errors:
    """A case concerns one party: an instrument naming a party names the case's."""
    party = values.get("party_name")
    if party and party != case_file.party:
        return {"party_name": [f"本案当事人是“{case_file.party}”，与所填当事人不一致"]}
    return {}


def _not_before_opening(
    case_file: CaseFile, instrument: Instrument, values: Mapping[str, Any]
) -> Errors:
    """Nothing in a case is dated before the case was opened (行政处罚法 第五十四条)."""
    day = values.get(instrument.date_field)
    if isinstance(day, dt.date) and day < case_file.opened_on:
        opened = format_date(case_file.opened_on)
        return {instrument.date_field: [f"早于本案立案日期{opened}：案件文书应当在立案后制作"]}
    return {}


def _add(errors: Errors, more: Mapping[str, list[str]]) -> None:
    """Merge more messages into errors, field by field."""
    for name, messages in more.items():
        errors.setdefault(name, []).extend(messages)
