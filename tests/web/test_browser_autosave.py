"""Browser test: in Chromium a form keeps its draft as the clerk types, and the session's end loses nothing."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from playwright.sync_api import Page, expect

from service import create_app
from service.render.office.converter import Converter
from tests.conftest import PASSWORD
from tests.web.clock import clocked
from tests.web.conftest import CLERK, serving
from tests.web.conftest import sign_in as sign_in_page
from tests.web.test_browser_csp import Violations, photograph

FORM = "/documents/new/supervision_notice"
EXPIRED = "登录已过期，已输入的内容已保存，请重新登录"
RESTORED = "已恢复登录失效前填写的内容，尚未提交：请核对后重新提交。"
TYPED = {
    "#inspected_body": "岳阳市君山区钱粮湖镇人民政府",
    "#facts": "2026年2月10日抽查发现，你单位检查时仅1名执法人员参加。\n未出示执法证件。",
}
AFTER_THE_END = {
    "#reasons": "违反“2名以上执法人员参加，并出示有效证件”的要求。",
    "#decision": "重新组织检查，由2名以上持证执法人员参加。",
}


def sign_in_again(page: Page) -> None:
    """Sign in on the sign-in page the browser was sent to."""
    page.fill("input[name=username]", CLERK)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")


def assert_everything_typed(page: Page) -> None:
    """Assert that the form shows every field typed, before and after the session ended."""
    for selector, value in (TYPED | AFTER_THE_END).items():
        assert page.input_value(selector) == value, selector


def test_a_session_that_ends_while_typing_loses_nothing(
    tmp_path: Path, converter: Converter, page: Page
) -> None:
    """This test ensures that in Chromium the form autosaves its draft, says when the session has ended with a link back, and that a submit or a reload after the end returns, once signed in again, to the form with everything typed."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": converter})
    clock = clocked(app)
    shots = tmp_path / "shots"
    shots.mkdir()
    violations = Violations(page)
    with serving(app) as address:
        sign_in_page(page, address)
        page.goto(address + FORM)
        for selector, value in TYPED.items():
            page.fill(selector, value)
        saved = page.locator("p.autosave")
        expect(saved).to_contain_text(re.compile(r"已自动保存 \d\d:\d\d"), timeout=10_000)
        draft_id = page.input_value("input[name=draft_id]")
        assert page.url == f"{address}{FORM}?draft={draft_id}"
        photograph(page, shots / "form-autosaved")

        clock.advance(minutes=31)  # the server ends the session; the browser still has its cookie
        page.fill("#reasons", AFTER_THE_END["#reasons"])
        ended = page.locator("p.autosave-ended")
        expect(ended).to_have_text(EXPIRED, timeout=10_000)
        link = ended.locator("a")
        assert link.inner_text() == "重新登录"
        login = urlsplit(link.get_attribute("href") or "")
        assert login.path == "/login"
        assert parse_qs(login.query)["next"] == [f"{FORM}?draft={draft_id}"]
        photograph(page, shots / "form-expired")
        page.fill("#decision", AFTER_THE_END["#decision"])
        page.click("#instrument-form .actions button[value=review]")
        page.wait_for_url(re.compile(r"/login\?next="))
        assert "您填写的内容已保留，重新登录后将回到表单" in page.inner_text("main")
        sign_in_again(page)
        page.wait_for_url(re.compile(re.escape(address + FORM)))
        assert RESTORED in page.inner_text("main")
        assert_everything_typed(page)
        assert page.input_value("input[name=draft_id]") == draft_id
        # What came back is kept in its draft at once, and the address names the draft again.
        page.wait_for_url(f"{address}{FORM}?draft={draft_id}")
        expect(saved).to_contain_text("已自动保存", timeout=10_000)

        clock.advance(minutes=31)
        page.context.clear_cookies(name="session")  # as the browser does at the idle limit
        page.reload()
        page.wait_for_url(re.compile(r"/login\?next="))
        sign_in_again(page)
        page.wait_for_url(f"{address}{FORM}?draft={draft_id}")
        assert_everything_typed(page)
        photograph(page, shots / "form-after-reload")
        assert violations.take() == []
    app.extensions["wenshu"].database.dispose()


def test_a_form_left_untouched_keeps_no_draft(
    tmp_path: Path, converter: Converter, page: Page
) -> None:
    """This test ensures that a row added, a default chosen again, then the page left, saves no draft; typing does."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": converter})
    with serving(app) as address:
        sign_in_page(page, address)
        page.goto(address + "/documents/new/inspection_record")
        page.locator("button.add-row").first.click()
        page.wait_for_timeout(3500)  # past the pause after which a typed form is saved
        page.goto(address + "/")
        page.wait_for_load_state("networkidle")
        assert page.locator("table.drafts").count() == 0
        page.goto(address + "/documents/new/inspection_record")
        page.locator("button.add-row").first.click()
        page.fill("#unit", "岳阳市君山区钱粮湖镇人民政府")
        expect(page.locator("p.autosave")).to_contain_text("已自动保存", timeout=10_000)
        page.goto(address + "/")
        assert page.locator("table.drafts").count() == 1
