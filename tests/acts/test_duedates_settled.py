"""Tests that what is due agrees with what the bureau recorded: paper reports and orders already sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from service.acts.duedates import ANNUAL_REPORT, CORRECTION, DueItem, due_items

D = dt.date
TODAY = D(2026, 11, 20)  # after the 2025 reports were due (30 September 2026)


@dataclass(frozen=True)
class Record:
    """An archived document as the due dates read it."""

    id: int
    kind: str
    facts: dict[str, Any]
    number: str = ""
    status: str = "issued"
    recipient: str = ""
    document_date: dt.date = dt.date(2026, 10, 20)


def summary(paper: list[str], year: int = 2025, status: str = "issued") -> Record:
    """Return an audit summary of year naming three units, some of which reported on paper."""
    register = [{"unit": unit} for unit in ("甲单位", "乙单位", "丙单位")]
    rows = [{"unit": unit, "received_date": "2026-09-25"} for unit in paper]
    facts = {"audit_year": year, "register": register, "paper_reports": rows}
    return Record(10 + len(paper), "audit_summary", facts, "汇总", status)


def reports(items: list[DueItem]) -> list[str]:
    """Return the units listed as owing their report."""
    return sorted(item.unit for item in items if item.matter == ANNUAL_REPORT)


def test_a_paper_report_recorded_in_the_summary_is_not_overdue() -> None:
    """This test ensures that a unit whose paper report the audit summary records owes no report."""
    assert reports(due_items([summary([])], TODAY)) == ["丙单位", "乙单位", "甲单位"]
    assert reports(due_items([summary(["乙单位 "])], TODAY)) == ["丙单位", "甲单位"]
    items = [item for item in due_items([summary(["乙单位"])], TODAY) if item.unit == "甲单位"]
    assert [(item.overdue, item.year) for item in items] == [(True, 2025)]


def test_only_a_paper_report_of_the_year_in_an_issued_summary_counts() -> None:
    """This test ensures that a voided summary's or another year's paper rows settle nothing."""
    older = summary(["乙单位"], year=2024)
    voided = summary(["甲单位", "乙单位", "丙单位"], status="voided")
    assert reports(due_items([summary([]), older, voided], TODAY)) == ["丙单位", "乙单位", "甲单位"]


def test_an_order_sent_for_a_missing_report_is_named_and_its_deadline_ends_with_the_report() -> (
    None
):
    """This test ensures that the item says which order was sent, and a report received settles the order."""
    order = Record(20, "correction_order", {"unit": "甲单位", "report_year": 2025,
                                             "deadline": "2026-11-06"}, "君档改〔2026〕1号",
                   recipient="甲单位")  # fmt: skip
    items = due_items([summary([]), order], TODAY)
    owed = {item.unit: item.ordered for item in items if item.matter == ANNUAL_REPORT}
    assert owed == {"甲单位": "君档改〔2026〕1号", "乙单位": "", "丙单位": ""}
    assert [item.number for item in items if item.matter == CORRECTION] == ["君档改〔2026〕1号"]
    report = Record(21, "annual_report", {"unit": "甲单位", "report_year": 2025}, "报告")
    settled = due_items([summary([]), order, report], TODAY)
    assert [item for item in settled if item.matter == CORRECTION] == []
    assert reports(settled) == ["丙单位", "乙单位"]
    on_paper = due_items([summary(["甲单位"]), order], TODAY)
    assert [item for item in on_paper if item.matter == CORRECTION] == []
