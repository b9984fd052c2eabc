"""Browser test: a clerk saves a draft, finds it on the home page, resumes it, previews and issues it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.web.conftest import sign_in

pytestmark = pytest.mark.office


def test_draft_resume_preview_issue(live_server: str, page: Page, tmp_path: Path) -> None:
    """This test ensures that a clerk can save half a form, resume it from home, preview it and issue it."""
    sign_in(page, live_server)
    page.click("text=执法监督通知（决定）书")
    page.fill("#inspected_body", "岳阳市君山区钱粮湖镇人民政府")
    page.select_option("#situation", "行政执法程序违法或者不当")
    page.fill("#facts", "2026年2月10日抽查发现，你单位检查时仅1名执法人员参加。\n未出示执法证件。")
    page.click("button[value=draft]")
    page.wait_for_url("**/documents/new/supervision_notice?draft=*")
    assert "草稿已保存" in page.inner_text("main")
    assert page.locator(".error").count() == 0  # a draft is not checked

    page.goto(live_server + "/")
    drafts = page.locator("table.drafts")
    assert "执法监督通知（决定）书" in drafts.inner_text()
    assert "岳阳市君山区钱粮湖镇人民政府" in drafts.inner_text()
    page.screenshot(path=str(tmp_path / "home-drafts.png"), full_page=True)

    drafts.locator("text=继续填写").click()
    page.wait_for_url("**/documents/new/supervision_notice?draft=*")
    assert page.input_value("#inspected_body") == "岳阳市君山区钱粮湖镇人民政府"
    assert page.input_value("#situation") == "行政执法程序违法或者不当"
    assert page.input_value("#facts").startswith("2026年2月10日抽查发现")
    page.fill("#reasons", "违反“2名以上执法人员参加，并出示有效证件”的要求。")
    page.select_option("#decision_type", "责令纠正")
    page.fill("#decision", "重新组织检查，由2名以上持证执法人员参加。")
    page.fill("#legal_basis", "《君山区对属地管理的行政执法职权的监督检查制度》第四条")
    page.fill("#execution_manner", "制定整改方案，整改材料报本局备案。")
    page.fill("#issue_date", "2026-03-05")
    page.fill("#deadline", "2026-04-10")
    page.click("button[value=preview]")
    preview = page.locator("section.preview img")
    preview.wait_for()
    assert preview.evaluate("image => image.complete && image.naturalWidth > 0")
    assert "预览（未编号，未归档）" in page.inner_text("section.preview")
    assert page.input_value("#deadline") == "2026-04-10"
    page.screenshot(path=str(tmp_path / "form-preview.png"))
    page.screenshot(path=str(tmp_path / "form-preview-full.png"), full_page=True)

    page.click("section.preview button[value=review]")
    page.click("#review-form button[value=confirm]")
    page.wait_for_url("**/documents/*")
    assert "君档监通〔2026〕1号" in page.inner_text("h1")
    page.goto(live_server + "/")
    assert page.locator("table.drafts").count() == 0  # issuing used up the draft
