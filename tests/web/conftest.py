"""Browser fixtures: the app on a live loopback server, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from service import create_app
from service.render.convert import OfficePool
from tests.conftest import PASSWORD, add_user

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CLERK = "王文书"


@pytest.fixture
def live_server(tmp_path: Path, office_pool: OfficePool) -> Iterator[str]:
    """The app served on a free loopback port, CSRF on as in production, with a clerk 王文书."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    add_user(app, CLERK, "clerk")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    app.extensions["wenshu"].database.dispose()


@pytest.fixture
def page() -> Iterator[Page]:
    """A Chromium page at 1280×800, not signed in."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def sign_in(page: Page, live_server: str) -> None:
    """Sign the page in as the clerk and wait for the home page."""
    page.goto(live_server + "/login")
    page.fill("input[name=username]", CLERK)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")
