"""Tests of the 档案工作情况报告's rules: the year reported, the due day, the truth statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forms.annual_report import is_late, report_due
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import validation_errors

REPORT = get_instrument("annual_report")


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(REPORT, facts)


def check(facts: dict[str, Any]) -> Facts:
    """Return the validated facts, failing the test if they are invalid."""
    return validate_facts(REPORT, facts)


def test_sample_is_valid_and_on_time() -> None:
    """This test ensures that the shipped sample passes every rule without a warning."""
    assert check(sample("annual_report")).warnings == ()


@pytest.mark.parametrize(
    "field",
    ["unit", "report_year", "report_date", "holdings", "database", "problems", "fixes",
     "responsible_person"],
)  # fmt: skip
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any element of the report gives a Chinese message at it."""
    facts = sample("annual_report")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith("请填写")


@pytest.mark.parametrize("value", [False, None])
def test_truth_statement_must_be_checked(value: bool | None) -> None:
    """This test ensures that a report whose unit does not answer for its truth is refused."""
    facts = sample("annual_report") | {"truth_statement": value}
    assert errors_for(facts) == {"truth_statement": ["请勾选“本单位对报告内容的真实性负责”的声明"]}


def test_truth_statement_must_be_a_flag() -> None:
    """This test ensures that the statement is a yes/no box, not words."""
    facts = sample("annual_report") | {"truth_statement": "是"}
    assert errors_for(facts) == {"truth_statement": ["值的类型不对：应当是文字、数字或日期"]}


@pytest.mark.parametrize("year", [2026, 2027])
def test_report_year_must_be_before_the_report_date(year: int) -> None:
    """This test ensures that a unit cannot report on the year it is still in, or a later one."""
    facts = sample("annual_report") | {"report_year": year}
    assert errors_for(facts) == {
        "report_year": ["报告年度应当早于报告日期所在的2026年（每年报告上一年度的档案工作情况）"]
    }


def test_report_year_must_be_a_year() -> None:
    """This test ensures that a report year that is not a plausible year is refused."""
    assert "report_year" in errors_for(sample("annual_report") | {"report_year": 25})
    assert "report_year" in errors_for(sample("annual_report") | {"report_year": "二〇二五"})


def test_report_on_the_due_day_is_on_time() -> None:
    """This test ensures that a report dated 30 September of the next year is not flagged."""
    facts = check(sample("annual_report") | {"report_date": "2026-09-30"})
    assert facts.warnings == ()


def test_late_report_is_accepted_with_a_warning() -> None:
    """This test ensures that a report after 30 September is accepted but flagged as late."""
    facts = check(sample("annual_report") | {"report_date": "2026-10-08"})
    assert facts.warnings == (
        "2025年度报告应当于2026年9月30日前提交，本报告2026年10月8日提交，属逾期报送",
    )


def test_earlier_year_reported_late_is_flagged() -> None:
    """This test ensures that a report on a year long past is flagged against its own due day."""
    facts = check(sample("annual_report") | {"report_year": 2023})
    assert facts.warnings == (
        "2023年度报告应当于2024年9月30日前提交，本报告2026年3月20日提交，属逾期报送",
    )


def test_late_is_recognisable_from_the_facts() -> None:
    """This test ensures that lateness follows from the archived year and date alone."""
    assert report_due(2025) == dt.date(2026, 9, 30)
    assert not is_late(2025, dt.date(2026, 9, 30))
    assert is_late(2025, dt.date(2026, 10, 1))


def test_unknown_holiday_calendar_is_said() -> None:
    """This test ensures that for a due year the holiday calendar does not know, the clerk is told."""
    from service.instruments.facts import validate_facts
    from service.instruments.registry import get_instrument

    facts = sample("annual_report") | {"report_year": 2030, "report_date": "2031-05-06"}
    checked = validate_facts(get_instrument("annual_report"), facts)
    assert any("尚无2031年的国务院节假日安排" in warning for warning in checked.warnings)
