"""Tests of GET /api/cases/ID/file.pdf: a closed case's 案卷, its refusals as JSON, its OpenAPI description."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy import select, update

from service.database.models import AuditEvent, Document
from service.services import Wenshu
from service.web.openapi import OPENAPI
from tests.custody.case_files import case_documents, closed_case, open_case, short_closed_case
from tests.fakes import FailingConverter
from tests.web.test_api import bearer, is_json_error, token_for

PATH = "/api/cases/{}/file.pdf"


def services(app: Flask) -> Wenshu:
    """Return the app's services."""
    wenshu: Wenshu = app.extensions["wenshu"]
    return wenshu


@pytest.mark.office
def test_a_closed_case_downloads_as_its_file(app: Flask) -> None:
    """This test ensures that a clerk gets the 案卷 as a PDF attachment named by the case number, the download audited."""
    wenshu = services(app)
    case_id = closed_case(wenshu)
    number = next(d.number for d in case_documents(wenshu, case_id) if d.kind == "case_opening")
    response = app.test_client().get(PATH.format(case_id), headers=bearer(token_for(app, "clerk")))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'{number}案卷.pdf')}" in disposition
    with pikepdf.open(io.BytesIO(response.data)) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == [
            "封面",
            "卷内文件目录",
            "卷内文件",
            "卷内备考表",
        ]
    with wenshu.database.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "download")).one()
    assert event.subject == f"{number}案卷"
    assert (event.details["case_id"], event.details["via"]) == (case_id, "api")
    assert event.details["sha256"] == hashlib.sha256(response.data).hexdigest()


def test_an_unknown_case_is_404(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a case id naming no case is a JSON 404."""
    response = anonymous.get(PATH.format(4242), headers=bearer(token_for(app, "clerk")))
    assert "没有案件 4242" in is_json_error(response, 404)


def test_an_open_case_is_409(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a case before 结案 is a JSON 409 saying it is not closed."""
    case_id = open_case(services(app))
    response = anonymous.get(PATH.format(case_id), headers=bearer(token_for(app, "head")))
    assert is_json_error(response, 409).startswith("案件尚未结案")


def test_a_case_holding_a_document_the_reader_may_not_see_is_404(
    app: Flask, anonymous: FlaskClient
) -> None:
    """This test ensures that a clerk gets no 案卷 holding a 秘密 document, as he would not get the document."""
    wenshu = services(app)
    case_id = short_closed_case(wenshu)
    with wenshu.database.session() as session:
        session.execute(
            update(Document)
            .where(Document.case_id == case_id, Document.kind == "inquiry_record")
            .values(classification="秘密")
        )
    response = anonymous.get(PATH.format(case_id), headers=bearer(token_for(app, "clerk")))
    assert "无权查看" in is_json_error(response, 404)


def test_a_role_outside_cases_is_403(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a template maintainer may not take a case's file."""
    case_id = short_closed_case(services(app))
    response = anonymous.get(PATH.format(case_id), headers=bearer(token_for(app, "maintainer")))
    assert response.status_code == 403


def test_a_failed_conversion_is_503(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that LibreOffice failing answers 503 with what to do, nothing audited."""
    wenshu = services(app)
    case_id = short_closed_case(wenshu)
    wenshu.converter = FailingConverter()
    response = anonymous.get(PATH.format(case_id), headers=bearer(token_for(app, "clerk")))
    assert "请稍后重试" in is_json_error(response, 503)
    with wenshu.database.session() as session:
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.action == "download")).all() == []
        )


def test_a_changed_archived_file_is_500_naming_it(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a document whose archived file changed is a 500 naming its 文号."""
    wenshu = services(app)
    case_id = short_closed_case(wenshu)
    changed = case_documents(wenshu, case_id)[0]
    path = wenshu.archive.absolute(changed.pdf_path)
    path.write_bytes(path.read_bytes() + b"\n")
    response = anonymous.get(PATH.format(case_id), headers=bearer(token_for(app, "clerk")))
    message = is_json_error(response, 500)
    assert message.startswith("存档文件与登记不符") and changed.number in message


def test_the_openapi_document_describes_the_case_file() -> None:
    """This test ensures that the OpenAPI description validates and gives the file's PDF, 404 and 409."""
    validate(OPENAPI)
    operation = OPENAPI["paths"]["/api/cases/{case_id}/file.pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert {"403", "404", "409", "503"} <= set(operation["responses"])
