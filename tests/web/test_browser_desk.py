"""Browser test of the desk: an overdue report's correction order, offered filled, issued, then no longer offered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from service.acts.issuing import issue_document
from tests.conftest import sample
from tests.web.conftest import serving, sign_in

MISSING = "岳阳市君山区教育局"


def test_clerk_takes_the_step_the_desk_offers_for_an_overdue_report(
    app: Flask, page: Page, tmp_path: Path
) -> None:
    """This test ensures that a clerk issues the correction order the desk offers, filled for the unit, and the desk then names it."""
    issue_document(app.extensions["wenshu"], "audit_summary", sample("audit_summary"), "王文书")
    app.config["TODAY"] = dt.date(2026, 11, 20)
    with serving(app) as address:
        sign_in(page, address)
        due = page.locator("table.desk-due")
        row = due.locator("tr", has_text=MISSING)
        assert "已逾期" in row.inner_text() and "报送2025年度档案工作情况报告" in row.inner_text()
        assert page.locator("a", has_text="为未报送2025年度报告的10个单位").count() == 1
        page.screenshot(path=str(tmp_path / "desk-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "desk-390.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # nothing wider than the phone's screen
        page.set_viewport_size({"width": 1280, "height": 800})

        row.locator("a", has_text="责令限期改正").click()
        page.wait_for_url("**/documents/new/correction_order?*")
        assert page.input_value("#unit") == MISSING
        assert page.input_value("#report_year") == "2025"
        page.fill("#deadline", "2026-12-31")
        page.fill("#issue_date", "2026-11-20")
        page.click("button[value=review] >> visible=true")
        page.locator("button[value=confirm] >> visible=true").first.click()
        page.wait_for_url("**/documents/*")
        number = page.inner_text("h1")
        assert "〔2026〕" in number

        page.goto(address + "/")
        row = page.locator("table.desk-due tr", has_text=MISSING)
        assert "已发责令限期改正通知书" in row.inner_text()
        assert row.locator("a", has_text="责令限期改正").count() == 0
        assert page.locator("a", has_text="为未报送2025年度报告的9个单位").count() == 1
        page.screenshot(path=str(tmp_path / "desk-after-1280.png"), full_page=True)
        deadlines = page.goto(address + "/deadlines")
        assert deadlines is not None and deadlines.status == 200
        assert "已发责令限期改正通知书" in page.locator("tr", has_text=MISSING).first.inner_text()
