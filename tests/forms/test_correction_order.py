"""Tests of the 责令限期改正通知书's rules: an overdue report, a later deadline, the archive's reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from service.instruments.facts import Facts, InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import FakeArchive, FakeDocument

ORDER = get_instrument("correction_order")
UNIT = "岳阳市君山区良心堡镇人民政府"


def report(year: int = 2025, unit: str = UNIT, status: str = "issued") -> FakeDocument:
    """Return the unit's archived 档案工作情况报告 on a year, received on 20 October 2026."""
    facts = {"unit": unit, "report_year": year, "report_date": "2026-10-20"}
    return FakeDocument(
        "annual_report", "君档年报〔2026〕7号", status, dt.date(2026, 10, 20), facts
    )


def check(facts: dict[str, Any], archive: FakeArchive | None = None) -> Facts:
    """Return the validated facts, checked against the archive if one is given."""
    return validate_facts(ORDER, facts, archive=archive)


def errors_for(facts: dict[str, Any], archive: FakeArchive | None = None) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    try:
        check(facts, archive)
    except InvalidFacts as error:
        return error.errors
    return {}


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule, without warnings."""
    assert check(sample("correction_order"), FakeArchive()).warnings == ()


@pytest.mark.parametrize("field", ["unit", "report_year", "deadline", "issue_date"])
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any required element gives a Chinese message at it."""
    facts = sample("correction_order")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith("请填写")


@pytest.mark.parametrize("deadline", ["2026-10-19", "2026-10-12"])
def test_deadline_must_follow_issue_date(deadline: str) -> None:
    """This test ensures that the correction deadline cannot be on or before the issue date."""
    errors = errors_for(sample("correction_order") | {"deadline": deadline})
    assert errors == {"deadline": ["改正期限应当晚于成文日期"]}


def test_deadline_on_a_rest_day_is_a_warning() -> None:
    """This test ensures that a deadline on a Saturday is accepted with a warning to check it."""
    facts = check(sample("correction_order") | {"deadline": "2026-10-31"})
    assert facts.warnings == ("改正期限2026年10月31日是休息日或者法定节假日，请核对",)


def test_deadline_on_an_adjusted_working_weekend_is_no_warning() -> None:
    """This test ensures that a 调休 Saturday counts as a working day."""
    facts = sample("correction_order") | {"issue_date": "2026-10-08", "deadline": "2026-10-10"}
    assert check(facts).warnings == ()


def test_deadline_in_a_year_without_calendar_is_a_warning() -> None:
    """This test ensures that a deadline in a year whose holidays are unknown is flagged, not refused."""
    facts = check(sample("correction_order") | {"deadline": "2027-01-08"})
    assert len(facts.warnings) == 1
    assert "尚无2027年的国务院节假日安排" in facts.warnings[0]


def test_order_before_the_report_is_due_is_refused() -> None:
    """This test ensures that no order is issued while the report may still be filed on time."""
    facts = sample("correction_order") | {"issue_date": "2026-09-30", "deadline": "2026-10-16"}
    assert errors_for(facts) == {
        "report_year": ["2025年度自查报告的提交期限是2026年9月30日，期限届满后方可责令限期改正"]
    }


def test_order_the_day_after_the_due_day_is_accepted() -> None:
    """This test ensures that an order may be issued from the day after 30 September."""
    facts = sample("correction_order") | {"issue_date": "2026-10-01", "deadline": "2026-10-16"}
    assert errors_for(facts) == {}


def test_report_year_in_the_future_is_refused() -> None:
    """This test ensures that the year of the current order cannot be the missing report's year."""
    assert "report_year" in errors_for(sample("correction_order") | {"report_year": 2026})


def test_report_year_before_the_archives_law_is_refused() -> None:
    """This test ensures that an implausible report year is refused."""
    errors = errors_for(sample("correction_order") | {"report_year": 1980})
    assert errors == {"report_year": ["未提交的自查报告年度应当是1987到2100之间的整数"]}


def test_unit_whose_report_is_archived_is_refused() -> None:
    """This test ensures that a unit whose report for the year is in the archive is not ordered to file it."""
    errors = errors_for(sample("correction_order"), FakeArchive(report()))
    assert errors == {
        "unit": [
            "本局已收到该单位2025年度档案工作情况报告（君档年报〔2026〕7号，2026年10月20日），"
            "不应责令限期改正"
        ]
    }


@pytest.mark.parametrize(
    "archived",
    [report(year=2024), report(unit="岳阳市君山区许市镇人民政府"), report(status="voided")],
)
def test_other_reports_do_not_count(archived: FakeDocument) -> None:
    """This test ensures that another year's, another unit's or a voided report does not block the order."""
    assert errors_for(sample("correction_order"), FakeArchive(archived)) == {}


def test_an_earlier_order_for_the_same_report_is_a_warning() -> None:
    """This test ensures that ordering the same unit twice for one year's report is pointed out."""
    earlier = FakeDocument(
        "correction_order",
        "君档责改〔2026〕1号",
        "issued",
        dt.date(2026, 10, 12),
        {"unit": UNIT, "report_year": 2025},
    )
    facts = check(sample("correction_order"), FakeArchive(earlier))
    assert facts.warnings == (
        "本局已于2026年10月12日就2025年度自查报告向该单位发出责令限期改正通知书"
        "（君档责改〔2026〕1号），请核实是否重复发文",
    )


def summary(year: int = 2025, status: str = "issued", unit: str = UNIT) -> FakeDocument:
    """Return an audit summary of year recording the unit's report received on paper."""
    facts = {
        "audit_year": year,
        "register": [{"unit": unit}],
        "paper_reports": [{"unit": unit, "received_date": "2026-09-25"}],
    }
    return FakeDocument(
        "audit_summary", "君档审汇〔2026〕1号", status, dt.date(2026, 10, 20), facts
    )


def test_unit_whose_paper_report_the_summary_records_is_refused() -> None:
    """This test ensures that a unit whose paper report the year's audit summary records is not ordered, as the due dates agree."""
    errors = errors_for(sample("correction_order"), FakeArchive(summary()))
    assert errors == {
        "unit": [
            "本局2025年度自查审核汇总表（君档审汇〔2026〕1号）记载已于2026年9月25日收到该单位的"
            "纸质报告，不应责令限期改正"
        ]
    }


@pytest.mark.parametrize(
    "archived",
    [summary(year=2024), summary(status="voided"), summary(unit="岳阳市君山区许市镇人民政府")],
)
def test_other_summaries_do_not_count(archived: FakeDocument) -> None:
    """This test ensures that another year's or a voided summary, or another unit's paper report, does not block the order."""
    assert errors_for(sample("correction_order"), FakeArchive(archived)) == {}
