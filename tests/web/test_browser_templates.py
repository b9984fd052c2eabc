"""Browser test: a maintainer downloads a template under its Chinese name, edits it, re-uploads, publishes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from service import create_app
from service.acts.issuing import issue_document
from service.render.office.pool import OfficePool
from tests import pdfcheck
from tests.conftest import PASSWORD, add_user, sample
from tests.layouts.test_preview import with_gradient
from tests.layouts.test_versions import MARKER
from tests.web.conftest import serving

pytestmark = pytest.mark.office
MAINTAINER = "赵维护"
KIND = "supervision_notice"


@pytest.fixture
def served(tmp_path: Path, office_pool: OfficePool) -> Iterator[tuple[str, Flask]]:
    """The app served on loopback with a template maintainer; yield its address and the app."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    add_user(app, MAINTAINER, "maintainer")
    with serving(app) as address:
        yield address, app
    app.extensions["wenshu"].database.dispose()


def sign_in_maintainer(page: Page, address: str) -> None:
    """Sign the page in as the template maintainer and wait for the home page."""
    page.goto(address + "/login")
    page.fill("input[name=username]", MAINTAINER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(address + "/")


def edited(docx: Path) -> Path:
    """Return a copy of the DOCX with its wording changed, as a maintainer would in Word."""
    changed = docx.with_name("edited.docx")
    with (
        zipfile.ZipFile(docx) as source,
        zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace("本局依法".encode(), (MARKER + "本局依法").encode(), 1)
            out.writestr(item, data)
    return changed


def test_download_edit_upload_and_publish(
    served: tuple[str, Flask], page: Page, tmp_path: Path
) -> None:
    """This test ensures that a maintainer's download is named in Chinese and its edit publishes."""
    address, app = served
    sign_in_maintainer(page, address)
    page.click("header nav >> text=模板")
    page.click("text=执法监督通知（决定）书")
    with page.expect_download() as download_info:
        page.click("text=下载 DOCX")
    download = download_info.value
    assert download.suggested_filename == "执法监督通知（决定）书-第1版.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert zipfile.is_zipfile(io.BytesIO(saved.read_bytes()))

    page.set_input_files("#template", str(edited(saved)))
    page.fill("#note", "措辞调整")
    page.click("text=上传并检查")
    page.wait_for_url("**/candidates/**")
    page.screenshot(path=str(tmp_path / "candidate.png"), full_page=True)
    assert "新上传（未发布）" in page.inner_text("main")
    page.click("text=发布并启用")
    page.wait_for_url(address + f"/templates/{KIND}")
    assert "已发布并启用第2版" in page.inner_text("main")

    with page.expect_download() as again:
        page.click("tr:has-text('第2版') >> text=下载 DOCX")
    assert again.value.suggested_filename == "执法监督通知（决定）书-第2版.docx"
    services = app.extensions["wenshu"]
    issued = issue_document(services, KIND, sample(KIND), "王文书")
    assert issued.template_version == 2
    assert MARKER in pdfcheck.poppler_text(services.archive.absolute(issued.pdf_path))


def test_a_gradient_the_ofd_cannot_carry_is_named_and_not_offered_for_publishing(
    served: tuple[str, Flask], page: Page, tmp_path: Path
) -> None:
    """This test ensures that the candidate page says, at desktop and phone widths, which page draws what the OFD cannot carry, with no 发布."""
    address, _app = served
    sign_in_maintainer(page, address)
    page.goto(address + f"/templates/{KIND}")
    template = tmp_path / "渐变.docx"
    template.write_bytes(with_gradient())
    page.set_input_files("#template", str(template))
    page.click("text=上传并检查")
    page.wait_for_url("**/candidates/**")
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"candidate-{width}.png"), full_page=True)
        main = page.inner_text("main")
        assert "无法同时写成 OFD 版式文件，暂不能发布" in main
        assert "第 1 页使用了渐变填充" in main
        assert page.locator("text=发布并启用").count() == 0
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow
