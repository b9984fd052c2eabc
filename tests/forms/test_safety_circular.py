"""Tests of the 全区档案安全通报's rules: the year assessed and the 31 January due day."""

from __future__ import annotations

from typing import Any

import pytest

from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import validation_errors

CIRCULAR = get_instrument("safety_circular")


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(CIRCULAR, facts)


def check(facts: dict[str, Any]) -> Facts:
    """Return the validated facts, failing the test if they are invalid."""
    return validate_facts(CIRCULAR, facts)


def test_sample_is_valid_and_on_time() -> None:
    """This test ensures that the shipped sample passes every rule without a warning."""
    assert check(sample("safety_circular")).warnings == ()


@pytest.mark.parametrize(
    "field",
    ["assessment_year", "addressee", "overall", "good_practices", "problems", "requirements",
     "issue_date"],
)  # fmt: skip
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any part of the circular gives a Chinese message at it."""
    facts = sample("safety_circular")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith("请填写")


def test_copies_are_optional() -> None:
    """This test ensures that a circular without 抄送 is valid."""
    facts = sample("safety_circular")
    del facts["cc"]
    assert errors_for(facts) == {}


def test_one_addressee_per_copy() -> None:
    """This test ensures that the addressee is one line: a batch sends one copy per unit."""
    facts = sample("safety_circular") | {"addressee": "岳阳市君山区财政局\n岳阳市君山区教育局"}
    assert "换行" in errors_for(facts)["addressee"][0]


@pytest.mark.parametrize("issued", ["2025-12-31", "2025-06-30", "2024-01-20"])
def test_issued_in_or_before_the_assessed_year(issued: str) -> None:
    """This test ensures that a circular cannot assess a year that is not over."""
    facts = sample("safety_circular") | {"issue_date": issued}
    assert errors_for(facts) == {"issue_date": ["成文日期应当在考核年度（2025年）结束之后"]}


@pytest.mark.parametrize("issued", ["2026-01-01", "2026-01-31", "2026-02-02"])
def test_issued_by_31_january_is_on_time(issued: str) -> None:
    """This test ensures that a circular issued up to 31 January (moved off a weekend) is not flagged.

    31 January 2026 is a Saturday, so the time limit runs to Monday 2 February.
    """
    assert check(sample("safety_circular") | {"issue_date": issued}).warnings == ()


def test_late_circular_is_accepted_with_a_warning() -> None:
    """This test ensures that a circular after 31 January is accepted but flagged as late."""
    facts = check(sample("safety_circular") | {"issue_date": "2026-02-03"})
    assert facts.warnings == (
        "2025年度全区档案安全通报应当于2026年2月2日前发布，本通报成文日期为2026年2月3日，已逾期",
    )


def test_malformed_year() -> None:
    """This test ensures that an assessment year that is not a year is refused."""
    assert "assessment_year" in errors_for(sample("safety_circular") | {"assessment_year": "去年"})
