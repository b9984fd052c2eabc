"""The year a document reports on (报告年度, 审核年度, 考核年度), kept as a column to find a year's reports by index."""

from __future__ import annotations

from typing import Any

# The facts that name the year a document is about; an instrument has one of them at most.
YEAR_FACTS = ("report_year", "audit_year", "assessment_year")


def about_year(facts: Any) -> int | None:
    """Return the year the facts say the document is about, or None when they name none."""
    if not isinstance(facts, dict):
        return None
    for name in YEAR_FACTS:
        value = facts.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def about_year_default(context: Any) -> int | None:
    """Return the about_year of a documents row being inserted, from its facts.

    The column's default, so that every way a row is written (an issue, a batch, a received
    report, a bulk insert) fills it without being told.
    """
    return about_year(context.get_current_parameters().get("facts"))
