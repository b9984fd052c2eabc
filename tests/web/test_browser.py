"""Browser test: Debian's Chromium, driven by Playwright, through the clerk's whole path."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD

pytestmark = pytest.mark.office


def test_fill_fix_issue_and_open_pdf(live_server: str, page: Page, tmp_path: Path) -> None:
    """This test ensures that a clerk can fill the form, see an error, fix it, issue and open the PDF."""
    page.goto(live_server + "/")
    assert page.url.endswith("/login?next=%2F")  # anonymous visitors see only the login page
    page.fill("input[name=username]", "王文书")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("#field-password")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")
    page.click("text=执法监督通知（决定）书")
    assert page.input_value("#issuer") == "岳阳市君山区史志档案局"
    page.fill("#inspected_body", "岳阳市君山区钱粮湖镇人民政府")
    page.select_option("#situation", "行政执法程序违法或者不当")
    page.fill("#facts", "2026年2月10日抽查发现，你单位检查时仅1名执法人员参加。\n未出示执法证件。")
    page.fill("#reasons", "违反“2名以上执法人员参加，并出示有效证件”的要求。")
    page.select_option("#decision_type", "责令纠正")
    page.fill("#decision", "重新组织检查，由2名以上持证执法人员参加。")
    page.fill("#legal_basis", "《君山区对属地管理的行政执法职权的监督检查制度》第四条")
    page.fill("#execution_manner", "制定整改方案，整改材料报本局备案。")
    page.fill("#issue_date", "2026-03-05")
    page.fill("#deadline", "2026-03-01")  # before the issue date: refused
    page.click("form.instrument button[value=review]")
    error = page.locator("#field-deadline .error")
    assert error.inner_text() == "执行期限应当晚于成文日期"
    assert page.input_value("#inspected_body") == "岳阳市君山区钱粮湖镇人民政府"
    page.screenshot(path=str(tmp_path / "form-error.png"), full_page=True)

    page.fill("#deadline", "2026-04-10")
    page.click("form.instrument button[value=review]")
    assert "文号尚未占用" in page.inner_text("main")
    page.click("#review-form button[value=confirm]")
    page.wait_for_url("**/documents/*")
    assert "君档监通〔2026〕1号" in page.inner_text("h1")
    page.screenshot(path=str(tmp_path / "issued.png"), full_page=True)

    href = page.get_attribute("text=打开 PDF 打印", "href")
    assert href is not None
    response = page.request.get(live_server + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
