"""Tests of POST /api/draws: the system draws and records the list; issuing through the API is held to it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from service.database.models import AuditEvent
from tests.conftest import sample
from tests.web.test_api import bearer, conforms, is_json_error, token_for

JSON = "application/json"


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """A test client that has not signed in; requests carry a token as a header."""
    return app.test_client()


@pytest.fixture
def clerk(app: Flask) -> dict[str, str]:
    """The Authorization header of a clerk's token."""
    return bearer(token_for(app, "clerk"))


def send(client: FlaskClient, path: str, headers: dict[str, str], body: Any) -> TestResponse:
    """Return the answer to posting body as JSON."""
    return client.post(path, data=json.dumps(body), content_type=JSON, headers=headers)


def drawn(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    """Draw the sample through the API and return the answer."""
    response = send(
        client, "/api/draws", headers, {"kind": "sampling_list", "facts": sample("sampling_list")}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def issue(client: FlaskClient, headers: dict[str, str], facts: dict[str, Any]) -> TestResponse:
    """Return the answer to issuing a sampling list from facts."""
    return send(client, "/api/documents", headers, {"kind": "sampling_list", "facts": facts})


def test_a_draw_is_answered_with_the_facts_to_issue_with(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that the API draws with the system's seed, records it, and the facts it gives issue the list."""
    answer = drawn(api, clerk)
    conforms(answer, "Drawn")
    assert answer["facts"]["seed"] == answer["seed"] != sample("sampling_list")["seed"]
    assert answer["facts"]["draw"] == answer["draw_id"]
    assert len(answer["drawn"]) == 6
    response = issue(api, clerk, answer["facts"])
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        entry = session.scalar(select(AuditEvent).where(AuditEvent.action == "issue"))
    assert entry is not None and entry.details["draw_id"] == answer["draw_id"]
    again = issue(api, clerk, answer["facts"])
    assert again.status_code == 422
    assert "一次抽取只能生成一份名单" in again.get_json()["errors"]["draw"][0]


def test_issuing_without_the_recorded_draw_is_422_at_the_field(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that a typed seed, an altered seed or another user's draw is refused at its field."""
    unrecorded = issue(api, clerk, sample("sampling_list"))
    assert unrecorded.status_code == 422
    conforms(unrecorded.get_json(), "InvalidFacts")
    assert list(unrecorded.get_json()["errors"]) == ["draw"]
    answer = drawn(api, clerk)
    seed = answer["seed"]
    altered = issue(
        api, clerk, answer["facts"] | {"seed": ("a" if seed[0] != "a" else "b") + seed[1:]}
    )
    assert list(altered.get_json()["errors"]) == ["seed"]
    other = issue(api, bearer(token_for(app, "clerk")), answer["facts"])
    assert "其他人员的抽取" in other.get_json()["errors"]["draw"][0]


def test_a_refused_draw_records_nothing(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that facts failing their rules are answered 422 and no draw is recorded."""
    facts = sample("sampling_list") | {"officers": []}
    response = send(api, "/api/draws", clerk, {"kind": "sampling_list", "facts": facts})
    assert response.status_code == 422
    conforms(response.get_json(), "InvalidFacts")
    with app.extensions["wenshu"].database.session() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "draw")) is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "supervision_notice", "facts": {}}, 400),
        ({"kind": "sampling_list", "facts": {}, "replaces": "1"}, 400),
        ({"kind": "sampling_list", "facts": {}, "seed": "1"}, 400),
    ],
)
def test_a_draw_that_cannot_be_asked_for_is_a_json_error(
    api: FlaskClient, clerk: dict[str, str], body: dict[str, Any], status: int
) -> None:
    """This test ensures that a kind not drawn, a bad replaces or an unknown key is answered with a Chinese error."""
    is_json_error(send(api, "/api/draws", clerk, body), status)


def test_a_maintainer_may_not_draw(app: Flask, api: FlaskClient) -> None:
    """This test ensures that only a role that issues may draw."""
    body = {"kind": "sampling_list", "facts": sample("sampling_list")}
    is_json_error(send(api, "/api/draws", bearer(token_for(app, "maintainer")), body), 403)
