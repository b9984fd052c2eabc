"""Browser test: an administrator keeps the unit and officer directories, from the template to the list."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Page

from tests.web.conftest import ADMIN
from tests.web.test_browser_cases import look
from tests.web.test_browser_csp import Violations, sign_in_as
from tests.web.test_browser_people import shots_folder


def download_and_fill(page: Page, link: str, rows: list[list[object]], saved: Path) -> Path:
    """Download a directory's import table by its link text, add rows with openpyxl; return it."""
    with page.expect_download() as download:
        page.click(f"text={link}")
    download.value.save_as(saved)
    workbook = load_workbook(saved)
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    workbook.save(saved)
    return saved


def test_directories_in_the_browser(
    admin_site: tuple[Flask, str], page: Page, tmp_path: Path
) -> None:
    """This test ensures that an administrator imports the downloaded tables, sees a bad row named
    with nothing kept, adds an officer, finds an expired one marked, at 1280 and 390 px."""
    _app, address = admin_site
    shots = shots_folder(tmp_path)
    violations = Violations(page)
    sign_in_as(page, address, ADMIN)
    page.click("nav >> text=名录")
    page.wait_for_url(address + "/directory/units")
    look(page, violations, shots, "directory-units-empty")

    bad = [["君山区档案服务中心", "12430611MB1234567A", "", "", "", "事业单位"]]
    table = download_and_fill(page, "下载导入表格模板", bad, tmp_path / "units-bad.xlsx")
    page.set_input_files("#table", str(table))
    page.click("button:has-text('导入')")
    assert "第3行 统一社会信用代码" in page.inner_text("#import-problems")
    assert "没有单位" in page.inner_text("main") or "还没有单位" in page.inner_text("main")
    look(page, violations, shots, "directory-units-refused")

    good = [
        [
            "君山区档案服务中心",
            "12430611MB12345604",
            "君山大道1号",
            "刘洋",
            "柳林洲街道",
            "事业单位",
        ]
    ]
    table = download_and_fill(page, "下载导入表格模板", good, tmp_path / "units.xlsx")
    page.set_input_files("#table", str(table))
    page.click("button:has-text('导入')")
    assert "导入完成：新增2个" in page.inner_text(".notice")
    page.fill("#q", "柳林洲")
    page.click("button:has-text('查找')")
    assert page.locator("table.directory tbody tr").count() == 2
    look(page, violations, shots, "directory-units")

    page.click("text=君山区档案服务中心")
    page.fill("#credit_code", "12345")
    page.click("button:has-text('保存')")
    assert "统一社会信用代码" in page.inner_text("#field-credit_code .error")
    assert page.input_value("#town") == "柳林洲街道"
    look(page, violations, shots, "directory-unit-error")

    page.click("nav.tabs >> text=执法人员名录")
    page.click("text=新增执法人员")
    page.fill("#name", "张华")
    page.fill("#certificate", "43060054321")
    page.fill("#valid_until", "2020-03-01")
    page.click("button:has-text('保存')")
    assert "已保存执法人员：张华" in page.inner_text(".notice")
    officers = [["周晓燕", "43061120210047", "2030-06-30"]]
    table = download_and_fill(page, "下载导入表格模板", officers, tmp_path / "officers.xlsx")
    page.set_input_files("#table", str(table))
    page.click("button:has-text('导入')")
    assert "导入完成：新增2人" in page.inner_text(".notice")
    expired = page.locator("tr.expired")
    assert expired.count() == 1 and "张华" in expired.inner_text()
    look(page, violations, shots, "directory-officers")
    page.click("tr.expired >> button:has-text('停用')")
    assert "已停用" in page.locator("tr.inactive").inner_text()
