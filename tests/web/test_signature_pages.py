"""Tests of the archive pages showing a failed signature, read in Chromium on a desktop and on a phone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from service import create_app
from service.acts.issuing import issue_document
from service.custody.checks import run_check
from service.database.models import Document
from service.render.office.pool import OfficePool
from tests.conftest import CHROMIUM, FLAGS, PASSWORD, add_user, sample
from tests.custody.forgery import forge, install, strip_signature

pytestmark = pytest.mark.office
ADMINISTRATOR = "档案管理员"
# The line counted in a cell's text: Chromium gives one client rectangle for each line box.
LINES = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"


@pytest.fixture
def served(tmp_path: Path, office_pool: OfficePool) -> Iterator[tuple[str, Document]]:
    """The app on a loopback port: a sealed notice whose signature was removed, and the check that found it."""
    app: Flask = create_app(
        {"instance_path": tmp_path / "instance", "converter": office_pool,
         "verify_interval_hours": 0}
    )  # fmt: skip
    add_user(app, ADMINISTRATOR, "admin")
    wenshu = app.extensions["wenshu"]
    install(wenshu)
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    forge(wenshu, document, strip_signature)
    run_check(wenshu, ADMINISTRATOR, "web")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", document
    server.shutdown()
    wenshu.database.dispose()


def signed_in_page(url: str, width: int, browser_page: Page) -> Page:
    """Return the page signed in as the administrator."""
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.goto(url + "/login")
    browser_page.fill("input[name=username]", ADMINISTRATOR)
    browser_page.fill("input[name=password]", PASSWORD)
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url(url + "/")
    return browser_page


def test_failed_signature_reads_on_a_desktop_and_a_phone(
    served: tuple[str, Document], tmp_path: Path
) -> None:
    """This test ensures that a removed signature is listed on the archive page and in the 四性 reports, its explanation a readable column on a phone and its check name on one line in the report."""
    url, document = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = signed_in_page(url, 390, browser.new_context(locale="zh-CN").new_page())
        page.goto(url + "/archive")
        summary = page.inner_text(".check-summary")
        assert "最近一次固化信息、电子签名与审计链检测" in summary
        assert "电子签名未通过核验" in summary and "签名已被去除" in summary
        explanation = page.locator("table.problems tbody td").last.bounding_box()
        assert explanation is not None and explanation["width"] >= 200
        page.goto(url + f"/archive/documents/{document.id}")
        row = page.locator("table.checks tr", has_text="签名已被去除")
        detail = row.locator("td").last.bounding_box()
        assert detail is not None and detail["width"] >= 120
        page.screenshot(path=str(tmp_path / "document-phone.png"), full_page=True)
        desktop = signed_in_page(url, 1280, browser.new_context(locale="zh-CN").new_page())
        desktop.goto(url + "/archive/report")
        name = desktop.locator("table.problems td", has_text="电子签名").first
        assert name.evaluate(LINES) == 1
        desktop.screenshot(path=str(tmp_path / "report-desktop.png"), full_page=True)
        browser.close()
