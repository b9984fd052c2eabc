"""Tests of how the procedure's steps reach issuing: which kinds have a rule, and the merge with the case's own checks."""

from __future__ import annotations

from service.cases.procedure import refusals as procedure_refusals
from service.cases.steps import RULES
from service.instruments.registry import INSTRUMENTS, get_instrument
from tests.cases.built import case_file, decision_values, messages, notice, refusals


def test_kinds_without_an_earlier_step_pass_in_an_empty_case() -> None:
    """This test ensures that the records, the notice and the receipt need no earlier step of their own."""
    free = {
        "inquiry_record",
        "site_record",
        "penalty_notice",
        "service_receipt",
        "inspection_record",
    }
    assert free.isdisjoint(RULES) and set(RULES) <= set(INSTRUMENTS)
    for kind in sorted(free):
        assert refusals(case_file(), kind) == {}


def test_issuing_in_a_case_hears_the_steps() -> None:
    """This test ensures that the case's procedure check returns the missing step beside its own checks."""
    values = decision_values(party_name="岳阳市君山区档案馆")
    errors = procedure_refusals(
        case_file(notice(served_on=None)), get_instrument("penalty_decision"), values, {}
    )
    assert "尚未送达" in messages(errors, "case")
    assert "本案当事人" in messages(errors, "party_name")
