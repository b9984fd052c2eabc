"""Tests of POST /api/documents/ID/service: a document served, its 送达回证 answered, every refusal."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from service.acts.issuing import issue_document
from service.archive.voiding import void_document
from service.database.models import Document
from tests.conftest import sample
from tests.web.test_api import JSON, bearer, conforms, is_json_error, token_for

ORDER = sample("correction_order")
UNIT = ORDER["unit"]
TODAY = dt.date(2026, 10, 30)


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """A client without a session, its day fixed after the correction order's date."""
    app.config["TODAY"] = TODAY
    return app.test_client()


@pytest.fixture
def clerk(app: Flask) -> dict[str, str]:
    """The Authorization header of a clerk's token."""
    return bearer(token_for(app, "clerk"))


def issued(app: Flask, kind: str = "correction_order") -> Document:
    """Return a document of the kind issued from its sample."""
    return issue_document(app.extensions["wenshu"], kind, sample(kind), "测试员")


def serve(api: FlaskClient, headers: dict[str, str], document_id: int, body: Any) -> TestResponse:
    """Return the answer to serving the document as body says, sent as JSON."""
    return api.post(
        f"/api/documents/{document_id}/service",
        data=json.dumps(body),
        content_type=JSON,
        headers=headers,
    )


def handed_over(**changes: Any) -> dict[str, Any]:
    """Return the request of a correction order handed to the unit, which stamped the receipt."""
    return {"served_on": "2026-10-20", "method": "直接送达", "recipient": UNIT} | changes


def recorded(app: Flask, document_id: int) -> Document:
    """Return the document as recorded now."""
    with app.extensions["wenshu"].database.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        session.expunge(document)
    return document


def refusal(response: TestResponse) -> dict[str, list[str]]:
    """Return the field errors of a 422 answer, failing otherwise."""
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    conforms(body, "InvalidFacts")
    return dict(body["errors"])


def test_serving_answers_the_receipt(app: Flask, api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that a document served is answered 201 with its 送达回证 as any issued
    document is, and is recorded served on the day."""
    order = issued(app)
    response = serve(api, clerk, order.id, handed_over(place="良心堡镇人民政府党政办公室"))
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    conforms(answer, "Issued")
    assert (answer["kind"], answer["number"]) == ("service_receipt", "君档送证〔2026〕1号")
    assert response.headers["Location"] == f"http://localhost/api/documents/{answer['id']}"
    served = recorded(app, order.id)
    assert (served.served_on, served.service_receipt_id) == (dt.date(2026, 10, 20), answer["id"])
    receipt = recorded(app, answer["id"])
    assert receipt.facts["signer"] == UNIT and receipt.facts["served_number"] == order.number


def test_a_method_records_its_own_facts(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that the method's own keys are taken, and their absence refused at their fields."""
    order = issued(app)
    post = {"method": "邮寄送达", "place": "君山区良心堡镇", "signer": "刘芳"}
    errors = refusal(serve(api, clerk, order.id, handed_over(**post, recipient="刘芳")))
    assert set(errors) == {"tracking_number", "recipient", "signer_relation"}
    good = post | {"signer_relation": "负责收件的人", "tracking_number": "1151234567890"}
    response = serve(api, clerk, order.id, handed_over(**good, recipient="刘芳"))
    assert response.status_code == 201, response.get_data(as_text=True)
    receipt = recorded(app, response.get_json()["id"])
    assert (receipt.recipient, receipt.facts["tracking_number"]) == (UNIT, "1151234567890")


def test_an_unknown_document_is_404(api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that serving a document that does not exist is answered 404."""
    assert "没有 id 为 4242 的文书" in is_json_error(serve(api, clerk, 4242, handed_over()), 404)


def test_a_document_of_a_hidden_classification_is_404(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that a document of a 密级 the caller may not see is answered as unknown."""
    order = issued(app)
    with app.extensions["wenshu"].database.session() as session:
        session.execute(
            update(Document).where(Document.id == order.id).values(classification="秘密")
        )
    assert "没有 id" in is_json_error(serve(api, clerk, order.id, handed_over()), 404)
    assert recorded(app, order.id).served_on is None


def test_a_served_document_is_409_naming_its_receipt(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that serving a document again is answered 409 with the receipt that served it."""
    order = issued(app)
    first = serve(api, clerk, order.id, handed_over()).get_json()
    response = serve(api, clerk, order.id, handed_over(served_on="2026-10-21"))
    assert response.status_code == 409
    body = response.get_json()
    conforms(body, "NotServable")
    assert body["service_receipt"] == {
        "id": first["id"],
        "number": first["number"],
        "url": f"http://localhost/api/documents/{first['id']}",
    }
    assert first["number"] in body["error"]


def test_a_voided_document_is_409(app: Flask, api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that serving a voided document is answered 409, naming no receipt."""
    order = issued(app)
    with app.extensions["wenshu"].database.session() as session:
        void_document(session, order.id, "主送单位有误", "测试员")
    response = serve(api, clerk, order.id, handed_over())
    assert response.status_code == 409
    conforms(response.get_json(), "NotServable")
    assert "已作废" in response.get_json()["error"]
    assert "service_receipt" not in response.get_json()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"served_on": "2026-10-18"}, "served_on", "早于责令限期改正通知书"),
        ({"served_on": "2026-10-31"}, "served_on", "晚于今天"),
        ({"served_on": "2026-13-01"}, "served_on", "日期格式应为"),
        ({"method": "托人转交"}, "method", "不是有效的选择"),
        ({"recipient": "张敏"}, "recipient", "代收"),
        ({"tracking_number": "1151234567890"}, "tracking_number", "直接送达不填写邮件号"),
        ({"server": []}, "server", "请填写送达人"),
    ],
)
def test_facts_of_a_service_are_refused_at_their_fields(
    app: Flask,
    api: FlaskClient,
    clerk: dict[str, str],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    """This test ensures that a service the document, the day or the receipt's rules contradict is
    422 at the field, and the document stays unserved."""
    order = issued(app)
    errors = refusal(serve(api, clerk, order.id, handed_over(**changes)))
    assert field in errors and message in errors[field][0], errors
    assert recorded(app, order.id).served_on is None


def test_a_receipt_and_a_received_report_are_not_served(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that serving a 送达回证 or a report the bureau received is 422 at served_number."""
    receipt = serve(api, clerk, issued(app).id, handed_over()).get_json()
    assert "served_number" in refusal(serve(api, clerk, receipt["id"], handed_over()))
    report = issued(app, "annual_report")
    body = handed_over(recipient=report.recipient)
    assert "served_number" in refusal(serve(api, clerk, report.id, body))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"served_on": "2026-10-20", "method": "直接送达"}, "缺少 recipient"),
        (handed_over(served_number="君档〔2026〕9号"), "不认识"),
        ([handed_over()], "JSON 对象"),
    ],
)
def test_a_request_of_another_shape_is_400(
    app: Flask, api: FlaskClient, clerk: dict[str, str], body: Any, message: str
) -> None:
    """This test ensures that a body without the contract's keys, with keys it does not have (the
    served document's own), or not an object, is 400 saying so."""
    order = issued(app)
    assert message in is_json_error(serve(api, clerk, order.id, body), 400)


def test_only_those_who_issue_serve(app: Flask, api: FlaskClient) -> None:
    """This test ensures that serving needs a token of a role that issues: 401 without, 403 for a maintainer."""
    order = issued(app)
    is_json_error(serve(api, {}, order.id, handed_over()), 401)
    maintainer = bearer(token_for(app, "maintainer"))
    is_json_error(serve(api, maintainer, order.id, handed_over()), 403)
    assert recorded(app, order.id).served_on is None
