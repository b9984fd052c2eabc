"""Browser tests of the form's helpers: pickers, computed totals, removable rows, hidden fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from service import create_app
from service.acts.issuing import issue_document
from service.database.models import Officer, Unit
from tests.conftest import sample
from tests.fake_office import BlankPageOffice
from tests.web.conftest import serving, sign_in

UNIT = Unit(
    name="岳阳市君山区钱粮湖镇人民政府",
    credit_code="11430621MB1C49873U",
    address="岳阳市君山区钱粮湖镇农场路1号",
    representative="李镇长",
    town="钱粮湖镇",
    category="机关",
)
OFFICERS = [
    Officer(name="李过期", certificate="43060011", valid_until=dt.date(2020, 1, 31)),
    Officer(name="李有效", certificate="43060012", valid_until=dt.date(2099, 12, 31)),
]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """The app on a loopback port (blank pages instead of LibreOffice), with a unit and two officers."""
    app = create_app({"instance_path": tmp_path / "instance", "converter": BlankPageOffice()})
    with app.extensions["wenshu"].database.session() as session:
        for record in (UNIT, *OFFICERS):
            session.merge(record)
    with serving(app) as address:
        yield address, app
    app.extensions["wenshu"].database.dispose()


def shoot(page: Page, folder: Path, name: str) -> None:
    """Save a full-page screenshot at 1280 px and at a phone's 390 px (to look at, not compared)."""
    width = page.viewport_size["width"] if page.viewport_size else 1280
    page.screenshot(path=str(folder / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 800})


def sent(page: Page, name: str) -> bool:
    """Return whether submitting the instrument form now would send a field of this name."""
    return bool(
        page.evaluate(
            "name => new FormData(document.getElementById('instrument-form')).has(name)", name
        )
    )


def test_unit_picker_fills_the_party_and_a_person_has_no_representative(
    served: tuple[str, Flask], page: Page, tmp_path: Path
) -> None:
    """This test ensures that a unit picked from the directory fills the party's code, address and
    representative, and that a 个人 party hides 法定代表人 (not sent) and keeps it for a unit."""
    address, _ = served
    sign_in(page, address)
    page.goto(address + "/documents/new/case_opening")
    page.fill("#party_name", "钱粮湖")
    option = page.locator("ul.picker:visible li[role=option]", has_text=UNIT.name)
    expect(option).to_be_visible()
    expect(option).to_contain_text(UNIT.credit_code)
    shoot(page, tmp_path, "picker-unit")
    option.click()
    expect(page.locator("ul.picker")).to_be_hidden()
    assert page.input_value("#party_name") == UNIT.name
    assert page.input_value("#party_id") == UNIT.credit_code
    assert page.input_value("#party_address") == UNIT.address
    assert page.input_value("#legal_representative") == UNIT.representative

    page.select_option("#party_type", "个人")
    expect(page.locator("#field-legal_representative")).to_be_hidden()
    assert not sent(page, "legal_representative")
    page.select_option("#party_type", "单位")
    expect(page.locator("#field-legal_representative")).to_be_visible()
    assert page.input_value("#legal_representative") == UNIT.representative  # kept
    assert sent(page, "legal_representative")

    expect(page.locator("#field-source_detail")).to_be_hidden()  # no source chosen yet
    page.select_option("#source", "其他机关移送")
    expect(page.locator("#field-source_detail")).to_be_visible()
    page.fill("#party_name", "没有这个单位")
    page.wait_for_timeout(500)  # the lookup has answered: nothing to suggest, nothing in the way
    expect(page.locator("ul.picker")).to_be_hidden()
    assert page.input_value("#party_name") == "没有这个单位"


def test_officer_picker_fills_the_certificate_and_refuses_an_expired_one(
    served: tuple[str, Flask], page: Page, tmp_path: Path
) -> None:
    """This test ensures that an officer's name suggests from the directory and fills the 执法证号,
    an expired certificate is shown marked and cannot be picked, and Enter picks without submitting."""
    address, _ = served
    sign_in(page, address)
    page.goto(address + "/documents/new/case_opening")
    page.fill("#officers-0-name", "李")
    expired = page.locator("ul.picker:visible li[role=option]", has_text="李过期")
    expect(expired).to_have_attribute("aria-disabled", "true")
    expect(expired).to_contain_text("执法证已过期")
    shoot(page, tmp_path, "picker-officer")
    expired.click()
    assert page.input_value("#officers-0-name") == "李"  # nothing picked
    assert page.input_value("#officers-0-certificate") == ""

    page.press("#officers-0-name", "ArrowDown")  # the expired one is skipped
    page.press("#officers-0-name", "Enter")
    assert page.input_value("#officers-0-name") == "李有效"
    assert page.input_value("#officers-0-certificate") == "43060012"
    assert page.url.endswith("/documents/new/case_opening")  # Enter picked; nothing was posted

    page.fill("#officers-1-name", "李有")  # the second row has its own picker
    page.locator("ul.picker:visible li[role=option]", has_text="李有效").click()
    assert page.input_value("#officers-1-certificate") == "43060012"


def test_review_decision_picks_its_notice_from_the_archive(
    served: tuple[str, Flask], page: Page, tmp_path: Path
) -> None:
    """This test ensures that a review decision's notice is picked from the archive by 文号 or unit,
    filling the applicant and the issuer, and that the 文号 stays typeable."""
    address, app = served
    facts = sample("supervision_notice")
    notice = issue_document(app.extensions["wenshu"], "supervision_notice", facts, "王文书")
    sign_in(page, address)
    page.goto(address + "/documents/new/review_decision")
    page.fill("#issuer", "")
    page.fill("#notice_number", "钱粮湖")
    option = page.locator("ul.picker:visible li[role=option]", has_text=notice.number)
    expect(option).to_contain_text(facts["issue_date"])
    shoot(page, tmp_path, "picker-notice")
    option.click()
    assert page.input_value("#notice_number") == notice.number
    assert page.input_value("#applicant") == facts["inspected_body"]
    assert page.input_value("#issuer") == facts["issuer"]
    page.fill("#notice_number", "君档监通〔2026〕9号")  # typed by hand as before
    assert page.input_value("#notice_number") == "君档监通〔2026〕9号"

    expect(page.locator("#field-changed_decision")).to_be_hidden()
    page.select_option("#finding", "变更")
    expect(page.locator("#field-changed_decision")).to_be_visible()


def test_total_is_computed_and_rows_are_removed(
    served: tuple[str, Flask], page: Page, tmp_path: Path
) -> None:
    """This test ensures that 复制页数合计 is the sum of the rows' 复制页数 as rows are filled, added
    and removed, that the rows are numbered again after a removal, and that a list keeps the rows
    its rule needs (two officers)."""
    address, _ = served
    sign_in(page, address)
    page.goto(address + "/documents/new/access_register")
    total = page.locator("#copies")
    expect(total).to_have_attribute("readonly", "")
    rows = page.locator("#field-records ol.rows > li")
    while rows.count() < 2:
        page.click("#field-records .add-row")
    page.fill("#records-0-reference", "J001-2020-1")
    page.fill("#records-0-copied_pages", "3")
    page.fill("#records-1-reference", "J001-2020-2")
    page.fill("#records-1-copied_pages", "4")
    expect(total).to_have_value("7")
    page.click("#field-records .add-row")
    page.fill("#records-2-copied_pages", "5")
    expect(total).to_have_value("12")
    shoot(page, tmp_path, "rows-total")

    rows.nth(0).locator(".remove-row").click()
    expect(total).to_have_value("9")
    assert page.input_value("#records-0-reference") == "J001-2020-2"  # numbered from 0 again
    assert page.input_value("#records-1-copied_pages") == "5"
    expect(rows.nth(1).locator(".row-number")).to_have_text("第2项")
    rows.nth(1).locator(".remove-row").click()
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator(".remove-row")).to_be_disabled()  # one row to copy from stays
    expect(total).to_have_value("4")

    page.goto(address + "/documents/new/case_opening")
    officers = page.locator("#field-officers ol.rows > li")
    expect(officers).to_have_count(2)
    expect(officers.locator(".remove-row").first).to_be_disabled()  # 2 officers at least
    page.click("#field-officers .add-row")
    expect(officers.locator(".remove-row").first).to_be_enabled()
    page.fill("#officers-2-name", "第三人")
    officers.nth(0).locator(".remove-row").click()
    assert page.input_value("#officers-1-name") == "第三人"
    expect(officers.locator(".remove-row").first).to_be_disabled()
