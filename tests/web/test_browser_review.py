"""Browser test: Enter submits nothing, 生成并编号 shows every page and warning, and only confirming numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, sync_playwright

from tests.conftest import CHROMIUM, FLAGS
from tests.web.conftest import sign_in

pytestmark = pytest.mark.office

FORM = "/documents/new/correction_order"
REST_DAY = "改正期限2026年10月31日是休息日或者法定节假日，请核对"
WIDTHS = [(1280, 800), (390, 844)]


def photograph(page: Page, shots: Path, name: str) -> None:
    """Photograph the whole page at a desktop's and a phone's width; assert nothing runs off sideways."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide at {width}"
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_enter_review_edit_and_confirm(live_server: str, page: Page, tmp_path: Path) -> None:
    """This test ensures that Enter in a field posts nothing, the review shows every page and the
    rest-day warning, 返回修改 keeps everything, and only the confirmation takes the 文号."""
    shots = tmp_path / "shots"
    shots.mkdir()
    posts: list[str] = []

    def record(request: Request) -> None:
        if request.method == "POST" and FORM in request.url:
            posts.append(request.url)

    page.on("request", record)
    sign_in(page, live_server)
    page.goto(live_server + FORM)
    page.fill("#unit", "岳阳市君山区良心堡镇人民政府")
    page.fill("#report_year", "2025")
    page.fill("#issue_date", "2026-10-19")
    page.fill("#deadline", "2026-10-31")  # a Saturday
    page.fill("#cc", "中共岳阳市君山区委组织部")
    for field in ("#unit", "#report_year", "#cc"):
        page.press(field, "Enter")
    page.wait_for_timeout(800)
    assert posts == [] and page.url == live_server + FORM
    assert page.input_value("#cc") == "中共岳阳市君山区委组织部"
    photograph(page, shots, "form")

    page.click("form.instrument button[value=review]")
    page.locator("#review-form").wait_for()
    images = page.locator(".review-page img")
    count = images.count()
    assert count >= 1
    assert f"全部页面（共 {count} 页）" in page.inner_text("main")
    for index in range(count):
        assert images.nth(index).evaluate("image => image.complete && image.naturalWidth > 0")
    assert REST_DAY in page.inner_text(".review-warnings")
    assert "文号尚未占用" in page.inner_text("main")
    assert "2026年10月31日" in page.inner_text("dl.facts")
    photograph(page, shots, "review")

    page.click("#review-form button[value=edit]")
    page.locator("#instrument-form").wait_for()
    assert page.input_value("#unit") == "岳阳市君山区良心堡镇人民政府"
    assert page.input_value("#deadline") == "2026-10-31"
    assert page.locator(".error").count() == 0
    page.fill("#deadline", "2026-11-06")
    page.click("form.instrument button[value=review]")
    page.locator("#review-form").wait_for()
    assert page.locator(".review-warnings").count() == 0
    assert "2026年11月6日" in page.inner_text("dl.facts")

    before = len(posts)
    page.dblclick("#review-form button[value=confirm]")  # an impatient clerk: one post only
    page.wait_for_url("**/documents/*")
    assert "君档责改〔2026〕1号" in page.inner_text("h1")
    assert len(posts) == before + 1
    photograph(page, shots, "issued")


def test_enter_submits_nothing_without_scripts(live_server: str) -> None:
    """This test ensures that the form's first, disabled submit button alone stops Enter, with scripts off."""
    posts: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(java_script_enabled=False, locale="zh-CN")
        page = context.new_page()
        page.on(
            "request",
            lambda request: posts.append(request.url) if request.method == "POST" else None,
        )
        sign_in(page, live_server)
        posts.clear()
        page.goto(live_server + FORM)
        page.fill("#unit", "岳阳市君山区良心堡镇人民政府")
        page.press("#unit", "Enter")
        page.wait_for_timeout(800)
        assert posts == [] and page.url == live_server + FORM
        page.click("form.instrument button[value=review]")  # the button itself still posts
        page.wait_for_load_state()
        assert posts == [live_server + FORM]
        browser.close()
