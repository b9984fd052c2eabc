"""Tests of the head's approvals page: approving numbers the instrument, returning needs a reason."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.archive.units import deactivate_unit
from service.database.models import Case, Document, Submission
from tests.conftest import sample, signed_in
from tests.web.issuing import issue_via_form
from tests.web.test_cases import (
    approved_case,
    count,
    open_by_web,
    posted,
    waiting_id,
)


def article(page: str, submission_id: int) -> str:
    """Return the part of the approvals page about one submission."""
    match = re.search(rf'<article[^>]*id="submission-{submission_id}".*?</article>', page, re.S)
    assert match, f"submission {submission_id} is not on the page"
    return match.group(0)


def test_head_sees_what_waits_and_approves_it(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the head sees a submission with its facts and that approving it numbers the case."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    head = signed_in(app, "head")
    page = head.get("/approvals").get_data(as_text=True)
    shown = article(page, submission)
    assert "立案审批表" in shown and "案由" in shown and sample("case_opening")["cause"] in shown
    assert "李卫东" in shown  # the officers' rows, summarised
    assert ">同意</textarea>" in shown and "退回理由" in shown
    assert f"/approvals/{submission}/preview.pdf" in shown
    response = head.post(f"/approvals/{submission}/approve", data={"opinion": "同意立案调查"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/documents/")
    document_page = head.get(response.headers["Location"]).get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        number = session.scalars(select(Case.number)).one()
    assert number and f"已批准，立案审批表编号为 {number}" in document_page
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert number in shown and 'aria-current="step">立案</li>' in shown
    assert "负责人批准：立案审批表" in shown and "同意立案调查" in shown
    assert f'id="submission-{submission}"' not in head.get("/approvals").get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        assert session.get(Submission, submission).status == "approved"  # type: ignore[union-attr]


def test_clerk_may_not_approve(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a clerk gets 403 on the approvals page and on approving or returning."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    assert client.get("/approvals").status_code == 403
    assert client.post(f"/approvals/{submission}/approve", data={}).status_code == 403
    assert client.post(f"/approvals/{submission}/return", data={"reason": "x"}).status_code == 403
    assert client.get(f"/approvals/{submission}/preview.pdf").status_code == 403
    admin = signed_in(app, "admin")
    assert admin.post(f"/approvals/{submission}/approve", data={}).status_code == 403
    assert count(app, Document) == 0


def test_head_may_not_approve_his_own(app: Flask) -> None:
    """This test ensures that a head's own submission shows no buttons to him and is refused if posted."""
    head = signed_in(app, "head")
    case_id = open_by_web(app, head)
    submission = waiting_id(app, case_id, "case_opening")
    shown = article(head.get("/approvals").get_data(as_text=True), submission)
    assert "应当由其他负责人审批" in shown and "批准并编号" not in shown
    response = head.post(f"/approvals/{submission}/approve", data={"opinion": "同意"})
    assert response.status_code == 403
    assert "不能审批自己提交的申请" in article(response.get_data(as_text=True), submission)
    assert count(app, Document) == 0


def test_return_needs_a_reason_and_the_clerk_resubmits(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a return needs a reason, which the clerk sees, and that he can correct and resubmit."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    head = signed_in(app, "head")
    response = head.post(f"/approvals/{submission}/return", data={"reason": "  "})
    assert response.status_code == 422
    assert "退回应当写明理由" in article(response.get_data(as_text=True), submission)
    reason = "案由表述不准确，请写明<违法行为>"
    response = head.post(f"/approvals/{submission}/return", data={"reason": reason})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case_id}"
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "负责人退回：立案审批表" in shown
    assert "案由表述不准确，请写明&lt;违法行为&gt;" in shown
    link = f"/documents/new/case_opening?case={case_id}&amp;returned={submission}"
    assert link in shown
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "请据此修改后重新提交" in form
    assert sample("case_opening")["summary"] in form
    assert f'name="case" value="{case_id}"' in form
    corrected = sample("case_opening") | {"cause": "擅自提供属于国家所有的档案案"}
    response = issue_via_form(client, "case_opening", posted(corrected, case=str(case_id)))
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case_id}"
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已提交，等待负责人审批" in shown and "负责人退回：立案审批表</h2>" not in shown
    assert count(app, Case) == 1 and count(app, Document) == 0
    assert waiting_id(app, case_id, "case_opening") != submission


def test_returned_form_is_only_the_returned_one(app: Flask, client: FlaskClient) -> None:
    """This test ensures that ?returned= brings back only a returned submission of that kind and case."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    waiting = f"/documents/new/case_opening?case={case_id}&returned={submission}"
    assert client.get(waiting).status_code == 404  # still waiting, not returned
    signed_in(app, "head").post(f"/approvals/{submission}/return", data={"reason": "补充案情"})
    assert client.get(waiting).status_code == 200
    other_kind = f"/documents/new/penalty_decision?case={case_id}&returned={submission}"
    assert client.get(other_kind).status_code == 404


def test_decided_twice_is_refused(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a submission decided already cannot be approved again: 409 and a message."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    head = signed_in(app, "head")
    head.post(f"/approvals/{submission}/return", data={"reason": "补充案情"})
    response = head.post(f"/approvals/{submission}/approve", data={"opinion": "同意"})
    assert response.status_code == 409
    assert "已经审批过了" in response.get_data(as_text=True)
    assert head.post("/approvals/9999/approve", data={}).status_code == 404


def test_extension_is_approved_on_the_approvals_page(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the head approves an extension from the approvals page and the case counts its days."""
    case_id = approved_case(app, client)
    client.post(f"/cases/{case_id}/extension", data={"days": "30", "reason": "需要调取外地证据"})
    submission = waiting_id(app, case_id, "extension")
    head = signed_in(app, "head")
    shown = article(head.get("/approvals").get_data(as_text=True), submission)
    assert "延长办案期限 30 天" in shown and "需要调取外地证据" in shown
    assert "preview.pdf" not in shown
    response = head.post(f"/approvals/{submission}/approve", data={"opinion": "同意延长"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case_id}"
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "30 天（经负责人批准）" in page and "同意延长" in page


def test_preview_of_a_submission(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the head can open a submitted instrument as a PDF preview, without a number."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    with signed_in(app, "head").get(f"/approvals/{submission}/preview.pdf") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert count(app, Document) == 0


def test_facts_that_no_longer_pass_are_not_numbered(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a submission whose facts fail when approved stays waiting, the head told why by field."""
    case_id = open_by_web(app, client)
    submission = waiting_id(app, case_id, "case_opening")
    with app.extensions["wenshu"].database.session() as session:
        deactivate_unit(session, sample("case_opening")["party_name"])
    head = signed_in(app, "head")
    response = head.post(f"/approvals/{submission}/approve", data={"opinion": "同意"})
    assert response.status_code == 422
    shown = article(response.get_data(as_text=True), submission)
    assert "未能编号印发，申请仍在等待审批：当事人姓名或者名称：" in shown
    assert "请退回承办人修改" in shown
    assert waiting_id(app, case_id, "case_opening") == submission
    assert count(app, Document) == 0
