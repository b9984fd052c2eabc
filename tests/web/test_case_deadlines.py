"""Tests of the deadlines page listing what falls due in open cases, each with its case."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.acts.casework import Approval
from service.acts.duedates import archive_due_items
from service.acts.issuing import issue_document
from service.acts.opening import open_approved_case, open_case
from service.archive.units import import_units
from service.cases.status import CLOSED
from service.database.models import Case, Document
from service.services import Wenshu
from tests.conftest import sample, signed_in

UNITS = Path(__file__).resolve().parents[2] / "samples" / "units.csv"
CLERK = "李卫东"
TODAY = dt.date(2026, 3, 12)
STATEMENT = "陈述、申辩期限届满"
HEARING = "要求听证的期限届满"
DECIDE = "作出行政处罚决定的期限届满"


def opened(app: Flask) -> tuple[Wenshu, Document]:
    """Return the service and the 立案审批表 of the story's case, opened and approved on 4 February."""
    wenshu: Wenshu = app.extensions["wenshu"]
    with wenshu.database.session() as session:
        import_units(session, UNITS)
    approval = Approval(head="刘建平", opinion="同意立案调查", day=dt.date(2026, 2, 4), via="cli")
    return wenshu, open_approved_case(wenshu, sample("case_opening"), CLERK, approval)


def in_case(wenshu: Wenshu, kind: str, case_id: int, **changes: Any) -> Document:
    """Issue a kind from its sample in the case."""
    return issue_document(wenshu, kind, sample(kind) | changes, CLERK, case_id=case_id)


def change(wenshu: Wenshu, table: type[Any], row_id: int, **values: Any) -> None:
    """Set columns of one row, as a step of the case not under test would have left them."""
    with wenshu.database.session() as session:
        row = session.get(table, row_id)
        for name, value in values.items():
            setattr(row, name, value)


def rows_of(page: str) -> list[str]:
    """Return the table rows of the deadlines page."""
    return re.findall(r"<tr[^>]*>(?:(?!</tr>).)*</tr>", page, re.S)


def test_an_open_case_lists_its_deadlines_with_the_case(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the page lists a served notice's windows and the 90 days, each linked to its case."""
    app.config["TODAY"] = TODAY
    wenshu, opening = opened(app)
    case_id = opening.case_id
    assert case_id is not None
    notice = in_case(wenshu, "penalty_notice", case_id)
    change(wenshu, Document, notice.id, served_on=dt.date(2026, 3, 11))
    page = client.get("/deadlines").get_data(as_text=True)
    link = f'<a href="/cases/{case_id}">{opening.number}</a>'
    assert "<th>案件</th>" in page
    statement = next(row for row in rows_of(page) if STATEMENT in row)
    assert "2026-03-16" in statement and link in statement and notice.number in statement
    assert "岳阳君信档案数字化服务有限公司" in statement and "还有 4 天" in statement
    hearing = next(row for row in rows_of(page) if HEARING in row)
    assert "2026-03-18" in hearing and link in hearing
    decide = next(row for row in rows_of(page) if DECIDE in row)
    assert "2026-05-06" in decide and link in decide and "muted" in decide  # no document of its own


def test_an_order_served_in_an_open_case_is_listed_once(app: Flask) -> None:
    """This test ensures that an enforcement notice issued in an open case is listed once, as the case's."""
    wenshu, opening = opened(app)
    assert opening.case_id is not None
    order = in_case(wenshu, "enforcement_notice", opening.case_id)
    with wenshu.database.session() as session:
        items = [item for item in archive_due_items(session, TODAY) if item.document_id == order.id]
    assert [(item.due, item.case_id, item.case_number) for item in items] == [
        (dt.date(2026, 5, 29), opening.case_id, opening.number)
    ]


def test_cases_awaiting_approval_or_closed_list_nothing(app: Flask) -> None:
    """This test ensures that only open cases are listed: not one awaiting 立案, not one closed."""
    wenshu, opening = opened(app)
    assert opening.case_id is not None
    awaiting, _submission = open_case(wenshu, sample("case_opening"), CLERK)
    with wenshu.database.session() as session:
        listed = {item.case_id for item in archive_due_items(session, TODAY)}
    assert opening.case_id in listed and awaiting.id not in listed
    change(wenshu, Case, opening.case_id, status=CLOSED)
    with wenshu.database.session() as session:
        assert all(item.case_id is None for item in archive_due_items(session, TODAY))


def test_a_case_document_the_reader_may_not_see_sets_nothing_due(app: Flask) -> None:
    """This test ensures that a classified notice's windows are left out for a clerk and shown to an admin."""
    app.config["TODAY"] = TODAY
    wenshu, opening = opened(app)
    assert opening.case_id is not None
    notice = in_case(wenshu, "penalty_notice", opening.case_id)
    change(wenshu, Document, notice.id, served_on=dt.date(2026, 3, 11), classification="秘密")
    clerk = signed_in(app, "clerk").get("/deadlines").get_data(as_text=True)
    assert STATEMENT not in clerk and notice.number not in clerk and DECIDE in clerk
    admin = signed_in(app, "admin").get("/deadlines").get_data(as_text=True)
    assert STATEMENT in admin and notice.number in admin
