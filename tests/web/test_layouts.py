"""Tests of the maintainers' template pages: versions, upload and lint, side by side, publish, roll back."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from service.acts.issuing import issue_document
from service.archive.templates import list_versions
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import PASSWORD, add_user, sample, signed_in
from tests.layouts.test_lint import ALL_FIELDS, rezip, with_paragraphs
from tests.layouts.test_preview import with_gradient
from tests.layouts.test_versions import MARKER, second_version
from tests.web.downloads import attachment_name

ROOT = Path(__file__).resolve().parents[2]
KIND = "supervision_notice"
PAGE = f"/templates/{KIND}"


def services(app: Flask) -> Wenshu:
    """Return the app's services."""
    wenshu: Wenshu = app.extensions["wenshu"]
    return wenshu


def versions(app: Flask) -> list[tuple[int, bool, str, str]]:
    """Return the notice's versions as (number, active, published by, note)."""
    with services(app).database.session() as session:
        return [(v.version, v.active, v.published_by, v.note) for v in list_versions(session, KIND)]


def stored_templates(app: Flask) -> set[str]:
    """Return the names of the files in the instance's template store."""
    return {path.name for path in services(app).templates.root.iterdir()}


def with_narrow_top_margin(data: bytes) -> bytes:
    """Return a template whose top margin is 25 mm instead of 37 mm: published, with a warning."""
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    return rezip(data, {"word/document.xml": document.replace(b'w:top="2098"', b'w:top="1417"')})


def upload(client: FlaskClient, data: bytes, filename: str = "模板.docx", note: str = "") -> Any:
    """Post a file to the notice's upload form; return the response."""
    # Encoded here in memory: the test client spools bodies over 500 KB to a file it never closes.
    fields = {"template": FileStorage(io.BytesIO(data), filename), "note": note}
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        f"{PAGE}/candidates",
        data=body.read(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Content-Length": str(length)},
    )


def shipped_sha() -> str:
    """Return the SHA-256 of the shipped notice template (version 1)."""
    return hashlib.sha256((ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()).hexdigest()


def test_a_clerk_reaches_no_template_route(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a clerk gets 403 on every template route and cannot publish."""
    sha = shipped_sha()
    requests = {
        "layouts.index": ("get", "/templates"),
        "layouts.kind": ("get", PAGE),
        "layouts.download": ("get", f"{PAGE}/versions/1.docx"),
        "layouts.activate": ("post", f"{PAGE}/versions/1/activate"),
        "layouts.upload": ("post", f"{PAGE}/candidates"),
        "layouts.candidate": ("get", f"{PAGE}/candidates/{sha}"),
        "layouts.preview_image": ("get", f"{PAGE}/previews/{sha}/1.png"),
        "layouts.publish": ("post", f"{PAGE}/candidates/{sha}/publish"),
    }
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in routes if e.startswith("layouts.")} == set(requests)
    for method, path in requests.values():
        if path.endswith("/candidates"):
            response = upload(client, second_version())
        else:
            response = getattr(client, method)(path)
        assert response.status_code == 403, path
        assert "没有权限" in response.get_data(as_text=True)
    assert versions(app) == [(1, True, "system", "随系统提供的第1版")]
    assert (
        "模板" not in re.findall(r"<nav>.*?</nav>", client.get("/").get_data(as_text=True), re.S)[0]
    )


def test_list_shows_each_instrument_with_its_active_version(app: Flask) -> None:
    """This test ensures that the template list names every instrument, its active version and count."""
    maintainer = signed_in(app, "maintainer")
    page = maintainer.get("/templates").get_data(as_text=True)
    from service.instruments.registry import INSTRUMENTS

    for kind, instrument in INSTRUMENTS.items():
        assert f'href="/templates/{kind}"' in page
        assert instrument.title in page
    assert page.count("第1版") == len(INSTRUMENTS)


def test_kind_page_lists_versions_and_downloads_them(app: Flask) -> None:
    """This test ensures that a kind's page shows each version's details and serves its DOCX."""
    maintainer = signed_in(app, "maintainer")
    page = maintainer.get(PAGE).get_data(as_text=True)
    for text in [
        "第1版",
        "启用中",
        shipped_sha()[:16],
        "system",
        "随系统提供的第1版",
        "上传并检查",
    ]:
        assert text in page
    assert f'action="{PAGE}/versions/1/activate"' not in page  # the active one has no 启用 button
    download = maintainer.get(f"{PAGE}/versions/1.docx")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert attachment_name(disposition) == f"{get_instrument(KIND).title}-第1版.docx"
    assert hashlib.sha256(download.data).hexdigest() == shipped_sha()
    assert maintainer.get(f"{PAGE}/versions/9.docx").status_code == 404
    assert maintainer.get("/templates/no_such_kind").status_code == 404


@pytest.mark.office
def test_upload_compare_publish_and_roll_back(app: Flask) -> None:
    """This test ensures that a maintainer uploads, sees warnings and both versions' pages, publishes and rolls back."""
    wenshu = services(app)
    before = issue_document(wenshu, KIND, sample(KIND), "王文书")
    archived = wenshu.archive.absolute(before.pdf_path).read_bytes()
    add_user(app, "李模板", "maintainer")
    maintainer = app.test_client()
    maintainer.post("/login", data={"username": "李模板", "password": PASSWORD})

    candidate = with_narrow_top_margin(second_version())
    sha = hashlib.sha256(candidate).hexdigest()
    uploaded = upload(maintainer, candidate, note="措辞调整")
    assert uploaded.status_code == 302
    location = uploaded.headers["Location"]
    assert location.startswith(f"{PAGE}/candidates/{sha}")
    assert versions(app) == [(1, True, "system", "随系统提供的第1版")]  # kept, not published

    page = maintainer.get(location).get_data(as_text=True)
    assert "检查通过，有 1 条提醒" in page
    assert "第1节的页面设置" in page and "上边距为 25.0 毫米" in page and "上 37 毫米" in page
    assert "启用中：第1版" in page and "新上传（未发布）" in page
    assert 'value="措辞调整"' in page
    images = re.findall(r'<img src="([^"]+\.png)"', page)
    assert f"{PAGE}/previews/{shipped_sha()}/1.png" in images
    assert f"{PAGE}/previews/{sha}/1.png" in images
    for image in images:
        response = maintainer.get(image)
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.data.startswith(b"\x89PNG")
    cached = wenshu.settings.instance_path / "template-previews" / KIND / sha
    assert (cached / "1.png").read_bytes() == maintainer.get(f"{PAGE}/previews/{sha}/1.png").data
    assert maintainer.get(f"{PAGE}/previews/{sha}/99.png").status_code == 404
    assert len(list(wenshu.archive.root.rglob("*.pdf"))) == 1  # previews archive nothing

    published = maintainer.post(f"{PAGE}/candidates/{sha}/publish", data={"note": "措辞调整"})
    assert published.status_code == 302 and published.headers["Location"] == PAGE
    assert versions(app) == [
        (1, False, "system", "随系统提供的第1版"),
        (2, True, "李模板", "措辞调整"),
    ]
    assert "已发布并启用第2版" in maintainer.get(PAGE).get_data(as_text=True)

    after = issue_document(wenshu, KIND, sample(KIND), "王文书")
    assert after.template_version == 2
    assert MARKER in pdfcheck.poppler_text(wenshu.archive.absolute(after.pdf_path))
    with wenshu.database.session() as session:
        from service.database.models import Document

        assert session.get(Document, before.id).template_version == 1
    assert wenshu.archive.absolute(before.pdf_path).read_bytes() == archived

    again = maintainer.post(f"{PAGE}/candidates/{sha}/publish", data={"note": "再点一次"})
    assert again.status_code == 302
    assert "与第2版完全相同" in maintainer.get(PAGE).get_data(as_text=True)
    assert len(versions(app)) == 2

    rolled_back = maintainer.post(f"{PAGE}/versions/1/activate")
    assert rolled_back.status_code == 302
    assert "已启用第1版" in maintainer.get(PAGE).get_data(as_text=True)
    assert [active for _, active, _, _ in versions(app)] == [True, False]
    third = issue_document(wenshu, KIND, sample(KIND), "王文书")
    assert third.template_version == 1
    assert MARKER not in pdfcheck.poppler_text(wenshu.archive.absolute(third.pdf_path))
    assert maintainer.post(f"{PAGE}/versions/7/activate").status_code == 404


def corrupt_crc(data: bytes) -> bytes:
    """Return a DOCX whose document.xml no longer matches its CRC-32."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename))
    raw = bytearray(out.getvalue())
    start = raw.index(b"<w:body>")
    raw[start + 1] = ord("W")  # same length, different bytes: the member's CRC check fails
    return bytes(raw)


def xxe(data: bytes) -> bytes:
    """Return a DOCX whose body declares an external entity reading /etc/passwd."""
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    hostile = document.replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1
    )
    return rezip(data, {"word/document.xml": hostile})


HOSTILE = {
    "not a DOCX": (b"%PDF-1.7 not a template", "通知.pdf", "不是 DOCX 文件"),
    "macro-enabled": (
        rezip(with_paragraphs(ALL_FIELDS), {"word/vbaProject.bin": b"\x00" * 100}),
        "宏.docm",
        "含有宏或 ActiveX 控件",
    ),
    "ZIP bomb": (
        rezip(with_paragraphs(ALL_FIELDS), {"word/media/huge.bin": b"\x00" * (60 * 1024 * 1024)}),
        "炸弹.docx",
        "疑似 ZIP 炸弹",
    ),
    "external entity": (xxe(with_paragraphs(ALL_FIELDS)), "实体.docx", "DOCTYPE 或实体声明"),
    "Python internals": (
        with_paragraphs(ALL_FIELDS, "{{ ''.__class__.__mro__ }}"),
        "内部.docx",
        "使用了被禁止的属性 __class__",
    ),
    "corrupt package": (corrupt_crc(with_paragraphs(ALL_FIELDS)), "坏.docx", "文件已损坏"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_uploads_are_refused_and_not_kept(app: Flask, case: str) -> None:
    """This test ensures that each kind of hostile upload is refused with its message and nothing is kept."""
    data, filename, message = HOSTILE[case]
    maintainer = signed_in(app, "maintainer")
    kept = stored_templates(app)
    response = upload(maintainer, data, filename)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"“{filename}”未通过检查，没有保存" in page
    assert message in page
    assert stored_templates(app) == kept
    assert len(versions(app)) == 1


def test_upload_without_a_file_or_too_large(app: Flask) -> None:
    """This test ensures that an empty upload asks for a file and one over the limit gets the 413 page."""
    maintainer = signed_in(app, "maintainer")
    empty = maintainer.post(f"{PAGE}/candidates", data={"note": "x"})
    assert empty.status_code == 422
    assert "请选择要上传的模板文件" in empty.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    large = upload(maintainer, b"PK" + b"\x00" * (128 * 1024))
    assert large.status_code == 413
    assert "提交的内容过大" in large.get_data(as_text=True)


def problem_rows(page: str) -> list[tuple[str, str, str]]:
    """Return the (where, what, what to do) cells of the lint tables on a page."""
    cells = r'<td class="where">(.*?)</td>\s*<td class="what">(.*?)</td>\s*<td class="advice">(.*?)</td>'
    return re.findall(cells, page, re.S)


def test_lint_errors_say_where_what_and_what_to_do(app: Flask) -> None:
    """This test ensures that a refused template's report names each problem's place, the problem and the fix."""
    maintainer = signed_in(app, "maintainer")
    unknown = upload(maintainer, with_paragraphs(ALL_FIELDS, "罚款金额：{{ fine_amount }}"))
    [(where, what, advice)] = problem_rows(unknown.get_data(as_text=True))
    assert "罚款金额" in where
    assert what == "占位符 fine_amount 不是本文书表单提供的字段"
    assert advice.startswith("改用表单字段之一：") and "inspected_body" in advice

    broken = upload(maintainer, with_paragraphs("第一段", "{% if cc %}没有结束", ALL_FIELDS))
    [(where, what, advice)] = problem_rows(broken.get_data(as_text=True))
    assert "没有结束" in where
    assert what.startswith("模板语法错误")
    assert "是否成对" in advice
    assert len(versions(app)) == 1


def test_unknown_candidate_is_not_found(app: Flask) -> None:
    """This test ensures that a candidate address that holds nothing, or is not a SHA-256, is a 404."""
    maintainer = signed_in(app, "maintainer")
    assert maintainer.get(f"{PAGE}/candidates/{'0' * 64}").status_code == 404
    assert maintainer.get(f"{PAGE}/candidates/{'Z' * 64}").status_code == 404
    assert maintainer.get(f"{PAGE}/previews/{'0' * 64}/1.png").status_code == 404
    assert maintainer.post(f"{PAGE}/candidates/{'0' * 64}/publish").status_code == 404
    assert maintainer.get(f"{PAGE}/candidates/../../etc").status_code == 404


def test_template_forms_need_the_csrf_token(app: Flask) -> None:
    """This test ensures that activating and uploading without the page's CSRF token are refused."""
    maintainer = signed_in(app, "maintainer")
    app.config["WTF_CSRF_ENABLED"] = True
    assert maintainer.post(f"{PAGE}/versions/1/activate").status_code == 400
    assert upload(maintainer, second_version()).status_code == 400
    assert maintainer.post(f"{PAGE}/candidates/{shipped_sha()}/publish").status_code == 400
    app.config["WTF_CSRF_ENABLED"] = False
    assert len(versions(app)) == 1


@pytest.mark.office
def test_a_template_whose_pages_cannot_be_written_as_ofd_cannot_be_published(app: Flask) -> None:
    """This test ensures that the candidate page names what the OFD cannot carry, and publish refuses it even when posted."""
    add_user(app, "李模板", "maintainer")
    maintainer = app.test_client()
    maintainer.post("/login", data={"username": "李模板", "password": PASSWORD})
    candidate = with_gradient()
    sha = hashlib.sha256(candidate).hexdigest()
    location = upload(maintainer, candidate).headers["Location"]
    page = maintainer.get(location).get_data(as_text=True)
    assert "无法同时写成 OFD 版式文件，暂不能发布" in page
    assert "OFD 无法写出，签发时将被拒绝：第 1 页使用了渐变填充" in page
    assert f"/candidates/{sha}/publish" not in page
    posted = maintainer.post(f"{PAGE}/candidates/{sha}/publish", data={"note": "加一条渐变色带"})
    assert posted.status_code == 422
    assert "第 1 页使用了渐变填充" in posted.get_data(as_text=True)
    assert versions(app) == [(1, True, "system", "随系统提供的第1版")]
