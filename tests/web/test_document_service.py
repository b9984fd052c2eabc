"""Tests of the 送达 section of a document page: the form recording a service, and the service shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from service.acts.issuing import issue_document
from service.database.models import Document
from tests.conftest import sample, signed_in
from tests.web.clock import Clock, clocked
from tests.web.test_kept_submissions import (
    RESTORED,
    TIMED_OUT_KEPT,
    FormFields,
    login_page_after,
    opened,
    post_late,
    sign_in,
    signed_in_as,
)

UNIT = sample("correction_order")["unit"]
TODAY = dt.date(2026, 10, 30)


@pytest.fixture
def order(app: Flask) -> Document:
    """A correction order issued, the app's day fixed after its date."""
    app.config["TODAY"] = TODAY
    kind = "correction_order"
    return issue_document(app.extensions["wenshu"], kind, sample(kind), "测试员")


def typed(**changes: str) -> dict[str, str]:
    """Return the service form as a clerk fills it for a correction order handed over."""
    return {
        "method": "直接送达",
        "served_on": "2026-10-20",
        "recipient": UNIT,
        "place": "良心堡镇人民政府党政办公室",
        "signer": "张敏",
        "signer_relation": "负责收件的人",
        "server-0-name": "李卫东",
        "server-0-certificate": "43061100026",
        "server-1-name": "",
        "server-1-certificate": "",
    } | changes


def field(page: str, name: str) -> str:
    """Return the HTML of one field of the service form, its messages included."""
    match = re.search(rf'<div class="field[^"]*" id="service-{name}">.*?</div>', page, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def test_an_unserved_document_offers_the_form(client: FlaskClient, order: Document) -> None:
    """This test ensures that a document not served shows the service form to a clerk, started
    with today, 直接送达, the document's recipient and the clerk as server."""
    page = client.get(f"/documents/{order.id}").get_data(as_text=True)
    assert "登记送达并生成送达回证" in page
    values = FormFields(page).values
    assert values["method"] == ["直接送达"]
    assert values["served_on"] == [TODAY.isoformat()]
    assert values["recipient"] == [UNIT]
    assert values["server-0-name"][0].startswith("clerk-")
    for group in ("拒收和见证", "电子送达", "公告送达"):
        assert group in page
    assert 'data-methods="留置送达"' in page


def test_a_record_not_served_on_a_party_offers_no_form(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a document no party is served with (an inspection record) shows no service form."""
    kind = "inspection_record"
    record = issue_document(app.extensions["wenshu"], kind, sample(kind), "测试员")
    page = client.get(f"/documents/{record.id}").get_data(as_text=True)
    assert "登记送达并生成送达回证" not in page


def test_a_maintainer_is_not_offered_the_form(app: Flask, order: Document) -> None:
    """This test ensures that a role that does not issue sees no service form."""
    page = signed_in(app, "maintainer").get(f"/documents/{order.id}").get_data(as_text=True)
    assert "登记送达并生成送达回证" not in page


def test_serving_shows_the_service_and_its_receipt(client: FlaskClient, order: Document) -> None:
    """This test ensures that a service recorded returns to the page, which shows the day, the
    method and a link to the receipt, whose own page links back."""
    response = client.post(f"/documents/{order.id}/service", data=typed())
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已登记送达，送达回证 君档送证〔2026〕1号 已生成并归档" in page
    assert "登记送达并生成送达回证" not in page
    served = re.search(r'<dl class="served">.*?</dl>', page, re.S)
    assert served and "2026-10-20" in served.group(0) and "直接送达" in served.group(0)
    link = re.search(r'<a href="/documents/(\d+)">君档送证〔2026〕1号</a>', served.group(0))
    assert link
    receipt = client.get(f"/documents/{link.group(1)}").get_data(as_text=True)
    assert f'<a href="/documents/{order.id}">责令限期改正通知书 {order.number}</a>' in receipt
    assert "登记送达并生成送达回证" not in receipt


def test_a_refused_service_keeps_everything_typed(client: FlaskClient, order: Document) -> None:
    """This test ensures that a refused service comes back 422 with Chinese messages at its fields
    and every value typed, rows included."""
    left = typed(
        method="留置送达", signer="", signer_relation="", refusal_reason="",
        recording="", served_on="2026-10-31",
        **{"witnesses-0-name": "赵建国", "witnesses-0-identity": ""},
    )  # fmt: skip
    response = client.post(f"/documents/{order.id}/service", data=left)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "送达未登记：有" in page
    assert "第八十九条" in field(page, "refusal_reason")
    assert "晚于今天" in field(page, "served_on")
    assert "两名送达人" in field(page, "server")
    assert "请填写身份或者所在单位" in field(page, "witnesses")
    values = FormFields(page).values
    assert values["method"] == ["留置送达"]
    assert values["served_on"] == ["2026-10-31"]
    assert values["place"] == ["良心堡镇人民政府党政办公室"]
    assert values["witnesses-0-name"] == ["赵建国"]
    assert values["server-0-certificate"] == ["43061100026"]


def test_a_document_served_meanwhile_is_409(client: FlaskClient, order: Document) -> None:
    """This test ensures that a second service of a document is refused 409, naming the receipt."""
    assert client.post(f"/documents/{order.id}/service", data=typed()).status_code == 302
    response = client.post(f"/documents/{order.id}/service", data=typed(served_on="2026-10-21"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "送达回证为君档送证〔2026〕1号" in page
    assert "2026-10-20" in page  # the service recorded first is what the page shows


def test_a_receipt_posted_for_service_is_refused(client: FlaskClient, order: Document) -> None:
    """This test ensures that a receipt (which has no form) posted for service by hand is refused 422."""
    client.post(f"/documents/{order.id}/service", data=typed())
    with client.application.extensions["wenshu"].database.session() as session:
        receipt_id = session.get(Document, order.id).service_receipt_id  # type: ignore[union-attr]
    response = client.post(f"/documents/{receipt_id}/service", data=typed())
    assert response.status_code == 422
    assert "送达回证本身不需要送达" in response.get_data(as_text=True)


def test_an_unknown_document_is_404(client: FlaskClient) -> None:
    """This test ensures that serving a document that does not exist is 404."""
    assert client.post("/documents/4242/service", data=typed()).status_code == 404


def test_a_service_posted_late_comes_back_in_its_form(app: Flask, order: Document) -> None:
    """This test ensures that a service posted after the session ended comes back in the form,
    unrecorded, once the clerk signs in again."""
    clock: Clock = clocked(app)
    client = signed_in_as(app)
    url = f"/documents/{order.id}"
    page = opened(client, url)
    clock.advance(minutes=31)
    late: Any = MultiDict(typed(place="君山区良心堡镇"))
    response = post_late(client, f"{url}/service", page, late)
    assert TIMED_OUT_KEPT in login_page_after(client, response)
    assert sign_in(client).headers["Location"] == url
    shown = client.get(url).get_data(as_text=True)
    assert RESTORED in shown
    assert FormFields(shown).values["place"] == ["君山区良心堡镇"]
    with app.extensions["wenshu"].database.session() as session:
        assert session.get(Document, order.id).served_on is None  # type: ignore[union-attr]
