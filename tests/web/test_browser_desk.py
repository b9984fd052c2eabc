"""Browser tests of the desk: the step an overdue report offers, and submissions to decide or returned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from service.acts.approving import return_submission
from service.acts.issuing import issue_document
from service.acts.opening import open_case
from tests.casework import with_directory
from tests.conftest import PASSWORD, add_user, sample
from tests.web.conftest import CLERK, serving, sign_in

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


def test_head_sees_what_to_decide_and_the_clerk_what_came_back(
    app: Flask, page: Page, tmp_path: Path
) -> None:
    """This test ensures that a head finds the submission on his desk, and the clerk the returned one with its reason and its form."""
    wenshu = app.extensions["wenshu"]
    with_directory(wenshu)
    add_user(app, "刘科长", "head")
    case, submission = open_case(wenshu, sample("case_opening"), CLERK)
    with serving(app) as address:
        page.goto(address + "/login")
        page.fill("input[name=username]", "刘科长")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(address + "/")
        decide = page.locator("section", has=page.locator("#desk-decide"))
        assert "立案审批表" in decide.inner_text()
        page.screenshot(path=str(tmp_path / "desk-head-1280.png"), full_page=True)
        decide.locator("a", has_text="审批").click()
        page.wait_for_url(f"**/approvals#submission-{submission.id}")

        return_submission(wenshu, submission.id, "刘科长", "案由应写明违法行为的具体情形")
        page.locator("form.logout button").click()
        sign_in(page, address)
        returned = page.locator("section", has=page.locator("#desk-returned"))
        assert "案由应写明违法行为的具体情形" in returned.inner_text()
        page.screenshot(path=str(tmp_path / "desk-returned-1280.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(tmp_path / "desk-returned-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        returned.locator("a", has_text="修改后重新提交").click()
        page.wait_for_url(f"**/documents/new/case_opening?case={case.id}&returned={submission.id}")
        assert "案由应写明违法行为的具体情形" in page.inner_text("main")
