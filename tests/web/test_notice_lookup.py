"""Tests of the lookup a 复查决定书's picker offers the supervision notices from."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.acts.issuing import issue_document
from service.database.models import Document
from tests.conftest import sample, signed_in
from tests.web.test_classified import classify

KIND = "supervision_notice"


def issue_notice(app: Flask, **changes: Any) -> Document:
    """Return a supervision notice issued from the sample facts with these changes."""
    return issue_document(app.extensions["wenshu"], KIND, sample(KIND) | changes, "王文书")


def test_lists_issued_notices_with_what_the_form_fills(app: Flask, client: FlaskClient) -> None:
    """This test ensures that an issued notice is offered with its 文号, inspected body, issuer and date."""
    notice = issue_notice(app)
    answer = client.get("/archive/notices.json")
    assert answer.status_code == 200
    facts = sample(KIND)
    assert answer.get_json() == {
        "notices": [
            {
                "id": notice.id,
                "number": notice.number,
                "inspected_body": facts["inspected_body"],
                "issuer": facts["issuer"],
                "issue_date": facts["issue_date"],
            }
        ]
    }


def test_matches_number_or_inspected_body(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the typed text picks notices by a part of the 文号 or of the unit's name."""
    first = issue_notice(app, inspected_body="岳阳市君山区钱粮湖镇人民政府")
    second = issue_notice(app, inspected_body="岳阳市君山区柳林洲街道办事处")

    def numbers(query: str) -> list[str]:
        notices = client.get("/archive/notices.json", query_string={"q": query}).get_json()
        return [notice["number"] for notice in notices["notices"]]

    assert numbers("柳林洲") == [second.number]
    assert numbers(first.number) == [first.number]
    assert numbers("") == [second.number, first.number]  # newest first
    assert numbers("没有这个单位") == []


def test_leaves_out_voided_and_unseen_notices(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a voided notice, a secret one (for a clerk) and other kinds are not offered."""
    voided, secret, kept = issue_notice(app), issue_notice(app), issue_notice(app)
    issue_document(
        app.extensions["wenshu"], "correction_order", sample("correction_order"), "王文书"
    )
    with app.extensions["wenshu"].database.session() as session:
        session.execute(update(Document).where(Document.id == voided.id).values(status="voided"))
    classify(app, secret)
    notices = client.get("/archive/notices.json").get_json()["notices"]
    assert [notice["number"] for notice in notices] == [kept.number]
    seen_by_admin = signed_in(app, "admin").get("/archive/notices.json").get_json()["notices"]
    assert {notice["number"] for notice in seen_by_admin} == {kept.number, secret.number}


def test_only_for_those_who_issue_or_approve(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a maintainer is refused the lookup and an anonymous visitor must sign in."""
    assert signed_in(app, "maintainer").get("/archive/notices.json").status_code == 403
    assert signed_in(app, "head").get("/archive/notices.json").status_code == 200
    assert anonymous.get("/archive/notices.json").status_code in (302, 401)
