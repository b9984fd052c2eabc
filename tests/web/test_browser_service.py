"""Browser test: a clerk records a document's service on its page in Chromium, one method's facts at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from service import create_app
from service.acts.issuing import issue_document
from service.database.models import Document
from service.render.office.pool import OfficePool
from tests.conftest import sample
from tests.web.conftest import serving, sign_in
from tests.web.test_browser_csp import Violations, photograph

pytestmark = pytest.mark.office
KIND = "correction_order"


@pytest.fixture
def site(tmp_path: Path, office_pool: OfficePool) -> Iterator[tuple[Flask, str, Document]]:
    """The app on a live loopback server, CSRF on, its day fixed, with a correction order issued."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    app.config["TODAY"] = dt.date(2026, 10, 30)
    order = issue_document(app.extensions["wenshu"], KIND, sample(KIND), "王文书")
    with serving(app) as address:
        yield app, address, order
    app.extensions["wenshu"].database.dispose()


def test_a_clerk_records_a_refusal_fixes_it_and_sees_the_service(
    site: tuple[Flask, str, Document], page: Page, tmp_path: Path
) -> None:
    """This test ensures that the form shows only the chosen method's facts, refuses a refusal
    left unexplained at its field with everything typed kept, and once fixed shows the service
    and its receipt; with no script error or CSP violation, photographed at 1280 and 390 wide."""
    _app, address, order = site
    violations = Violations(page)
    sign_in(page, address)
    page.goto(f"{address}/documents/{order.id}")
    assert page.is_hidden("fieldset[data-methods='留置送达']")
    assert page.is_visible("#signer")
    photograph(page, tmp_path / "unserved")

    page.select_option("#method", "留置送达")
    assert page.is_visible("#refusal_reason") and page.is_hidden("#signer")
    assert page.is_disabled("#signer")  # not sent with another method
    page.fill("#served_on", "2026-10-20")
    page.fill("#place", "君山区良心堡镇人民政府党政办公室")
    page.fill("#server-1-name", "彭丽君")
    page.fill("#witnesses-0-name", "赵建国")
    page.fill("#witnesses-0-identity", "良心堡镇人民政府党政办公室主任")
    page.click("#service-form button[type=submit]")
    error = page.locator("#service-refusal_reason .error")
    assert "第八十九条" in error.inner_text()
    assert page.input_value("#method") == "留置送达"
    assert page.input_value("#witnesses-0-identity") == "良心堡镇人民政府党政办公室主任"
    assert page.is_visible("#refusal_reason")
    photograph(page, tmp_path / "refused")

    page.fill("#refusal_reason", "党政办公室主任以文书应交镇长本人为由拒绝签收")
    page.click("#service-form button[type=submit]")
    page.wait_for_selector("dl.served")
    assert page.inner_text("dl.served .served-on") == "2026-10-20"
    assert "留置送达" in page.inner_text("dl.served")
    photograph(page, tmp_path / "served")
    page.click("dl.served a")
    assert "送达回证" in page.inner_text("h1")
    assert order.number in page.inner_text("section.service")
    assert violations.take() == []
