"""Fixtures: a real LibreOffice pool for the session, and apps, clients and runners on fresh instances."""

from __future__ import annotations

import functools
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, sync_playwright
from werkzeug.security import generate_password_hash

import service.accounts.users
from service import create_app
from service.accounts.users import create_user
from service.background.startup import prepare_service
from service.database.engine import Database
from service.foundations.config import Settings, load_settings
from service.render.office.converter import Converter
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests.fake_office import BlankPageOffice
from tests.postgres import fresh_database, postgres_server
from tests.trial_in_process import fill_in_this_process

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OPERATOR_PREFIX = "WENSHU_"
TEST_SCRYPT_COST = 1024
# Fixtures that start LibreOffice, PostgreSQL, Redis, a wenshu service or a browser: a test
# using one, directly or through another fixture, is slow and left out of `make check`.
SLOW_FIXTURES = frozenset({"office_pool", "postgres_url", "page", "service"})


def pytest_configure(config: pytest.Config) -> None:
    """Forget every WENSHU_* variable of the shell, so no test reaches the operator's services.

    The README tells operators to export WENSHU_DATABASE_URL, WENSHU_ARCHIVE, WENSHU_BROKER_URL
    and the rest; `make test` on such a machine must not write into the real database,
    archive or queue. A test that needs one sets it itself (monkeypatch or a child's env).
    """
    for name in [name for name in os.environ if name.startswith(OPERATOR_PREFIX)]:
        del os.environ[name]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark slow every test that needs a real outside program, so `-m "not slow"` runs the rest."""
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)


def is_slow(item: pytest.Item) -> bool:
    """Return whether a test needs LibreOffice, PostgreSQL, Redis, a served wenshu or a browser."""
    if item.get_closest_marker("office") is not None:
        return True
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & SLOW_FIXTURES:
        return True
    # The PostgreSQL side of database_url is fetched on demand, so it shows only in the parameter.
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("database_url") == "postgresql"


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash passwords with scrypt at a 32nd of its default cost (N = 1024 instead of 32768).

    Each hash takes 0.13 s of CPU at the default cost, and most web tests make and check a few;
    the hash's method and parameters are stored with it, so checking works alike. The same
    advice as Django's for its test settings: the hashing library's cost is not under test.
    """
    monkeypatch.setattr(
        service.accounts.users,
        "generate_password_hash",
        functools.partial(generate_password_hash, method=f"scrypt:{TEST_SCRYPT_COST}:8:1"),
    )


def sample(kind: str) -> dict[str, Any]:
    """Return a copy of the realistic facts shipped for an instrument."""
    facts: dict[str, Any] = json.loads((SAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    return facts


@pytest.fixture(scope="session")
def office_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficePool]:
    """Two real LibreOffice workers shared by the whole session."""
    settings = load_settings(
        {"instance_path": tmp_path_factory.mktemp("office"), "office_workers": 2}
    )
    pool = OfficePool(settings)
    pool.wait_ready()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private PostgreSQL server for the session."""
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database the archive supports: SQLite in the instance, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield ""
        return
    server: str = request.getfixturevalue("postgres_url")
    with fresh_database(server) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for a fresh instance folder, on each supported database."""
    return load_settings({"instance_path": tmp_path / "instance", "database_url": database_url})


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A fresh archive database, its tables made from the models, on each supported database."""
    database = Database(settings.resolved_database_url)
    database.create_tables()
    yield database
    database.dispose()


@pytest.fixture
def wenshu(settings: Settings, office_pool: OfficePool) -> Iterator[Wenshu]:
    """Services on a fresh instance, converting with the shared pool."""
    services = Wenshu.open(settings, office_pool)
    prepare_service(services)
    yield services
    services.database.dispose()


@pytest.fixture
def converter(request: pytest.FixtureRequest) -> Converter:
    """The shared LibreOffice pool for a test marked office, else a converter of blank pages.

    A page flow that only passes its PDF along runs in the fast tier on the blank pages;
    a test of what the PDF holds is marked office and so converts with LibreOffice.
    """
    if request.node.get_closest_marker("office") is not None:
        pool: OfficePool = request.getfixturevalue("office_pool")
        return pool
    return BlankPageOffice()


@pytest.fixture(scope="session")
def prepared_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance prepared once (schema migrated, shipped templates installed) to copy from."""
    folder = tmp_path_factory.mktemp("prepared") / "instance"
    services = Wenshu.open(load_settings({"instance_path": folder}), BlankPageOffice())
    prepare_service(services)
    services.database.dispose()
    return folder


@pytest.fixture
def app(tmp_path: Path, converter: Converter, prepared_instance: Path) -> Iterator[Flask]:
    """The web app on a fresh instance, CSRF off (one test turns it on).

    The instance starts as a copy of one prepared for the session, as a fresh one would be
    after its first start; the app's own start still brings it up to date and checks it.
    """
    shutil.copytree(prepared_instance, tmp_path / "instance")
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "instance_path": tmp_path / "instance",
            "converter": converter,
        }
    )
    yield app
    app.extensions["wenshu"].database.dispose()


PASSWORD = "correct-horse-9"


def add_user(app: Flask, username: str, role: str) -> None:
    """Create a user with the test password."""
    with app.extensions["wenshu"].database.session() as session:
        create_user(session, username, PASSWORD, role)


def signed_in(app: Flask, role: str) -> FlaskClient:
    """Return a test client signed in as a new user of the role."""
    username = f"{role}-{uuid.uuid4().hex[:6]}"
    add_user(app, username, role)
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client signed in as a clerk."""
    return signed_in(app, "clerk")


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    """A test client that has not signed in."""
    return app.test_client()


@pytest.fixture
def trial_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint fills templates with the trial child's code in this process (tests of lint's rules)."""
    fill_in_this_process(monkeypatch)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner for the wenshu command on a fresh instance."""
    monkeypatch.setenv("WENSHU_INSTANCE", str(tmp_path / "cli-instance"))
    return CliRunner()


CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page() -> Iterator[Page]:
    """A page of Debian's Chromium driven by Playwright, at 1280×800, not signed in."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        yield context.new_page()
        browser.close()
