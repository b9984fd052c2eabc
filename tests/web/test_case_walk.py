"""A whole enforcement case through the API, 立案 to 案卷, with every refusal the procedure makes on the way."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.archive.units import import_units
from tests.casework import UNITS
from tests.conftest import sample
from tests.web.test_api import JSON, bearer, conforms, is_json_error, token_for

TODAY = dt.date(2026, 5, 25)


@pytest.fixture
def walk(app: Flask) -> Walk:
    """A clerk and a head with tokens, the unit directory filled, the day fixed."""
    app.config["TODAY"] = TODAY
    with app.extensions["wenshu"].database.session() as session:
        import_units(session, UNITS)
    return Walk(app.test_client(), bearer(token_for(app, "clerk")), bearer(token_for(app, "head")))


class Walk:
    """The API as a clerk and a head use it in one case."""

    def __init__(self, api: FlaskClient, clerk: dict[str, str], head: dict[str, str]) -> None:
        self.api, self.clerk, self.head = api, clerk, head
        self.case_id = 0

    def send(self, path: str, body: Any, who: dict[str, str] | None = None) -> TestResponse:
        """POST body as JSON to path, as the clerk unless someone else is named."""
        return self.api.post(
            path, data=json.dumps(body), content_type=JSON, headers=who or self.clerk
        )

    def issue(self, kind: str, **changes: Any) -> TestResponse:
        """Ask for a kind in the case from its sample with changes."""
        return self.send(
            "/api/documents", {"kind": kind, "facts": sample(kind) | changes, "case": self.case_id}
        )

    def issued(self, kind: str, **changes: Any) -> dict[str, Any]:
        """Issue a kind in the case and return the answer, failing unless it is 201."""
        response = self.issue(kind, **changes)
        assert response.status_code == 201, response.get_data(as_text=True)
        conforms(response.get_json(), "Issued")
        return dict(response.get_json())

    def serve(self, document_id: int, day: str, **more: Any) -> TestResponse:
        """Serve a document directly to the party on the day."""
        body = {
            "served_on": day,
            "method": "直接送达",
            "recipient": sample("penalty_decision")["party_name"],
        }
        return self.send(f"/api/documents/{document_id}/service", body | more)

    def case(self) -> dict[str, Any]:
        """Return the case as the API answers it."""
        response = self.api.get(f"/api/cases/{self.case_id}", headers=self.clerk)
        assert response.status_code == 200, response.get_data(as_text=True)
        conforms(response.get_json(), "Case")
        return dict(response.get_json())


def refused(response: TestResponse, key: str) -> str:
    """Return the messages of a 422 refusal at key, failing unless that is the answer."""
    assert response.status_code == 422, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    assert key in errors, errors
    return " ".join(errors[key])


@pytest.mark.office
def test_a_whole_case_from_opening_to_its_file(walk: Walk) -> None:
    """This test ensures that a case walks 立案 → 结案 → 案卷 through the API and each step out of order is refused."""
    # A penalty decision outside any case is refused at "case".
    outside = walk.send(
        "/api/documents", {"kind": "penalty_decision", "facts": sample("penalty_decision")}
    )
    assert "案件" in refused(outside, "case")

    # 立案: the clerk opens the case; it waits, numberless, for the head.
    opened = walk.send("/api/cases", {"facts": sample("case_opening")})
    assert opened.status_code == 201, opened.get_data(as_text=True)
    conforms(opened.get_json(), "CaseOpened")
    walk.case_id, waiting = opened.get_json()["id"], opened.get_json()["approval"]["id"]
    assert opened.get_json()["number"] is None and opened.get_json()["status"] == "立案审批"
    assert "立案" in refused(walk.issue("site_record"), "case")  # nothing before 立案 is approved
    is_json_error(walk.send(f"/api/documents/{waiting}/approval", {"decision": "approve"}), 403)
    approved = walk.send(f"/api/documents/{waiting}/approval", {"decision": "approve"}, walk.head)
    assert approved.status_code == 201, approved.get_data(as_text=True)
    number = approved.get_json()["number"]
    assert walk.case()["number"] == number and walk.case()["status"] == "立案"
    is_json_error(
        walk.send(f"/api/documents/{waiting}/approval", {"decision": "approve"}, walk.head), 409
    )

    # 调查: the records; a record naming another party is refused.
    assert "当事人" in refused(
        walk.issue("site_record", party_name="岳阳市君山区档案馆"), "party_name"
    )
    walk.issued("site_record")
    walk.issued("inquiry_record")
    assert walk.case()["status"] == "调查"

    # 告知 and its service.
    notice = walk.issued("penalty_notice")
    early = walk.issue("penalty_decision")  # before the notice is served
    assert early.status_code == 422
    assert walk.serve(notice["id"], "2026-03-11").status_code == 201
    assert walk.serve(notice["id"], "2026-03-12").status_code == 409  # served once
    served = {d["id"]: d["served_on"] for d in walk.case()["documents"]}
    assert served[notice["id"]] == "2026-03-11"
    # The 听证 window: five working days from Wednesday's service, the weekend not counted.
    waiting = refused(walk.issue("penalty_decision", decision_date="2026-03-18"), "decision_date")
    assert "要求听证的期限（五个工作日）至2026年3月18日届满" in waiting

    # 听证: asked for within 5 working days of service; a later request is refused.
    late = walk.issue("hearing_notice", request_date="2026-03-30")
    assert late.status_code == 422, late.get_data(as_text=True)
    hearing = walk.issued("hearing_notice")
    assert walk.serve(hearing["id"], "2026-03-16").status_code == 201
    assert walk.case()["status"] == "听证"
    walk.issued("hearing_record")

    # A decision is the head's: without the legal review and the collective discussion it is refused.
    assert walk.issue("penalty_decision").status_code == 422
    walk.issued("legal_review")
    walk.issued("collective_discussion")
    # The fine may not exceed the one the party was told of (第四十五条).
    assert walk.issue("penalty_decision", fine="60000").status_code == 422
    # The 复议机关 is the district government (行政复议法), not the city bureau.
    assert refused(walk.issue("penalty_decision", review_body="岳阳市档案局"), "review_body")
    submitted = walk.issue("penalty_decision")
    assert submitted.status_code == 202, submitted.get_data(as_text=True)
    conforms(submitted.get_json(), "Awaiting")
    decision_id = submitted.get_json()["id"]
    is_json_error(walk.send(f"/api/documents/{decision_id}/approval", {"decision": "approve"}), 403)
    returned = walk.send(
        f"/api/documents/{decision_id}/approval",
        {"decision": "return", "reason": "请补充裁量理由"},
        walk.head,
    )
    assert returned.status_code == 200 and returned.get_json()["status"] == "returned"
    again = walk.issue("penalty_decision")
    assert again.status_code == 202
    decided = walk.send(
        f"/api/documents/{again.get_json()['id']}/approval", {"decision": "approve"}, walk.head
    )
    assert decided.status_code == 201, decided.get_data(as_text=True)
    assert walk.case()["status"] == "决定"

    # Service of the decision starts the party's time limits.
    assert walk.serve(decided.get_json()["id"], "2026-04-17").status_code == 201
    record = walk.api.get(f"/api/documents/{decided.get_json()['id']}", headers=walk.clerk)
    conforms(record.get_json(), "Document")
    assert (record.get_json()["case_id"], record.get_json()["served_on"]) == (
        walk.case_id,
        "2026-04-17",
    )
    case = walk.case()
    assert case["status"] == "执行"
    whats = " ".join(item["what"] for item in case["deadlines"])
    assert "罚款" in whats and "复议" in whats and "诉讼" in whats
    assert (
        walk.api.get(f"/api/cases/{walk.case_id}/file.pdf", headers=walk.clerk).status_code == 409
    )

    # 结案 and the 案卷.
    walk.issued("case_closing")
    assert walk.case()["status"] == "结案"
    assert "结案" in refused(walk.issue("inquiry_record"), "case")
    case_file = walk.api.get(f"/api/cases/{walk.case_id}/file.pdf", headers=walk.clerk)
    assert case_file.status_code == 200 and case_file.mimetype == "application/pdf"
    assert case_file.data.startswith(b"%PDF")
