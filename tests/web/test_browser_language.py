"""Browser test: the interface in English on ?lang=en, kept while signing in, and back in Chinese."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.conftest import PASSWORD
from tests.web.conftest import CLERK

WIDTHS = (1280, 390)


def screenshots(page: Page, folder: Path, name: str) -> None:
    """Save the page at a desktop and a phone width, full length."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})


def test_english_interface_on_lang_en(live_server: str, page: Page, tmp_path: Path) -> None:
    """This test ensures that ?lang=en shows the interface in English until 中文 is chosen."""
    page.goto(live_server + "/login?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Sign in"
    assert page.inner_text("label[for=username]") == "User name"
    screenshots(page, tmp_path, "login-en")
    page.fill("input[name=username]", CLERK)
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "Wrong user name or password" in page.inner_text("#field-password")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")
    nav = page.inner_text("header nav")
    assert "Register" in nav and "Due dates" in nav and "Sign out" in nav
    assert "文书登记簿" not in nav
    screenshots(page, tmp_path, "home-en")

    page.click("header nav >> text=Register")
    assert page.inner_text("h1") == "Register"
    assert page.inner_text("label[for=number]") == "Document no."
    assert page.inner_text("label[for=recipient]") == "Addressed to (unit or person)"
    assert "No documents match." in page.inner_text("main")
    screenshots(page, tmp_path, "register-en")

    page.click("header nav >> text=Due dates")
    assert page.inner_text("h1") == "Due dates"
    assert "Due in the next" in page.inner_text("main")
    screenshots(page, tmp_path, "deadlines-en")

    page.goto(live_server + "/documents/new/supervision_notice")
    actions = page.inner_text("form.instrument .actions")
    assert "Issue and number" in actions and "Save draft" in actions
    assert "被检查单位名称" in page.inner_text("label[for=inspected_body]")  # the instrument's own
    screenshots(page, tmp_path, "form-en")

    page.click("header .languages >> text=中文")
    assert "生成并编号" in page.inner_text("form.instrument .actions")
    page.click("header nav >> text=到期事项")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("h1") == "到期事项"
    assert "退出" in page.inner_text("header nav")
    page.click("header nav >> text=文书登记簿")
    assert page.inner_text("h1") == "文书登记簿"  # Chinese is kept too
    assert page.locator("header .languages a", has_text="English").count() == 1
    screenshots(page, tmp_path, "register-zh")
