"""Tests of the case pages further into a case: a decision submitted and approved, service, the closed case's file."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.database.models import AuditEvent, Document, Submission
from tests.casework import case_ready_for, issue_step
from tests.conftest import sample, signed_in
from tests.web.downloads import attachment_name
from tests.web.issuing import confirm_review, review_via_form
from tests.web.test_cases import posted, waiting_id


def documents_of(app: Flask, kind: str) -> list[Document]:
    """Return the issued documents of a kind."""
    with app.extensions["wenshu"].database.session() as session:
        return list(session.scalars(select(Document).where(Document.kind == kind)))


def submitted(app: Flask, kind: str) -> int:
    """Return how many submissions of a kind the head was given."""
    with app.extensions["wenshu"].database.session() as session:
        return len(session.scalars(select(Submission).where(Submission.kind == kind)).all())


def test_a_decision_is_submitted_then_numbered_by_the_head(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a penalty decision from the web waits for the head unnumbered, and his approval issues it."""
    case_id = case_ready_for(app.extensions["wenshu"], "penalty_decision")
    form = client.get(f"/documents/new/penalty_decision?case={case_id}").get_data(as_text=True)
    assert 'value="review">提交负责人审批</button>' in form
    data = posted(sample("penalty_decision"), case=str(case_id))
    review = review_via_form(client, "penalty_decision", data)
    assert "确认提交负责人审批" in review.get_data(as_text=True)
    assert documents_of(app, "penalty_decision") == []
    assert submitted(app, "penalty_decision") == 0
    response = confirm_review(client, "penalty_decision", review)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/cases/{case_id}"
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已提交，等待负责人审批" in shown and "尚未编号" in shown
    assert documents_of(app, "penalty_decision") == []
    submission = waiting_id(app, case_id, "penalty_decision")

    response = signed_in(app, "head").post(
        f"/approvals/{submission}/approve", data={"opinion": "同意，按拟定意见处罚"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [decision] = documents_of(app, "penalty_decision")
    assert response.headers["Location"] == f"/documents/{decision.id}"
    assert decision.case_id == case_id
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'aria-current="step">决定</li>' in shown
    assert f"行政处罚决定书 {decision.number}" in shown and "同意，按拟定意见处罚" in shown
    with app.extensions["wenshu"].database.session() as session:
        row = session.get(Submission, submission)
        assert row is not None and row.document_id == decision.id


def test_a_served_document_shows_its_receipt(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the timeline gives a served instrument's service date and links its 送达回证."""
    case_id = case_ready_for(app.extensions["wenshu"], "hearing_notice")
    [notice] = documents_of(app, "penalty_notice")
    [receipt] = documents_of(app, "service_receipt")
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"{notice.served_on.isoformat()} 送达" in shown  # type: ignore[union-attr]
    assert f'<a href="/documents/{receipt.id}">送达回证 {receipt.number}</a>' in shown
    assert 'aria-current="step">告知</li>' in shown
    assert "登记送达" not in shown  # the only instrument served on the party is served


def test_an_unserved_notice_links_to_its_service(app: Flask, client: FlaskClient) -> None:
    """This test ensures that an instrument served on the party but not yet served says so, with a link to record it."""
    wenshu = app.extensions["wenshu"]
    case_id = case_ready_for(wenshu, "hearing_notice")
    hearing = issue_step(wenshu, "hearing_notice", case_id)
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    link = f'未登记送达，<a href="/documents/{hearing.id}#service-title">登记送达</a>'
    assert link in shown
    document_page = client.get(f"/documents/{hearing.id}").get_data(as_text=True)
    assert 'id="service-title"' in document_page


@pytest.mark.office  # the 案卷's page numbers are checked against the pages LibreOffice made
def test_a_closed_case_opens_its_file(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a closed case's page links its 案卷, which opens as a PDF and is audited."""
    wenshu = app.extensions["wenshu"]
    case_id = case_ready_for(wenshu, "case_closing")
    issue_step(wenshu, "case_closing", case_id)
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'aria-current="step">结案</li>' in shown and "打开案卷 PDF" in shown
    assert "制作本案文书" not in shown and 'id="extension"' not in shown
    with client.get(f"/cases/{case_id}/file.pdf") as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        assert "inline" in response.headers["Content-Disposition"]
        assert attachment_name(response.headers["Content-Disposition"]).endswith("案卷.pdf")
    with client.get(f"/cases/{case_id}/file.pdf?download=1") as response:
        assert "attachment" in response.headers["Content-Disposition"]
        assert attachment_name(response.headers["Content-Disposition"]).endswith("案卷.pdf")
    with wenshu.database.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "download")
        downloads = [event.details for event in session.scalars(query)]
    assert [(d["case_id"], d["via"]) for d in downloads] == [(case_id, "web")] * 2
