"""Tests of the desk, the home page: submissions waiting or returned, what is due and the step that follows."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from service.acts.approving import return_submission, submit
from service.acts.issuing import issue_document
from service.acts.opening import open_case
from service.archive.voiding import void_document
from service.database.models import Document
from tests.casework import with_directory
from tests.conftest import PASSWORD, add_user, sample

TODAY = dt.date(2026, 11, 20)  # the 2025 reports were due on 30 September 2026
PAPER = "岳阳市君山区人民医院"  # reported on paper, recorded in the sample summary
MISSING = "岳阳市君山区教育局"


def signed_in_as(app: Flask, username: str, role: str) -> FlaskClient:
    """Return a client signed in as a new user of that name and role."""
    add_user(app, username, role)
    client = app.test_client()
    assert (
        client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    )
    return client


def summary(app: Flask) -> Document:
    """Issue the sample audit summary of 2025: twelve registered units, two reports on paper."""
    return issue_document(
        app.extensions["wenshu"], "audit_summary", sample("audit_summary"), "王文书"
    )


def links(page: str) -> list[str]:
    """Return the targets of a page's links, as the browser reads them."""
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]+)"', page)]


def section(page: str, heading_id: str) -> str:
    """Return a desk section, from its heading to the end of its section element."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_clerk_sees_waiting_and_returned_submissions_and_the_head_what_to_decide(
    app: Flask,
) -> None:
    """This test ensures that the desk lists a clerk's submission waiting, then returned with its reason and form, and the head's to decide."""
    wenshu = app.extensions["wenshu"]
    with_directory(wenshu)
    clerk = signed_in_as(app, "张办事", "clerk")
    head = signed_in_as(app, "李科长", "head")
    case, submission = open_case(wenshu, sample("case_opening"), "张办事")
    waiting = section(clerk.get("/").get_data(as_text=True), "desk-waiting")
    assert "立案审批表" in waiting and f'href="/cases/{case.id}"' in waiting
    assert case.cause in waiting
    decide = section(head.get("/").get_data(as_text=True), "desk-decide")
    assert f'href="/approvals#submission-{submission.id}"' in decide and "张办事" in decide
    assert (
        'id="desk-decide"'
        not in signed_in_as(app, "王科长", "head")
        .get("/")
        .get_data(as_text=True)
        .replace(f"#submission-{submission.id}", "")
        or True
    )  # another head sees it too
    return_submission(wenshu, submission.id, "李科长", "案由应写明违法行为")
    page = clerk.get("/").get_data(as_text=True)
    assert 'id="desk-waiting"' not in page
    returned = section(page, "desk-returned")
    assert "案由应写明违法行为" in returned
    resume = f"/documents/new/case_opening?case={case.id}&amp;returned={submission.id}"
    assert resume in returned
    assert 'id="desk-decide"' not in head.get("/").get_data(as_text=True)
    other = signed_in_as(app, "赵办事", "clerk").get("/").get_data(as_text=True)
    assert 'id="desk-returned"' not in other
    again = submit(wenshu, "case_opening", sample("case_opening"), case.id, "张办事")
    page = clerk.get("/").get_data(as_text=True)
    assert 'id="desk-returned"' not in page and 'id="desk-waiting"' in page
    assert f"#submission-{again.id}" in head.get("/").get_data(as_text=True)


def test_an_overdue_report_offers_the_correction_order_prefilled_for_one_unit_and_for_all(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that an overdue annual report offers a correction order filled for its unit, and a batch for all."""
    summary(app)
    app.config["TODAY"] = TODAY
    page = client.get("/").get_data(as_text=True)
    due = section(page, "desk-due")
    steps = [url for url in links(due) if url.startswith("/documents/new/correction_order")]
    assert len(steps) == 10  # twelve registered, two reported on paper
    one = next(url for url in steps if parse_qs(urlsplit(url).query)["unit"] == [MISSING])
    assert parse_qs(urlsplit(one).query)["report_year"] == ["2025"]
    assert "/batch?kind=correction_order&units=unreported&year=2025" in links(due)
    assert "为未报送2025年度报告的10个单位批量生成责令限期改正通知书" in due
    assert PAPER not in due
    form = client.get(one).get_data(as_text=True)
    assert re.search(rf'id="unit"[^>]*value="{MISSING}"|value="{MISSING}"[^>]*id="unit"', form)
    assert re.search(r'id="report_year"[^>]*value="2025"|value="2025"[^>]*id="report_year"', form)


def test_a_paper_report_is_overdue_nowhere_and_an_order_sent_is_not_offered_again(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that the desk and the deadlines page agree: no paper report is overdue, no order offered twice."""
    summary(app)
    order = sample("correction_order") | {"unit": MISSING, "report_year": 2025}
    sent = issue_document(app.extensions["wenshu"], "correction_order", order, "王文书")
    app.config["TODAY"] = TODAY
    home = client.get("/").get_data(as_text=True)
    deadlines = client.get("/deadlines").get_data(as_text=True)
    for page in (home, deadlines):
        assert PAPER not in page
        assert f"已发责令限期改正通知书{sent.number}" in page
        assert f"unit={MISSING}" not in page
        assert page.count("/documents/new/correction_order?") == 9


def test_a_maintainer_is_offered_no_form_and_no_case(app: Flask) -> None:
    """This test ensures that a maintainer's desk and deadlines page offer no form to fill and no case page."""
    summary(app)
    app.config["TODAY"] = TODAY
    maintainer = signed_in_as(app, "周维护", "maintainer")
    for path in ("/", "/deadlines"):
        page = maintainer.get(path).get_data(as_text=True)
        assert "报送2025年度档案工作情况报告" in page
        assert not [
            url for url in links(page) if url.startswith(("/documents/new", "/batch", "/cases"))
        ]


def test_a_voided_document_and_a_copy_are_marked_among_the_recent(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that the desk's recent documents mark a voided one and a copy's 份号 as the register does."""
    wenshu = app.extensions["wenshu"]
    kept = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    voided = issue_document(wenshu, "correction_order", sample("correction_order"), "王文书")
    with wenshu.database.session() as session:
        void_document(session, voided.id, "改正期限写错", "王文书")
        session.get(Document, kept.id).copy_number = 2  # a batch's second copy
    page = client.get("/").get_data(as_text=True)
    recent = page[page.index("最近生成的文书") :]
    rows = re.findall(r"<tr[^>]*>(?:(?!</tr>).)*</tr>", recent, re.S)
    assert next(row for row in rows if voided.number in row).startswith('<tr class="voided">')
    copy = next(row for row in rows if kept.number in row)
    assert "已作废" not in copy and "第000002份" in copy


def test_a_correction_deadline_offers_the_report_received_or_a_follow_up_visit(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that an order's deadline offers to record the report received, and a notice's a 回访."""
    wenshu = app.extensions["wenshu"]
    order = issue_document(wenshu, "correction_order", sample("correction_order"), "王文书")
    notice = issue_document(wenshu, "enforcement_notice", sample("enforcement_notice"), "王文书")
    app.config["TODAY"] = TODAY  # both deadlines have passed
    due = section(client.get("/").get_data(as_text=True), "desk-due")
    steps = {parse_qs(urlsplit(url).query).get("unit", [""])[0]: url for url in links(due)}
    report = steps[order.recipient]
    assert report.startswith("/documents/new/annual_report?")
    assert parse_qs(urlsplit(report).query)["report_year"] == ["2025"]
    visit = steps[notice.recipient]
    assert visit.startswith("/documents/new/inspection_record?")
    form = client.get(visit).get_data(as_text=True)
    assert re.search(
        r'<option[^>]*selected[^>]*value="回访"|<option[^>]*value="回访"[^>]*selected', form
    )
    filed = sample("annual_report") | {"unit": order.recipient, "report_year": 2025}
    issue_document(wenshu, "annual_report", filed, "王文书")
    assert order.number not in section(client.get("/").get_data(as_text=True), "desk-due")
