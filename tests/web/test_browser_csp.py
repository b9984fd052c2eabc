"""Browser test: every main page works in Chromium under the Content-Security-Policy, with no violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Dialog, Page

from service import create_app
from service.acts.issuing import issue_document
from service.render.office.pool import OfficePool
from tests.batch.conftest import common_facts, unit_names
from tests.conftest import PASSWORD, add_user, sample
from tests.web.batch_client import KIND, csv_bytes
from tests.web.conftest import serving, sign_in

pytestmark = pytest.mark.office
# Run before each page's own scripts: report violations to the console, and print into a counter.
WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("Content Security Policy violation: " + event.violatedDirective + " " + event.blockedURI);
});
window.print = () => { window.printed = (window.printed || 0) + 1; };
"""


class Violations:
    """CSP violations and script errors a page reported, read and emptied per page."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.seen.append(f"script error: {error}"))

    def console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.seen.append(message.text)

    def take(self) -> list[str]:
        """Return what was reported since the last call."""
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture
def site(tmp_path: Path, office_pool: OfficePool) -> Iterator[tuple[Flask, str]]:
    """The app on a live loopback server, CSRF on, with a clerk, a maintainer, an administrator and one document."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    add_user(app, "维护员", "maintainer")
    add_user(app, "管理员", "admin")
    kind = "supervision_notice"
    issue_document(app.extensions["wenshu"], kind, sample(kind), "王文书")
    with serving(app) as address:
        yield app, address
    app.extensions["wenshu"].database.dispose()


def visit(page: Page, violations: Violations, url: str, shots: Path | None = None) -> None:
    """Open a page, assert that it loaded with no violation, and photograph it at 1280 and 390 wide."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    assert violations.take() == [], url
    if shots is not None:
        photograph(page, shots)


def photograph(page: Page, path: Path) -> None:
    """Save full-page screenshots of the page at desktop and phone widths."""
    for width, height in [(1280, 800), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(path.with_name(f"{path.name}-{width}.png")), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def sign_in_as(page: Page, address: str, username: str) -> None:
    """Sign out if signed in, then sign in as username."""
    page.context.clear_cookies()
    page.goto(address + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(address + "/")


def answer(page: Page, accept: bool) -> list[str]:
    """Answer the page's next confirm() so; return a list that will hold the question asked."""
    asked: list[str] = []

    def reply(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", reply)
    return asked


def test_every_page_works_under_the_policy(
    site: tuple[Flask, str], page: Page, tmp_path: Path
) -> None:
    """This test ensures that Chromium enforces the policy and every main page, with its buttons and scripts, works under it."""
    _, address = site
    shots = tmp_path / "shots"
    shots.mkdir()
    violations = Violations(page)
    visit(page, violations, address + "/login", shots / "login")
    # The policy is in force: an inline script is refused, and the refusal is seen.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
    )
    assert page.evaluate("() => window.inlineRan") is None
    assert any("script-src" in seen for seen in violations.take())

    sign_in(page, address)
    for path in ["/", "/documents", "/deadlines", "/archive", "/archive/report", "/batch"]:
        visit(page, violations, address + path)

    visit(page, violations, address + "/archive/documents/1", shots / "four-properties")
    page.click("button[data-print]")
    assert page.evaluate("() => window.printed") == 1

    visit(page, violations, address + "/documents/new/inspection_record")
    rows = page.locator("ol.rows").first.locator(":scope > li")
    before = rows.count()
    page.locator("button.add-row").first.click()
    assert rows.count() == before + 1  # rows.js runs

    # A draft, deleted from the home page only once the question is answered yes.
    visit(page, violations, address + "/documents/new/supervision_notice")
    page.fill("#inspected_body", "岳阳市君山区钱粮湖镇人民政府")
    page.click("button[value=draft]")
    page.wait_for_url("**/documents/new/supervision_notice?draft=*")
    visit(page, violations, address + "/", shots / "home-draft")
    asked = answer(page, accept=False)
    page.click("table.drafts button[data-confirm]")
    assert asked == ["删除这份草稿？"] and page.locator("table.drafts").count() == 1
    asked = answer(page, accept=True)
    page.click("table.drafts button[data-confirm]")
    page.wait_for_load_state("networkidle")
    assert asked == ["删除这份草稿？"] and page.locator("table.drafts").count() == 0

    # The first-page preview is a data: image, which the policy allows.
    page.goto(address + "/documents/new/supervision_notice")
    for field, value in sample("supervision_notice").items():
        if isinstance(value, str) and page.locator(f"#{field}").count():
            if page.locator(f"select#{field}").count():
                page.select_option(f"#{field}", value)
            else:
                page.fill(f"#{field}", value)
    page.click("button[value=preview]")
    preview = page.locator("section.preview img")
    preview.wait_for()
    assert preview.evaluate("image => image.complete && image.naturalWidth > 0")
    assert violations.take() == []

    # Voiding asks first, with the 文号 as plain text.
    visit(page, violations, address + "/documents/1", shots / "document")
    page.click("details.void summary")
    page.fill("#reason", "文书有误")
    asked = answer(page, accept=False)
    page.click("details.void button[data-confirm]")
    assert asked == ["确定作废 君档监通〔2026〕1号？作废后不能撤销。"]
    assert page.url == address + "/documents/1" and "已作废" not in page.inner_text("main")

    # A batch job's page follows its progress from its script file.
    visit(page, violations, address + "/batch")
    page.select_option("#kind", KIND)  # the kind opens its own form
    page.wait_for_selector("#batch-form")
    for name, value in common_facts(KIND).items():
        page.fill(f"#batch-form [name={name}]", str(value))
    table = tmp_path / "主送单位.csv"
    table.write_bytes(csv_bytes(unit_names(3)))
    page.set_input_files("#recipients", str(table))
    page.click("#batch-form button[value=batch]")
    page.wait_for_url("**/batch/1")
    page.wait_for_selector("#outputs:not([hidden])", timeout=60_000)
    assert page.inner_text("#done-total") == "3 / 3 份"
    assert page.eval_on_selector("#bar", "bar => bar.value / bar.max") == 1
    assert violations.take() == []
    photograph(page, shots / "batch-job")

    sign_in_as(page, address, "维护员")
    for path in ["/templates", "/templates/supervision_notice"]:
        visit(page, violations, address + path)
    sign_in_as(page, address, "管理员")
    visit(page, violations, address + "/admin/users", shots / "users")

    # The login page's refusal after too many failures.
    page.context.clear_cookies()
    for _ in range(5):
        page.goto(address + "/login")
        page.fill("input[name=username]", "维护员")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
    assert "已暂停登录" in page.inner_text("main .alert")
    assert page.input_value("input[name=username]") == "维护员"
    assert violations.take() == []
    photograph(page, shots / "login-locked")
