"""Tests of the case pages: the register, opening a case, a case's page, issuing in it, its extension."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from service.archive.units import import_units
from service.cases.deadlines import case_deadlines
from service.cases.records import load_case
from service.database.models import Case, Document, Submission
from service.instruments.registry import INSTRUMENTS
from service.web.cases import offered_stages
from service.web.formdata import facts_as_formdata
from tests.conftest import sample, signed_in
from tests.web.issuing import issue_at, issue_via_form

UNITS = Path(__file__).resolve().parents[2] / "samples" / "units.csv"
PARTY = "岳阳君信档案数字化服务有限公司"


def with_directory(app: Flask) -> None:
    """Fill the unit directory from the sample table: the sample case's party is listed there."""
    with app.extensions["wenshu"].database.session() as session:
        import_units(session, UNITS)


def posted(facts: dict[str, Any], **more: str) -> MultiDict[str, str]:
    """Return facts as the browser posts the form, with the page's own fields (the case) added."""
    data = facts_as_formdata(facts)
    for name, value in more.items():
        data[name] = value
    return data


def open_by_web(app: Flask, client: FlaskClient, **changes: Any) -> int:
    """Open the sample case through the 立案审批表 page; return its id."""
    with_directory(app)
    response = issue_at(client, "/cases/new", posted(sample("case_opening") | changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.fullmatch(r"/cases/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def waiting_id(app: Flask, case_id: int, kind: str) -> int:
    """Return the id of the case's submission of a kind that waits for the head."""
    with app.extensions["wenshu"].database.session() as session:
        found = session.scalar(
            select(Submission.id).where(
                Submission.case_id == case_id,
                Submission.kind == kind,
                Submission.status == "awaiting_approval",
            )
        )
    assert found is not None
    return found


def approved_case(app: Flask, client: FlaskClient) -> int:
    """Open the sample case as the clerk and have a head approve it through the approvals page."""
    case_id = open_by_web(app, client)
    head = signed_in(app, "head")
    submission = waiting_id(app, case_id, "case_opening")
    response = head.post(f"/approvals/{submission}/approve", data={"opinion": "同意立案调查"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return case_id


def count(app: Flask, table: type[Any]) -> int:
    """Return how many rows a table holds."""
    with app.extensions["wenshu"].database.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def field_html(page: str, name: str) -> str:
    """Return the HTML of one field of a form page, from its wrapper to the next field's."""
    match = re.search(
        rf'id="field-{name}".*?(?=<div class="field|<section class="field|</form>)', page, re.S
    )
    assert match, f"no field {name}"
    return match.group(0)


def test_case_pages_are_for_clerks_and_heads_only(app: Flask, client: FlaskClient) -> None:
    """This test ensures that clerks and heads see 案件 in the navigation and maintainers see nothing of cases."""
    assert "案件</a>" in client.get("/").get_data(as_text=True)
    assert client.get("/cases").status_code == 200
    head = signed_in(app, "head")
    assert 'href="/approvals"' in head.get("/cases").get_data(as_text=True)
    maintainer = signed_in(app, "maintainer")
    home = maintainer.get("/").get_data(as_text=True)
    assert 'href="/cases"' not in home and 'href="/approvals"' not in home
    case_id = open_by_web(app, client)
    for url in ("/cases", "/cases/new", f"/cases/{case_id}", "/approvals"):
        assert maintainer.get(url).status_code == 403, url
    assert 'href="/approvals"' not in client.get("/cases").get_data(as_text=True)


def test_opening_a_case_waits_for_the_head(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the 立案审批表 opens a numberless case awaiting approval, listed as 待批准."""
    page = client.get("/cases/new").get_data(as_text=True)
    assert "立案审批表" in page and "提交负责人审批" in page and 'name="cause"' in page
    case_id = open_by_web(app, client)
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已提交负责人审批" in shown
    assert 'aria-current="step">立案审批</li>' in shown
    assert "（立案待批准，尚无编号）" in shown and PARTY in shown
    register = client.get("/cases").get_data(as_text=True)
    assert "待批准" in register and sample("case_opening")["cause"] in register
    assert count(app, Document) == 0


def test_refused_case_keeps_what_was_typed(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a refused 立案审批表 shows each message at its field and keeps every value typed."""
    with_directory(app)
    facts = sample("case_opening") | {"party_name": "不在名录的<公司>", "cause": ""}
    response = issue_at(client, "/cases/new", posted(facts))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "不在本局单位名录中" in field_html(page, "party_name")
    assert "不在名录的&lt;公司&gt;" in field_html(page, "party_name")
    assert "error" in field_html(page, "cause")
    assert sample("case_opening")["summary"] in page
    assert count(app, Case) == 0


def test_register_filters_by_status(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the register lists only the cases of the status chosen, with each status's count."""
    approved = approved_case(app, client)
    waiting = open_by_web(app, client, cause="另一起擅自提供档案案")
    opened = client.get("/cases?status=立案").get_data(as_text=True)
    assert f'href="/cases/{approved}"' in opened and f'href="/cases/{waiting}"' not in opened
    awaiting = client.get("/cases?status=立案审批").get_data(as_text=True)
    assert f'href="/cases/{waiting}"' in awaiting and f'href="/cases/{approved}"' not in awaiting
    everything = client.get("/cases?status=nonsense").get_data(as_text=True)
    assert f'href="/cases/{approved}"' in everything and f'href="/cases/{waiting}"' in everything
    assert re.search(r'全部 <span class="count">2</span>', everything)


def test_unknown_case_is_404(client: FlaskClient) -> None:
    """This test ensures that a case that does not exist is not found, on its page and as a form's case."""
    assert client.get("/cases/999").status_code == 404
    assert client.get("/documents/new/inquiry_record?case=999").status_code == 404


def test_issuing_in_a_case(app: Flask, client: FlaskClient) -> None:
    """This test ensures that an instrument opened from a case is issued in it and shows on its timeline."""
    case_id = approved_case(app, client)
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"/documents/new/inquiry_record?case={case_id}" in case_page
    form = client.get(f"/documents/new/site_record?case={case_id}").get_data(as_text=True)
    assert f'name="case" value="{case_id}"' in form
    assert f'type="text" value="{PARTY}"' in field_html(form, "party_name")
    assert '<option selected value="档案服务企业">' in field_html(form, "party_type")
    assert 'value="李卫东"' in field_html(form, "officers")  # the case's officers, preset
    response = issue_via_form(
        client, "inquiry_record", posted(sample("inquiry_record"), case=str(case_id))
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].startswith("/documents/")
    with app.extensions["wenshu"].database.session() as session:
        record = session.scalars(select(Document).where(Document.kind == "inquiry_record")).one()
        assert record.case_id == case_id
        number = record.number
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"询问笔录 {number}" in shown
    assert "未登记送达" not in shown  # a record is signed, not served
    assert 'aria-current="step">调查</li>' in shown


def test_procedure_refusal_shows_at_the_top(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a step the procedure misses is said at the top of the form, the typed facts kept."""
    case_id = approved_case(app, client)
    facts = sample("penalty_decision") | {"party_name": PARTY}
    response = issue_via_form(client, "penalty_decision", posted(facts, case=str(case_id)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    top = page[page.index("<main>") : page.index('class="instrument"')]
    assert "事先告知书" in top, top
    assert f'name="case" value="{case_id}"' in page
    assert facts["facts"][:20] in page
    assert count(app, Submission) == 1  # only the approved 立案审批表


def test_outside_a_case_a_case_kind_says_where_to_go(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a case kind opened without a case points to the cases, and is refused at the top."""
    page = client.get("/documents/new/inquiry_record").get_data(as_text=True)
    assert "只能在案件中制作" in page and 'href="/cases"' in page
    response = issue_via_form(client, "inquiry_record", posted(sample("inquiry_record")))
    assert response.status_code == 422
    assert "请先立案" in response.get_data(as_text=True)


def test_home_page_leaves_case_kinds_to_the_cases(client: FlaskClient) -> None:
    """This test ensures that the home page lists no kind issued only in a case, and links to the cases instead."""
    page = client.get("/").get_data(as_text=True)
    assert "/documents/new/penalty_decision" not in page
    assert "/documents/new/case_opening" not in page
    assert "/documents/new/service_receipt" not in page  # issued by serving a document
    assert "/documents/new/supervision_notice" in page
    assert 'href="/cases/new"' in page


def test_case_page_offers_every_case_kind() -> None:
    """This test ensures that the case page offers every kind issued in cases once, but the 立案审批表 and the 送达回证 (made by serving)."""
    offered = [instrument.kind for _, kinds in offered_stages() for instrument in kinds]
    expected = {
        kind for kind, instrument in INSTRUMENTS.items()
        if instrument.case != "never" and kind not in ("case_opening", "service_receipt")
    }  # fmt: skip
    assert sorted(offered) == sorted(expected)


def test_extension_request(app: Flask, client: FlaskClient) -> None:
    """This test ensures that an extension is refused at its fields with the typed reason kept, then requested."""
    case_id = approved_case(app, client)
    response = client.post(
        f"/cases/{case_id}/extension", data={"days": "120", "reason": "案情<复杂>"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "1至90之间的整数" in field_html(page, "days")
    assert 'value="120"' in field_html(page, "days")
    assert "案情&lt;复杂&gt;" in field_html(page, "reason")
    response = client.post(f"/cases/{case_id}/extension", data={"days": "30", "reason": ""})
    assert "理由" in field_html(response.get_data(as_text=True), "reason")
    response = client.post(
        f"/cases/{case_id}/extension", data={"days": "30", "reason": "需要调取外地证据"}
    )
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "延长办案期限30天的申请已提交" in shown
    assert "等待负责人审批" in shown and "需要调取外地证据" in shown


def test_extension_of_a_case_not_yet_opened_is_refused(app: Flask, client: FlaskClient) -> None:
    """This test ensures that an extension of a case still awaiting 立案 is refused with the reason shown."""
    case_id = open_by_web(app, client)
    assert 'id="extension"' not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    response = client.post(f"/cases/{case_id}/extension", data={"days": "10", "reason": "理由"})
    assert response.status_code == 422
    assert "只有已立案、尚未结案的案件才能申请延长办案期限" in response.get_data(as_text=True)
    assert count(app, Submission) == 1


def test_case_file_waits_for_the_closing(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the 案卷 of a case not yet closed is refused with the reason, and of no case is 404."""
    case_id = approved_case(app, client)
    assert "打开案卷 PDF" not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    response = client.get(f"/cases/{case_id}/file.pdf")
    assert response.status_code == 409
    assert "结案" in response.get_data(as_text=True)
    assert client.get("/cases/999/file.pdf").status_code == 404


def test_case_deadlines_on_the_page_and_in_the_register(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the case page and the register give the case's deadlines, the overdue ones marked."""
    case_id = approved_case(app, client)
    app.config["TODAY"] = dt.date(2026, 3, 1)
    with app.extensions["wenshu"].database.session() as session:
        [limit] = case_deadlines(load_case(session, case_id), dt.date(2026, 3, 1))
    shown = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert limit.due.isoformat() in shown and limit.what in shown
    assert "已逾期" not in shown
    row = re.search(
        rf'href="/cases/{case_id}".*?</tr>', client.get("/cases").get_data(as_text=True), re.S
    )
    assert row and limit.due.isoformat() in row.group(0) and "overdue" not in row.group(0)
    app.config["TODAY"] = limit.due + dt.timedelta(days=3)
    assert "已逾期 3 天" in client.get(f"/cases/{case_id}").get_data(as_text=True)
    row = re.search(
        rf'href="/cases/{case_id}".*?</tr>', client.get("/cases").get_data(as_text=True), re.S
    )
    assert row and 'class="overdue"' in row.group(0) and "（已逾期）" in row.group(0)


def test_a_case_awaiting_approval_has_no_deadlines_yet(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a case awaiting 立案 says that its time limit runs once it is approved."""
    case_id = open_by_web(app, client)
    assert "立案批准后开始计算办案期限" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_document_of_a_case_links_its_case(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a document's page names the case it was issued in, for those who may open cases."""
    case_id = approved_case(app, client)
    with app.extensions["wenshu"].database.session() as session:
        opening = session.scalars(select(Document)).one()
        number = opening.number
    page = client.get(f"/documents/{opening.id}").get_data(as_text=True)
    assert f'所属案件</th><td><a href="/cases/{case_id}">{number}</a>' in page
    seen = signed_in(app, "maintainer").get(f"/documents/{opening.id}")
    assert seen.status_code == 200 and "所属案件" not in seen.get_data(as_text=True)
