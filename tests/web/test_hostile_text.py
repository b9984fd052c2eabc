"""Tests of hostile text through the web form and the JSON API: refused at the field, never echoed in bulk."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import sample
from tests.web.test_api import JSON, bearer, token_for

FORM = "/documents/new/supervision_notice"


def form_data(**changes: str) -> dict[str, str]:
    """Return the sample facts as the browser form sends them."""
    return {key: str(value) for key, value in (sample("supervision_notice") | changes).items()}


def test_web_form_refuses_a_bidi_control_at_its_field_and_keeps_the_rest(
    client: FlaskClient,
) -> None:
    """This test ensures that the form names the bidi control under its field and keeps everything typed."""
    response = client.post(
        FORM, data=form_data(inspected_body="钱粮湖镇\u202e府政民人", cc="司法局")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = re.search(r'id="field-inspected_body".*?</div>', page, re.S)
    assert field and "双向文字控制符（U+202E）" in field.group(0)
    assert "钱粮湖镇\u202e府政民人" in page and "司法局" in page


def test_api_refuses_a_bidi_control_with_a_field_message(app: Flask) -> None:
    """This test ensures that the API answers 422 naming the field that holds an isolate control."""
    headers = bearer(token_for(app, "clerk"))
    body = {
        "kind": "supervision_notice",
        "facts": sample("supervision_notice") | {"cc": "甲\u2066乙"},
    }
    response = app.test_client().post(
        "/api/documents", data=json.dumps(body), content_type=JSON, headers=headers
    )
    assert response.status_code == 422
    assert "U+2066" in " ".join(response.get_json()["errors"]["cc"])


def test_api_errors_never_echo_megabytes(app: Flask) -> None:
    """This test ensures that huge kinds, keys and field names come back as a short quote, not whole."""
    headers = bearer(token_for(app, "clerk"))
    api = app.test_client()
    huge = "密" * 1_000_000
    bodies = [
        {"kind": huge, "facts": {}},
        {"kind": "supervision_notice", "facts": {}, huge: 1},
        {"kind": "supervision_notice", "facts": {**{f"k{n}": 1 for n in range(50_000)}}},
        {"kind": "supervision_notice", "facts": sample("supervision_notice") | {huge: "1"}},
        {"kind": "supervision_notice", "facts": sample("supervision_notice") | {"facts": huge}},
    ]
    for body in bodies:
        response = api.post(
            "/api/documents", data=json.dumps(body), content_type=JSON, headers=headers
        )
        assert response.status_code in (400, 422), response.status_code
        assert len(response.get_data()) < 4_000, response.get_data()[:200]


def test_web_form_of_megabytes_is_refused_without_echo(client: FlaskClient) -> None:
    """This test ensures that a form post of megabytes gets a short 413 page, not its text back."""
    response = client.post(FORM, data=form_data(facts="档" * 2_000_000))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "提交的内容过大" in page and len(page) < 20_000
