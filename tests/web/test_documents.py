"""Tests of the web form: field-level Chinese errors, issuing, the document page and its PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from tests.archive_disk import REFUSALS, archive_on_tmpfs, files_in
from tests.conftest import sample
from tests.web.downloads import attachment_name
from tests.web.issuing import issue_via_form


def form_data(**changes: str) -> dict[str, str]:
    """Return the sample facts as submitted by the browser form."""
    return {key: str(value) for key, value in (sample("supervision_notice") | changes).items()}


def test_home_lists_instruments(client: FlaskClient) -> None:
    """This test ensures that the home page lists the instrument by its Chinese title."""
    page = client.get("/").get_data(as_text=True)
    assert "执法监督通知（决定）书" in page
    assert 'lang="zh-CN"' in page


def test_form_page(client: FlaskClient) -> None:
    """This test ensures that the form shows every field with its Chinese label and a date picker."""
    page = client.get("/documents/new/supervision_notice").get_data(as_text=True)
    for label in ("被检查单位名称", "认定的事实", "执行期限", "成文日期"):
        assert label in page
    assert 'type="date"' in page


def test_unknown_kind_is_404(client: FlaskClient) -> None:
    """This test ensures that an unknown instrument gives a Chinese 404 page."""
    response = client.get("/documents/new/nothing")
    assert response.status_code == 404
    assert "找不到" in response.get_data(as_text=True)


def test_errors_shown_at_their_fields_and_values_kept(client: FlaskClient) -> None:
    """This test ensures that a bad submission re-displays with messages at the fields and keeps input."""
    response = client.post(
        "/documents/new/supervision_notice",
        data=form_data(inspected_body="", deadline="2026-03-01", facts="保留<这段>文字&"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    body = re.search(r'id="field-inspected_body".*?</div>', page, re.S)
    assert body and "请填写被检查单位名称" in body.group(0)
    deadline = re.search(r'id="field-deadline".*?</div>', page, re.S)
    assert deadline and "执行期限应当晚于成文日期" in deadline.group(0)
    assert "保留&lt;这段&gt;文字&amp;" in page


@pytest.mark.office
def test_issue_then_open_pdf(client: FlaskClient) -> None:
    """This test ensures that a valid submission is numbered and its PDF opens inline."""
    response = issue_via_form(client, "supervision_notice", form_data())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "君档监通〔2026〕1号" in page
    assert "SM3" in page
    with client.get(response.headers["Location"] + "/pdf") as pdf:
        assert pdf.status_code == 200
        assert pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF")
        assert "inline" in pdf.headers["Content-Disposition"]
        assert attachment_name(pdf.headers["Content-Disposition"]) == "君档监通〔2026〕1号.pdf"
    with client.get(response.headers["Location"] + "/pdf?download=1") as pdf:
        assert pdf.headers["Content-Disposition"].startswith("attachment;")
        assert attachment_name(pdf.headers["Content-Disposition"]) == "君档监通〔2026〕1号.pdf"
    with client.get(response.headers["Location"] + "/pages/1.png") as image:
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get(response.headers["Location"] + "/pages/99.png").status_code == 404


def test_csrf_is_required(tmp_path: object, office_pool: object) -> None:
    """This test ensures that a form post without its CSRF token is refused with a Chinese message."""
    app: Flask = create_app(
        {"TESTING": True, "instance_path": tmp_path, "converter": office_pool}  # type: ignore[dict-item]
    )
    client = app.test_client()
    response = client.post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "登录页面停留过久已过期，请重新输入用户名和密码" in page
    response = client.post("/logout")
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_missing_document_is_404(client: FlaskClient) -> None:
    """This test ensures that an unknown document id is a 404, for the page and the PDF."""
    assert client.get("/documents/999").status_code == 404
    assert client.get("/documents/999/pdf").status_code == 404


@pytest.mark.office
def test_broken_template_gives_a_clear_page_and_uses_no_number(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that a broken active template is reported, input kept, no number used."""
    from sqlalchemy import select, update

    from service.database.models import Document, TemplateVersion

    wenshu = app.extensions["wenshu"]
    broken = (Path(__file__).parent.parent / "data" / "broken_placeholder.docx").read_bytes()
    sha256, relative = wenshu.templates.put(broken)
    with wenshu.database.session() as session:
        session.execute(update(TemplateVersion).values(active=False))
        session.add(
            TemplateVersion(kind="supervision_notice", version=2, sha256=sha256, path=relative,
                            active=True, published_by="test")
        )  # fmt: skip
    response = issue_via_form(client, "supervision_notice", form_data())
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "模板有误" in page and "no_such_fact" in page
    assert "岳阳市君山区钱粮湖镇人民政府" in page
    with wenshu.database.session() as session:
        assert session.scalars(select(Document)).all() == []


@pytest.mark.office
@pytest.mark.parametrize(("options", "reason"), REFUSALS)
def test_a_refusing_archive_disk_keeps_the_form_and_uses_no_number(
    app: Flask, client: FlaskClient, options: str, reason: str
) -> None:
    """This test ensures that issuing from the form on a full or read-only archive disk answers
    503 with the form as typed and a Chinese message saying what and how to fix, no file, no number."""
    archive = app.extensions["wenshu"].archive.root
    with archive_on_tmpfs(archive, options):
        response = issue_via_form(client, "supervision_notice", form_data())
        assert files_in(archive) == []
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "文书未能生成，未占用文号，填写的内容已保留：归档存储" in page
    assert reason in page and "重试" in page
    assert 'value="岳阳市君山区钱粮湖镇人民政府"' in page
    issued = issue_via_form(client, "supervision_notice", form_data())
    assert issued.status_code == 302
    assert "君档监通〔2026〕1号" in client.get(issued.headers["Location"]).get_data(as_text=True)


def test_rows_uploaded_as_a_spreadsheet(client: FlaskClient, tmp_path: Path) -> None:
    """This test ensures that paper reports can be uploaded as a CSV, and a unit outside the register is shown."""
    import io

    facts = sample("audit_summary")
    data: dict[str, object] = {
        key: value for key, value in facts.items() if not isinstance(value, list)
    }
    for index, row in enumerate(facts["register"]):
        data[f"register-{index}-unit"] = row["unit"]
    csv = "单位,收到日期\n不在名册中的单位,2026-09-25\n".encode()
    data["paper_reports__file"] = (io.BytesIO(csv), "paper.csv")
    response = issue_via_form(client, "audit_summary", data)
    assert response.status_code == 422
    assert "不在名册中的单位" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "kind", sorted(__import__("service.instruments.registry").instruments.registry.INSTRUMENTS)
)
def test_every_instrument_has_a_form_page(client: FlaskClient, kind: str) -> None:
    """This test ensures that each instrument's form page renders with its Chinese title."""
    from service.instruments.registry import get_instrument

    response = client.get(f"/documents/new/{kind}")
    assert response.status_code == 200
    assert get_instrument(kind).title in response.get_data(as_text=True)
