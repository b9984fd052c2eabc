"""Tests of rules that cite earlier documents: one of a 密级 the issuer may not see is not there.

A 复查决定书 names its supervision notice by 文号, a 责令限期改正通知书 must not be issued to a
unit whose annual report is on file, an audit summary lists the reports received. For a
clerk, a secret document is answered in each of them exactly as one that does not exist.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from service.accounts.users import create_token
from service.acts.previewing import preview_pdf
from service.archive.access import visible_classifications
from service.batch.executor import run_job
from service.batch.jobs import create_job
from service.batch.planning import RowsInvalid
from service.batch.validation import SnapshotArchive, check_rows
from service.database.models import Document
from service.instruments.registry import get_instrument
from service.web.documents import facts_as_formdata
from tests import pdfcheck
from tests.conftest import PASSWORD, add_user, sample
from tests.web.issuing import issue_via_form
from tests.web.test_api import JSON, bearer, post, token_for
from tests.web.test_classified import classify, issue_secret

pytestmark = pytest.mark.office

DECISION = "review_decision"
NOTICE_UNIT = sample("supervision_notice")["inspected_body"]
NOTICE_NUMBER = "君档监通〔2026〕1号"  # what the first supervision notice is numbered


def clerk_with_token(app: Flask, name: str = "办事员乙") -> tuple[FlaskClient, dict[str, str]]:
    """Return a signed-in browser and an API token header of one clerk."""
    add_user(app, name, "clerk")
    browser = app.test_client()
    signed = browser.post("/login", data={"username": name, "password": PASSWORD})
    assert signed.status_code == 302
    with app.extensions["wenshu"].database.session() as session:
        return browser, bearer(create_token(session, name))


def every_answer(
    browser: FlaskClient, headers: dict[str, str], facts: dict[str, Any]
) -> dict[str, tuple[int, bytes]]:
    """Return each door's answer to a 复查决定书 with these facts: status and body.

    The doors: the web form (issue and preview), the JSON API, and a batch of one row through
    the API and through the web upload.
    """
    form = f"/documents/new/{DECISION}"
    common = {name: value for name, value in facts.items() if name != "applicant"}
    row = {"applicant": facts["applicant"]}
    answers = {
        "web": issue_via_form(browser, DECISION, facts),
        "preview": browser.post(form, data=facts | {"action": "preview"}),
        "api": post(browser, headers, {"kind": DECISION, "facts": facts}),
        "api batch": browser.post(
            "/api/batches", content_type=JSON, headers=headers,
            data=json.dumps({"kind": DECISION, "facts": common, "rows": [row]}),
        ),
        "web batch": browser.post(
            "/batch", content_type="multipart/form-data",
            data=MultiDict([*facts_as_formdata(common).items(multi=True),
                            ("kind", DECISION), ("source", "table"),
                            ("recipients", (io.BytesIO(f"applicant\n{row['applicant']}\n".encode()), "表.csv"))]),
        ),
    }  # fmt: skip
    # What differs on every page by design: the staging token and the time-signed CSRF token.
    fresh = re.compile(rb'name="(?:token|csrf_token)" value="[^"]*"')
    return {
        door: (answer.status_code, fresh.sub(b"", answer.get_data()))
        for door, answer in answers.items()
    }


def readable(body: bytes) -> str:
    """Return an answer's body as text, JSON with its Chinese unescaped."""
    text = body.decode("utf-8")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


VARIANTS = {
    "as filed": {},
    # Each rule below reads the notice; its message would quote the notice's unit or date.
    "another applicant": {"applicant": "岳阳市君山区许市镇人民政府"},
    "another issuer": {"issuer": "岳阳市档案局"},
    "received before issue": {
        "notice_received_date": "2026-03-01",
        "application_date": "2026-03-06",
        "decision_date": "2026-03-10",
    },
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_hidden_notice_is_answered_as_a_missing_one_at_every_door(
    app: Flask, variant: str
) -> None:
    """This test ensures that a 复查决定书 citing a secret notice gets, at every door (web form,
    preview, API, batch by API and by upload), the very answer it got before the notice existed:
    same status, same bytes, nothing of the notice; an administrator's answer shows the notice."""
    facts = sample(DECISION) | VARIANTS[variant]
    browser, headers = clerk_with_token(app)
    before = every_answer(browser, headers, facts)
    assert before["api"][0] == 422 and "档案中没有文号为" in readable(before["api"][1])
    notice = issue_secret(app)
    assert notice.number == NOTICE_NUMBER == facts["notice_number"]
    after = every_answer(browser, headers, facts)
    for door, answer in after.items():
        assert answer == before[door], door
        typed = facts["applicant"] == NOTICE_UNIT  # the clerk's own words come back
        assert typed or NOTICE_UNIT not in readable(answer[1]), door
    if variant == "another applicant":
        admin = bearer(token_for(app, "admin"))
        refused = post(app.test_client(), admin, {"kind": DECISION, "facts": facts})
        assert refused.status_code == 422
        assert f"被检查单位“{NOTICE_UNIT}”" in json.dumps(refused.get_json(), ensure_ascii=False)


def test_a_correction_order_is_not_refused_by_a_report_the_clerk_may_not_see(app: Flask) -> None:
    """This test ensures that a secret annual report neither refuses a clerk's correction order nor
    shows its 文号 or date to him, while an administrator is refused with its 文号."""
    report = issue_secret(app, "annual_report", sample("annual_report") | {
        "unit": sample("correction_order")["unit"]})  # fmt: skip
    order = {"kind": "correction_order", "facts": sample("correction_order")}
    api = app.test_client()
    refused = post(api, bearer(token_for(app, "admin")), order)
    assert refused.status_code == 422 and report.number in readable(refused.get_data())
    issued = post(api, bearer(token_for(app, "clerk")), order)
    assert issued.status_code == 201, issued.get_data(as_text=True)
    body = readable(issued.get_data())
    assert report.number not in body and "2026年3月20日" not in body


def test_an_audit_summary_counts_no_report_its_issuer_may_not_see(
    app: Flask, tmp_path: Path
) -> None:
    """This test ensures that the audit summary a clerk issues lists a unit whose report is secret
    as not reported, without the report's 文号, while an administrator's lists the report."""
    report = issue_secret(app, "annual_report")
    unit = report.recipient
    summary = {"kind": "audit_summary", "facts": sample("audit_summary")}
    api = app.test_client()
    texts = {}
    for role in ("clerk", "admin"):
        headers = bearer(token_for(app, role))
        issued = post(api, headers, summary)
        assert issued.status_code == 201, issued.get_data(as_text=True)
        with api.get(issued.get_json()["pdf_url"], headers=headers) as pdf:
            (tmp_path / f"{role}.pdf").write_bytes(pdf.data)
        texts[role] = pdfcheck.text(tmp_path / f"{role}.pdf")
        warnings = "".join(issued.get_json()["warnings"])
        assert (f"{unit}没有报送2025年度报告" in warnings) == (role == "clerk"), role
    assert report.number not in texts["clerk"] and report.number in texts["admin"]

    browser, _ = clerk_with_token(app)  # the web form issues as the API does
    form = facts_as_formdata(sample("audit_summary"))
    made = issue_via_form(browser, "audit_summary", form)
    assert made.status_code == 302, made.get_data(as_text=True)
    with browser.get(made.headers["Location"] + "/pdf") as pdf:
        (tmp_path / "web.pdf").write_bytes(pdf.data)
    assert report.number not in pdfcheck.text(tmp_path / "web.pdf")


def test_a_preview_reads_only_what_its_reader_may_see(app: Flask, tmp_path: Path) -> None:
    """This test ensures that a preview of an audit summary for a clerk's 密级 leaves out a secret
    report, while one for every 密级 lists it."""
    report = issue_secret(app, "annual_report")
    services = app.extensions["wenshu"]
    facts = sample("audit_summary")
    for visible, listed in ((visible_classifications("clerk", {}), False), (None, True)):
        (tmp_path / "preview.pdf").write_bytes(
            preview_pdf(services, "audit_summary", facts, "办事员", classifications=visible)
        )
        assert (report.number in pdfcheck.text(tmp_path / "preview.pdf")) == listed


def test_a_batch_row_is_checked_again_as_its_issuer_may_see(app: Flask) -> None:
    """This test ensures that a clerk's batch whose notice became secret after it was checked stops
    at its row, as for a missing notice, instead of issuing a decision on it."""
    services = app.extensions["wenshu"]
    notice = issue_secret(app)
    classify(app, notice, "公开")  # visible when the job is checked
    add_user(app, "办事员丙", "clerk")
    instrument = get_instrument(DECISION)
    facts = sample(DECISION)
    common = {name: value for name, value in facts.items() if name != "applicant"}
    rows = [(2, {"applicant": facts["applicant"]})]
    check = check_rows(instrument, common, rows, SnapshotArchive(services.database), {})
    assert check.valid
    job = create_job(services, instrument, common, check, "办事员丙")
    classify(app, notice, "秘密")
    with pytest.raises(RowsInvalid) as stopped:
        run_job(services, job.id)
    message = str(stopped.value)
    assert f"档案中没有文号为{NOTICE_NUMBER}的文书" in message and NOTICE_UNIT not in message
    with services.database.session() as session:
        decisions = select(func.count(Document.id)).where(Document.kind == DECISION)
        assert session.scalar(decisions) == 0
