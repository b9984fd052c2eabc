"""Browser test: a case opened, approved, returned and worked in Chromium, at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from service import create_app
from service.acts.issuing import issue_document
from service.archive.units import import_units
from tests.conftest import add_user, sample
from tests.fake_office import BlankPageOffice
from tests.web.conftest import CLERK, serving
from tests.web.test_browser_csp import Violations, sign_in_as
from tests.web.test_cases import UNITS

HEAD = "刘建平"
WIDTHS = ((1280, 800), (390, 844))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """The app on a live loopback server, CSRF on, with a clerk, a head and the unit directory.

    The pages only pass the PDFs along, so blank pages stand in for LibreOffice.
    """
    app: Flask = create_app(
        {"instance_path": tmp_path / "instance", "converter": BlankPageOffice()}
    )
    add_user(app, HEAD, "head")
    with app.extensions["wenshu"].database.session() as session:
        import_units(session, UNITS)
    with serving(app) as address:
        yield app, address
    app.extensions["wenshu"].database.dispose()


def look(page: Page, violations: Violations, shots: Path, name: str) -> None:
    """Photograph the page at each width; assert that it broke no policy and never scrolls sideways."""
    page.wait_for_load_state("networkidle")
    assert violations.take() == [], name
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide at {width}"
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def fill_case_opening(page: Page) -> None:
    """Type the sample 立案审批表 into its form, as a clerk would."""
    facts = sample("case_opening")
    # The choices first: 案件来源说明 shows only for a source that needs it.
    page.select_option("#party_type", facts["party_type"])
    page.select_option("#source", facts["source"])
    for name in ("cause", "party_name", "party_id", "legal_representative", "party_address",
                 "source_detail", "summary", "proposal"):  # fmt: skip
        page.fill(f"#{name}", facts[name])
    page.fill("#received_date", facts["received_date"])
    page.fill("#opening_date", facts["opening_date"])
    for index, officer in enumerate(facts["officers"]):
        page.fill(f"#officers-{index}-name", officer["name"])
        page.fill(f"#officers-{index}-certificate", officer["certificate"])


def test_a_case_in_the_browser(site: tuple[Flask, str], page: Page, tmp_path: Path) -> None:
    """This test ensures that a clerk opens a case, the head approves and returns, and every case page reads at 1280 and 390 px."""
    app, address = site
    shots = tmp_path / "shots"
    shots.mkdir()
    violations = Violations(page)
    sign_in_as(page, address, CLERK)
    page.click("nav >> text=案件")
    look(page, violations, shots, "cases-empty")

    page.click("main >> text=立案")
    page.wait_for_url("**/cases/new")
    page.click("button[value=review]")  # empty: refused at the fields
    assert "请填写" in page.inner_text("#field-cause")
    look(page, violations, shots, "case-new-refused")
    page.goto(address + "/cases/new")
    fill_case_opening(page)
    page.click("button[value=review]")
    assert "尚未提交，也未编号" in page.inner_text("main")
    look(page, violations, shots, "case-review")
    page.click("#review-form button[value=confirm]")
    page.wait_for_url("**/cases/*")
    assert "已提交负责人审批" in page.inner_text("main")
    assert page.inner_text("ol.steps [aria-current=step]") == "立案审批"
    look(page, violations, shots, "case-awaiting")
    case_url = page.url

    sign_in_as(page, address, HEAD)
    page.click("nav >> text=待审批")
    look(page, violations, shots, "approvals")
    page.fill("textarea[name=opinion]", "同意立案调查")
    page.click("text=批准并编号")
    page.wait_for_url("**/documents/*")
    assert "君档立〔2026〕1号" in page.inner_text("h1")

    case_id = int(case_url.rsplit("/", 1)[1])
    wenshu = app.extensions["wenshu"]
    issue_document(wenshu, "inquiry_record", sample("inquiry_record"), CLERK, case_id=case_id)
    sign_in_as(page, address, CLERK)
    page.goto(case_url)
    assert page.inner_text("ol.steps [aria-current=step]") == "调查"
    assert "负责人批准：立案审批表" in page.inner_text("ol.timeline")
    page.click("summary >> text=申请延长办案期限")
    page.click("#extension button[type=submit]")
    assert "1至90之间的整数" in page.inner_text("#field-days")
    look(page, violations, shots, "case-opened")

    page.click("text=现场检查（勘验）笔录")
    page.wait_for_url("**/documents/new/site_record?case=*")
    assert "君档立〔2026〕1号" in page.inner_text(".case-line")
    look(page, violations, shots, "case-form")

    # A second case, returned by the head with his reason, which the clerk reads on its page.
    page.goto(address + "/cases/new")
    fill_case_opening(page)
    page.fill("#cause", "岳阳君信档案数字化服务有限公司未按规定移交档案案")
    page.click("button[value=review]")
    page.click("#review-form button[value=confirm]")
    page.wait_for_url("**/cases/*")
    second = page.url
    sign_in_as(page, address, HEAD)
    page.goto(address + "/approvals")
    page.fill("textarea[name=reason]", "案件来源说明不清，请补充移送函的文号")
    page.click("button:text('退回')")
    page.wait_for_url(second)
    sign_in_as(page, address, CLERK)
    page.goto(second)
    assert "案件来源说明不清" in page.inner_text("section.returned")
    look(page, violations, shots, "case-returned")
    page.goto(address + "/cases")
    look(page, violations, shots, "cases")
