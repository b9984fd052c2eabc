"""Browser tests of the deadlines page in pages and the desk's few rows, on a wide screen and a phone."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from tests.web.conftest import serving, sign_in
from tests.web.test_deadlines_paged import TODAY, fill


def test_a_clerk_pages_through_the_deadlines_and_the_desk_links_to_them(
    app: Flask, page: Page, tmp_path: Path
) -> None:
    """This test ensures that the pages are reached by their links, on a phone too, and the desk sends to the rest."""
    fill(app)
    app.config["TODAY"] = TODAY
    with serving(app) as address:
        sign_in(page, address)
        more = page.locator("section.desk a", has_text="在到期事项页中列出")
        assert more.count() == 1
        page.screenshot(path=str(tmp_path / "desk-1280.png"), full_page=True)
        more.click()
        page.wait_for_url(address + "/deadlines")
        pager = page.locator("nav.due-pager")
        assert "第 1 / 3 页" in pager.inner_text()
        page.screenshot(path=str(tmp_path / "deadlines-1280.png"), full_page=True)
        pager.locator("a[rel=next]").click()
        page.wait_for_url("**/deadlines?page=2")
        assert "第 2 / 3 页" in page.locator("nav.due-pager").inner_text()
        assert page.locator("table.due tbody tr").count() >= 50
        page.locator("nav.due-pager a", has_text="3").click()
        page.wait_for_url("**/deadlines?page=3")
        assert page.locator("nav.due-pager a[rel=next]").count() == 0
        for path, name in (("/deadlines?page=3", "last"), ("/deadlines", "first"), ("/", "desk")):
            page.goto(address + path)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)  # nothing wider than the phone's screen
            page.set_viewport_size({"width": 1280, "height": 800})
