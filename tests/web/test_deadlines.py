"""Tests of the deadlines page and the home page's count of what is overdue and due soon."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.acts.duedates import UNKNOWN_CALENDAR
from service.acts.issuing import issue_document
from service.archive.voiding import void_document
from service.database.models import Document
from tests.conftest import sample, signed_in

pytestmark = pytest.mark.office


def issue(app: Flask, kind: str, **changes: Any) -> Document:
    """Return a document issued from the kind's sample facts with some facts changed."""
    return issue_document(app.extensions["wenshu"], kind, sample(kind) | changes, "王文书")


def section(page: str, heading: str) -> str:
    """Return the part of the page from a heading to the next heading or the end."""
    start = page.index(heading)
    end = page.find("<h2", start + 1)
    return page[start : end if end > 0 else len(page)]


@pytest.fixture
def documents(app: Flask) -> dict[str, Document]:
    """A supervision notice, an enforcement notice and a correction order of 2026."""
    return {
        "notice": issue(app, "supervision_notice"),  # 复查 2026-03-16, 执行期限 2026-04-10
        "enforcement": issue(app, "enforcement_notice"),  # 改正期限 2026-05-29
        "order": issue(app, "correction_order"),  # 改正期限 2026-11-06
    }


def test_overdue_first_in_red_then_the_next_90_days(
    app: Flask, client: FlaskClient, documents: dict[str, Document]
) -> None:
    """This test ensures that overdue items come first, marked red, then what is due within 90 days."""
    app.config["TODAY"] = dt.date(2026, 4, 1)
    response = client.get("/deadlines")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<a href="/deadlines">到期事项</a>' in page  # in the navigation
    assert "截至 2026-04-01" in page
    overdue = section(page, "已逾期 <span")
    upcoming = section(page, "未来 90 天内到期")
    assert page.index("已逾期 <span") < page.index("未来 90 天内到期")
    rows = re.findall(r'<tr class="overdue">.*?</tr>', overdue, re.S)
    assert len(rows) == 2
    assert "2026-02-02" in rows[0] and "发布2025年度全区档案安全通报" in rows[0]
    assert "已逾期 58 天" in rows[0]
    notice = documents["notice"]
    assert "2026-03-16" in rows[1] and "复查申请期限届满" in rows[1] and "已逾期 16 天" in rows[1]
    assert f'<a href="/documents/{notice.id}">{notice.number}</a>' in rows[1]
    assert "岳阳市君山区钱粮湖镇人民政府" in rows[1]
    assert re.findall(r"\d{4}-\d\d-\d\d(?=<)", upcoming) == ["2026-04-10", "2026-05-29"]
    assert "还有 9 天" in upcoming and "执行处理决定的期限" in upcoming
    assert documents["enforcement"].number in upcoming
    assert "overdue" not in upcoming
    # Beyond the 90 days: the annual reports (30 September) and the order's deadline.
    assert "2026-09-30" not in page and "2026-11-06" not in page


def test_voided_documents_are_left_out(
    app: Flask, client: FlaskClient, documents: dict[str, Document]
) -> None:
    """This test ensures that a voided document's deadline is no longer listed."""
    app.config["TODAY"] = dt.date(2026, 4, 1)
    with app.extensions["wenshu"].database.session() as session:
        void_document(session, documents["enforcement"].id, "改正期限写错", "王文书")
    page = client.get("/deadlines").get_data(as_text=True)
    assert documents["enforcement"].number not in page and "2026-05-29" not in page
    assert documents["notice"].number in page


def test_today_and_nothing_due(app: Flask, client: FlaskClient) -> None:
    """This test ensures that an item due today says so and empty sections say there is nothing."""
    issue(app, "safety_circular")  # the 2025 circular is out: nothing from it
    app.config["TODAY"] = dt.date(2026, 9, 30)
    page = client.get("/deadlines").get_data(as_text=True)
    assert "没有逾期事项" in page
    assert "今天到期" in page and "报送2025年度档案工作情况报告" in page


def test_unknown_holiday_calendar_is_noted(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a due date in a year without a holiday calendar is shown plain, with a note."""
    issue(app, "supervision_notice", issue_date="2027-12-28", deadline="2028-01-31")
    app.config["TODAY"] = dt.date(2028, 1, 2)
    page = client.get("/deadlines").get_data(as_text=True)
    review = re.search(r"<tr[^>]*>(?:(?!</tr>).)*复查申请期限届满.*?</tr>", page, re.S)
    assert review and "2028-01-07" in review.group(0) and UNKNOWN_CALENDAR in review.group(0)


def test_home_counts_overdue_and_due_within_a_week(
    app: Flask, client: FlaskClient, documents: dict[str, Document]
) -> None:
    """This test ensures that the home page counts overdue items and those due within 7 days, with a link."""
    app.config["TODAY"] = dt.date(2026, 4, 3)
    page = client.get("/").get_data(as_text=True)
    summary = re.search(r'<p class="due-summary.*?</p>', page, re.S)
    assert summary
    assert "已逾期 2 项" in summary.group(0) and "7 天内到期 1 项" in summary.group(0)
    assert 'href="/deadlines"' in summary.group(0)
    app.config["TODAY"] = dt.date(2026, 1, 5)
    page = client.get("/").get_data(as_text=True)
    assert "已逾期 0 项" in page


def test_every_role_sees_deadlines_and_visitors_sign_in(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that any signed-in role sees the page and a visitor is sent to sign in."""
    assert signed_in(app, "maintainer").get("/deadlines").status_code == 200
    response = anonymous.get("/deadlines")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
