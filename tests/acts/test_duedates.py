"""Tests of due dates computed from issued documents: 复查 windows, corrections, reports, circulars."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forms.annual_report import report_due
from forms.safety_circular import circular_due
from service.acts.due_pages import due_first, due_page
from service.acts.duedates import UNKNOWN_CALENDAR, DueItem, agenda, archive_due_items
from service.acts.issuing import issue_document
from service.archive.voiding import void_document
from service.database.models import Document
from service.services import Wenshu
from tests.conftest import sample

pytestmark = pytest.mark.office
D = dt.date
NOTICE_REVIEW = "复查申请期限届满（自成文日期起10日）"
CIRCULAR_2025 = "发布2025年度全区档案安全通报"
REPORTS_2025 = "报送2025年度档案工作情况报告"


def issue(wenshu: Wenshu, kind: str, **changes: Any) -> Document:
    """Return a document issued from the kind's sample facts with some facts changed."""
    return issue_document(wenshu, kind, sample(kind) | changes, "王文书")


def due(wenshu: Wenshu, today: dt.date) -> list[DueItem]:
    """Return everything due as of today."""
    with wenshu.database.session() as session:
        return archive_due_items(session, today)


def void(wenshu: Wenshu, document: Document) -> None:
    """Void a document."""
    with wenshu.database.session() as session:
        void_document(session, document.id, "测试作废", "李科长")


def of(items: list[DueItem], what: str) -> list[DueItem]:
    """Return the items whose description is what."""
    return [item for item in items if item.what == what]


def test_supervision_notice_sets_review_window_and_deadline(wenshu: Wenshu) -> None:
    """This test ensures that a notice brings its 10-day 复查 window and its 执行期限, with days left."""
    notice = issue(wenshu, "supervision_notice")  # issued 2026-03-05, 执行期限 2026-04-10
    items = due(wenshu, D(2026, 3, 10))
    review = of(items, NOTICE_REVIEW)
    assert [(i.due, i.days_left, i.number, i.document_id) for i in review] == [
        (D(2026, 3, 16), 6, notice.number, notice.id)  # 15 March is a Sunday: moved on
    ]
    assert review[0].unit == "岳阳市君山区钱粮湖镇人民政府"
    execution = of(items, "执行处理决定的期限")
    assert [(i.due, i.days_left, i.overdue) for i in execution] == [(D(2026, 4, 10), 31, False)]
    later = of(due(wenshu, D(2026, 4, 12)), "执行处理决定的期限")
    assert (later[0].days_left, later[0].overdue) == (-2, True)


def test_review_decision_closes_the_window_until_voided(wenshu: Wenshu) -> None:
    """This test ensures that an issued 复查决定书 on a notice ends its 复查 item, a voided one does not."""
    notice = issue(wenshu, "supervision_notice")
    other = issue(wenshu, "supervision_notice", inspected_body="岳阳市君山区许市镇人民政府")
    review = issue(wenshu, "review_decision", notice_number=notice.number)
    items = due(wenshu, D(2026, 3, 10))
    assert [i.number for i in of(items, NOTICE_REVIEW)] == [other.number]
    assert len(of(items, "执行处理决定的期限")) == 2  # the 复查 does not end the execution deadline
    void(wenshu, review)
    assert [i.number for i in of(due(wenshu, D(2026, 3, 10)), NOTICE_REVIEW)] == [
        notice.number,
        other.number,
    ]


def test_voided_documents_count_for_nothing(wenshu: Wenshu) -> None:
    """This test ensures that a voided notice, enforcement notice or order sets no due date."""
    documents = [
        issue(wenshu, "supervision_notice"),
        issue(wenshu, "enforcement_notice"),
        issue(wenshu, "correction_order"),
    ]
    assert {i.number for i in due(wenshu, D(2026, 3, 10)) if i.number} == {
        d.number for d in documents
    }
    for document in documents:
        void(wenshu, document)
    assert [i.number for i in due(wenshu, D(2026, 3, 10)) if i.number] == []


def test_correction_deadlines(wenshu: Wenshu) -> None:
    """This test ensures that the deadline of an enforcement notice and of a correction order are due."""
    enforcement = issue(wenshu, "enforcement_notice")  # 改正期限 2026-05-29
    order = issue(wenshu, "correction_order")  # 改正期限 2026-11-06
    items = due(wenshu, D(2026, 5, 1))
    assert [(i.due, i.number, i.unit) for i in of(items, "改正期限")] == [
        (D(2026, 5, 29), enforcement.number, "岳阳市君山区自然资源局")
    ]
    assert [(i.due, i.number, i.unit) for i in of(items, "改正期限（补报自查报告）")] == [
        (D(2026, 11, 6), order.number, "岳阳市君山区良心堡镇人民政府")
    ]


def test_annual_reports_of_registered_units_not_yet_filed(wenshu: Wenshu) -> None:
    """This test ensures that each unit of the latest audit summary's register without last year's report is due."""
    report = issue(wenshu, "annual_report")  # 岳阳市君山区财政局, on 2025
    issue(wenshu, "annual_report", unit="岳阳市君山区教育局", report_year=2024)  # another year
    summary = sample("audit_summary")
    older = summary | {
        "audit_year": 2024,
        "issue_date": "2025-10-20",
        "register": [{"unit": "只在旧名册中的单位"}],
        "audit_notes": [],
        "paper_reports": [],
    }
    issue_document(wenshu, "audit_summary", older, "王文书")
    issue_document(wenshu, "audit_summary", summary, "王文书")
    items = of(due(wenshu, D(2026, 9, 1)), REPORTS_2025)
    # The 财政局 reported in the archive; the summary records two reports received on paper.
    paper = {row["unit"] for row in summary["paper_reports"]}
    units = [
        row["unit"]
        for row in summary["register"]
        if row["unit"] != "岳阳市君山区财政局" and row["unit"] not in paper
    ]
    assert sorted(i.unit for i in items) == sorted(units)
    assert len(items) == 9
    assert {(i.due, i.days_left, i.document_id) for i in items} == {
        (report_due(2025), (report_due(2025) - D(2026, 9, 1)).days, None)
    }
    void(wenshu, report)
    assert len(of(due(wenshu, D(2026, 9, 1)), REPORTS_2025)) == 10


def test_annual_reports_without_a_register(wenshu: Wenshu) -> None:
    """This test ensures that before any audit summary one item stands for all registered units."""
    items = of(due(wenshu, D(2026, 9, 1)), REPORTS_2025)
    assert [(i.due, i.unit) for i in items] == [(D(2026, 9, 30), "登记备份名册内各单位")]


def test_circular_due_until_issued(wenshu: Wenshu) -> None:
    """This test ensures that last year's circular is due 31 January (moved off the weekend) until one is issued."""
    items = of(due(wenshu, D(2026, 1, 5)), CIRCULAR_2025)
    assert [(i.due, i.note) for i in items] == [(circular_due(2025), "")]
    assert circular_due(2025) == D(2026, 2, 2)  # 31 January 2026 is a Saturday
    circular = issue(wenshu, "safety_circular")  # on 2025
    issue(wenshu, "safety_circular", assessment_year=2024, issue_date="2025-01-20")
    assert of(due(wenshu, D(2026, 1, 5)), CIRCULAR_2025) == []
    void(wenshu, circular)
    assert len(of(due(wenshu, D(2026, 1, 5)), CIRCULAR_2025)) == 1


def test_unknown_holiday_calendar_gives_plain_date_with_note(wenshu: Wenshu) -> None:
    """This test ensures that a window ending in a year the calendar does not know shows the plain date and says so."""
    notice = issue(wenshu, "supervision_notice", issue_date="2027-12-28", deadline="2028-01-31")
    items = due(wenshu, D(2028, 1, 2))
    review = of(items, NOTICE_REVIEW)
    assert [(i.due, i.note, i.number) for i in review] == [
        (D(2028, 1, 7), UNKNOWN_CALENDAR, notice.number)
    ]
    reports = of(items, "报送2027年度档案工作情况报告")
    assert [(i.due, i.note) for i in reports] == [(D(2028, 9, 30), UNKNOWN_CALENDAR)]
    circular = of(items, "发布2027年度全区档案安全通报")
    assert [(i.due, i.note) for i in circular] == [(D(2028, 1, 31), UNKNOWN_CALENDAR)]


def test_sorted_and_split_into_overdue_and_window(wenshu: Wenshu) -> None:
    """This test ensures that items come earliest first and the agenda keeps overdue ones and the next 90 days."""
    issue(wenshu, "supervision_notice")  # 复查 2026-03-16, 执行 2026-04-10
    issue(wenshu, "enforcement_notice")  # 改正 2026-05-29
    issue(wenshu, "correction_order")  # 改正 2026-11-06
    today = D(2026, 4, 1)
    items = due(wenshu, today)
    assert [i.due for i in items] == sorted(i.due for i in items)
    plan = agenda(items)
    assert [i.due for i in plan.overdue] == [D(2026, 2, 2), D(2026, 3, 16)]
    assert [i.due for i in plan.upcoming] == [D(2026, 4, 10), D(2026, 5, 29)]
    assert all(i.days_left <= 90 for i in plan.upcoming)
    assert [i.due for i in agenda(items, 7).upcoming] == []
    assert [i.due for i in agenda(due(wenshu, D(2026, 4, 3)), 7).upcoming] == [D(2026, 4, 10)]


def test_the_pages_and_the_desk_count_what_everything_due_lists(wenshu: Wenshu) -> None:
    """This test ensures that on each database the page's and desk's counts and rows are those of everything due."""
    issue(wenshu, "supervision_notice")  # 复查 2026-03-16, 执行 2026-04-10
    issue(wenshu, "enforcement_notice")  # 改正 2026-05-29
    today = D(2026, 4, 1)
    with wenshu.database.session() as session:
        plan = agenda(archive_due_items(session, today))
        page = due_page(session, today)
        first, computed = due_first(session, today, window=90, limit=3)
    assert [i.due for i in page.overdue] == [i.due for i in plan.overdue]
    assert [i.due for i in page.upcoming] == [i.due for i in plan.upcoming]
    assert (page.overdue_count, page.upcoming_count, page.pages) == (2, 2, 1)
    assert (first.overdue_count, first.upcoming_count) == (2, 2)
    assert [i.due for i in [*first.overdue, *first.upcoming]] == [
        D(2026, 2, 2), D(2026, 3, 16), D(2026, 4, 10)
    ]  # fmt: skip
    assert [i.what for i in computed] == [CIRCULAR_2025]
