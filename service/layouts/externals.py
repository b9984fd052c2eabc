"""Outside references in a template as lint findings: each one an error that says where and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.render.ooxml.outside_references import find_outside_references

if TYPE_CHECKING:
    from service.layouts.lint import LintReport


def report_outside_references(data: bytes, report: LintReport) -> bool:
    """Add an error to a lint report for each outside reference; return whether lint may read on."""
    found = find_outside_references(data)
    for reference in found:
        report.add("error", reference.where, reference.message, reference.advice)
    return not any(reference.stops for reference in found)
