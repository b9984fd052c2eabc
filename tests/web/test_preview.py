"""Tests of the form's preview: checked as for issuing, first page shown inline, nothing numbered or stored."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.database.models import Document
from tests.conftest import sample
from tests.fakes import FailingConverter
from tests.web.issuing import issue_via_form

pytestmark = pytest.mark.office
URL = "/documents/new/supervision_notice"


def typed_form(kind: str = "supervision_notice", **changes: str) -> dict[str, str]:
    """Return an instrument's sample facts as the browser form submits them (no rows)."""
    return {key: str(value) for key, value in (sample(kind) | changes).items()}


def archived_pdfs(app: Flask) -> list[Path]:
    """Return every PDF under the archive folder."""
    return list(app.extensions["wenshu"].settings.archive_path.rglob("*.pdf"))


def document_count(app: Flask) -> int:
    """Return how many documents the archive records."""
    with app.extensions["wenshu"].database.session() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def test_preview_shows_first_page_and_keeps_values(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a preview shows the first page inline, keeps the input, and stores nothing."""
    response = client.post(URL, data={**typed_form(), "action": "preview"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert match, "the first page is embedded as a data: URI"
    assert base64.b64decode(match.group(1)).startswith(b"\x89PNG")
    assert "预览（未编号，未归档）" in page
    assert 'value="岳阳市君山区钱粮湖镇人民政府"' in page
    assert 'value="2026-04-10"' in page
    assert 'name="action" value="review"' in page
    assert archived_pdfs(app) == []
    assert document_count(app) == 0

    issued = issue_via_form(client, "supervision_notice", typed_form())
    assert issued.status_code == 302
    assert "君档监通〔2026〕1号" in client.get(issued.headers["Location"]).get_data(as_text=True)


def test_invalid_preview_shows_the_same_errors_as_issuing(app: Flask, client: FlaskClient) -> None:
    """This test ensures that invalid facts give the same field errors on preview as on issue."""
    data = typed_form(inspected_body="", deadline="2026-03-01")
    previewed = client.post(URL, data={**data, "action": "preview"})
    issued = issue_via_form(client, "supervision_notice", data)
    assert previewed.status_code == issued.status_code == 422

    def errors(page: str) -> list[str]:
        return re.findall(r'<p class="error">(.*?)</p>', page)

    preview_page = previewed.get_data(as_text=True)
    assert errors(preview_page) == errors(issued.get_data(as_text=True))
    assert "执行期限应当晚于成文日期" in errors(preview_page)
    assert "data:image/png" not in preview_page
    assert document_count(app) == 0


def test_preview_consults_the_archive(client: FlaskClient) -> None:
    """This test ensures that a preview applies the archive rules: a 复查 of a notice not yet issued is refused."""
    url = "/documents/new/review_decision"
    refused = client.post(url, data={**typed_form("review_decision"), "action": "preview"})
    assert refused.status_code == 422
    assert "档案中没有文号为君档监通〔2026〕1号的文书" in refused.get_data(as_text=True)

    assert issue_via_form(client, "supervision_notice", typed_form()).status_code == 302
    shown = client.post(url, data={**typed_form("review_decision"), "action": "preview"})
    assert shown.status_code == 200
    assert "data:image/png;base64," in shown.get_data(as_text=True)


def test_preview_keeps_the_draft_id(client: FlaskClient) -> None:
    """This test ensures that previewing a resumed draft keeps its id, so issuing can delete it."""
    saved = client.post(URL, data={**typed_form(), "action": "draft"})
    draft_id = re.search(r"draft=(\d+)", saved.headers["Location"])
    assert draft_id
    response = client.post(
        URL, data={**typed_form(), "action": "preview", "draft_id": draft_id.group(1)}
    )
    assert response.status_code == 200
    assert f'name="draft_id" value="{draft_id.group(1)}"' in response.get_data(as_text=True)


def test_a_failed_preview_says_so(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a preview the converter cannot finish is reported in Chinese, input kept."""
    wenshu = app.extensions["wenshu"]
    working, wenshu.converter = wenshu.converter, FailingConverter("LibreOffice 未响应")
    try:
        response = client.post(URL, data={**typed_form(), "action": "preview"})
    finally:
        wenshu.converter = working
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "预览未能生成" in page and "LibreOffice 未响应" in page
    assert 'value="岳阳市君山区钱粮湖镇人民政府"' in page
