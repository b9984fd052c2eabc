"""Browser fixtures: the app on a live loopback server (the Chromium page is in tests/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from service import create_app
from service.render.office.pool import OfficePool
from tests.conftest import PASSWORD, add_user
from tests.fake_office import BlankPageOffice

CLERK = "王文书"
ADMIN = "管理员"


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port with a clerk 王文书; yield its address."""
    add_user(app, CLERK, "clerk")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()


@pytest.fixture
def live_server(tmp_path: Path, office_pool: OfficePool) -> Iterator[str]:
    """The app served on a free loopback port, CSRF on as in production, with a clerk 王文书."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    with serving(app) as address:
        yield address
    app.extensions["wenshu"].database.dispose()


def sign_in(page: Page, live_server: str) -> None:
    """Sign the page in as the clerk and wait for the home page."""
    page.goto(live_server + "/login")
    page.fill("input[name=username]", CLERK)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")


@pytest.fixture
def admin_site(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """The app on a live loopback server, CSRF on, with an administrator; no page here converts."""
    app: Flask = create_app(
        {"instance_path": tmp_path / "instance", "converter": BlankPageOffice()}
    )
    add_user(app, ADMIN, "admin")
    with serving(app) as address:
        yield app, address
    app.extensions["wenshu"].database.dispose()
