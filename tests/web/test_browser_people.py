"""Browser test: an administrator names a clerk and resets his password; the clerk changes it himself."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page

from tests.conftest import PASSWORD
from tests.web.conftest import ADMIN
from tests.web.test_browser_cases import look
from tests.web.test_browser_csp import Violations, sign_in_as

CLERK_LOGIN = "zhou"
RESET = "reset-horse-42"
OWN = "own-horse-4242"


def shots_folder(tmp_path: Path) -> Path:
    """Return where the screenshots go: SHOTS_DIR when a reader wants to look at them, else the test's folder."""
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_people_and_passwords_in_the_browser(
    admin_site: tuple[Flask, str], page: Page, tmp_path: Path
) -> None:
    """This test ensures that names, titles and passwords are kept from the pages, at 1280 and 390 px."""
    _app, address = admin_site
    shots = shots_folder(tmp_path)
    violations = Violations(page)
    sign_in_as(page, address, ADMIN)
    page.click("nav >> text=用户")
    page.fill("#username", CLERK_LOGIN)
    page.fill("#password", PASSWORD)
    page.select_option("#role", "clerk")
    page.fill("#full_name", "周文书")
    page.fill("#title", "科员")
    page.click("button:has-text('创建')")
    page.wait_for_selector("text=已创建用户")
    assert page.locator("td", has_text="周文书").count() == 1
    look(page, violations, shots, "users")

    page.click(f"a:has-text('{CLERK_LOGIN}')")
    page.fill("#new_password", RESET)
    page.fill("#confirm_password", RESET + "?")
    page.click("#password-form button[type=submit]")
    assert page.locator("#field-confirm_password .error").inner_text() == "两次输入的新密码不一致"
    look(page, violations, shots, "user")
    page.fill("#new_password", RESET)
    page.fill("#confirm_password", RESET)
    page.click("#password-form button[type=submit]")
    page.wait_for_selector("text=已重设")

    page.context.clear_cookies()
    page.goto(address + "/login")
    page.fill("input[name=username]", CLERK_LOGIN)
    page.fill("input[name=password]", RESET)
    page.click("button[type=submit]")
    page.wait_for_url(address + "/")
    assert page.locator(".who").inner_text() == "周文书（办事员）"
    page.click(".who")
    page.fill("#current_password", RESET)
    page.fill("#new_password", OWN)
    page.fill("#confirm_password", OWN)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=密码已修改")
    look(page, violations, shots, "account-password")
