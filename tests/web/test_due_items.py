"""Tests of the due items table: written on issue, gone on void, settled by the follow-up and unsettled with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from service.acts.due_pages import due_page
from service.acts.duedates import CORRECTION, REVIEW_WINDOW, archive_due_items
from service.acts.issuing import issue_document
from service.acts.voiding import void_issued
from service.archive.lookup import DatabaseArchiveView
from service.archive.voiding import void_document
from service.database.models import Document, DueItemRow
from service.database.schema import alembic_config
from service.services import Wenshu
from service.web.formdata import facts_as_formdata
from tests.batch.conftest import common_facts
from tests.conftest import sample
from tests.web.batch_client import wait_until_finished
from tests.web.issuing import issue_via_form

TODAY = dt.date(2026, 12, 1)  # every sample's deadline has passed
VISIT = "回访"


def issue(app: Flask, kind: str, **changes: Any) -> Document:
    """Return a document issued from the kind's sample facts with some facts changed."""
    return issue_document(app.extensions["wenshu"], kind, sample(kind) | changes, "王文书")


def rows(app: Flask, document: Document) -> list[DueItemRow]:
    """Return the table's rows for a document, by matter."""
    with app.extensions["wenshu"].database.session() as session:
        query = select(DueItemRow).where(DueItemRow.document_id == document.id)
        return list(session.scalars(query.order_by(DueItemRow.matter)))


def overdue_numbers(app: Flask) -> list[tuple[str, str]]:
    """Return the 文号 and matter of every overdue item of the deadlines page's pages."""
    wenshu: Wenshu = app.extensions["wenshu"]
    found: list[tuple[str, str]] = []
    with wenshu.database.session() as session:
        page = due_page(session, TODAY)
        for number in range(1, page.pages + 1):
            found += [
                (item.number, item.matter)
                for item in due_page(session, TODAY, page=number).overdue
                if item.number
            ]
    return found


def void(app: Flask, document: Document, through_acts: bool = True) -> None:
    """Void a document as the register's button does, or through the archive alone."""
    with app.extensions["wenshu"].database.session() as session:
        if through_acts:
            void_issued(session, document.id, "测试作废", "王文书")
        else:
            void_document(session, document.id, "测试作废", "王文书")


def test_an_issued_notice_writes_its_items_and_voiding_it_removes_them(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that a notice issued through the form puts its two items in the table, and voiding takes them out."""
    response = issue_via_form(client, "supervision_notice", sample("supervision_notice"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        notice = session.scalars(
            select(Document).where(Document.kind == "supervision_notice")
        ).one()
        session.expunge(notice)
    written = rows(app, notice)
    assert [(row.matter, row.due, row.number, row.classification) for row in written] == [
        (CORRECTION, dt.date(2026, 4, 10), notice.number, notice.classification),
        (REVIEW_WINDOW, dt.date(2026, 3, 16), notice.number, notice.classification),
    ]
    assert all(row.settled_at is None and row.unit == notice.recipient for row in written)
    assert {(n, m) for n, m in overdue_numbers(app)} == {
        (notice.number, CORRECTION),
        (notice.number, REVIEW_WINDOW),
    }
    void(app, notice)
    assert rows(app, notice) == [] and overdue_numbers(app) == []


def test_a_review_decision_settles_the_window_and_voiding_it_brings_it_back(app: Flask) -> None:
    """This test ensures that a 复查决定 settles its notice's 复查 window (not its 执行期限), and voiding it unsettles."""
    notice = issue(app, "supervision_notice")
    review = issue(app, "review_decision", notice_number=notice.number)
    window = next(row for row in rows(app, notice) if row.matter == REVIEW_WINDOW)
    assert window.settled_at is not None and window.settled_by_document_id == review.id
    assert overdue_numbers(app) == [(notice.number, CORRECTION)]
    void(app, review)
    assert sorted(overdue_numbers(app)) == [
        (notice.number, CORRECTION),
        (notice.number, REVIEW_WINDOW),
    ]


def test_another_follow_up_keeps_the_item_settled_when_one_is_voided(app: Flask) -> None:
    """This test ensures that voiding one of two 复查决定 on a notice leaves its window settled by the other."""
    notice = issue(app, "supervision_notice")
    first = issue(app, "review_decision", notice_number=notice.number)
    second = issue(app, "review_decision", notice_number=notice.number)
    void(app, first)
    window = next(row for row in rows(app, notice) if row.matter == REVIEW_WINDOW)
    assert window.settled_by_document_id == second.id
    void(app, second, through_acts=False)  # the archive's own voiding unsettles too
    assert (notice.number, REVIEW_WINDOW) in overdue_numbers(app)


def test_a_follow_up_visit_settles_a_correction_deadline_from_its_day_on(app: Flask) -> None:
    """This test ensures that a 回访 record of the unit settles an enforcement notice's deadline, unless made before it."""
    notice = issue(app, "enforcement_notice")  # 2026-04-15, 改正期限 2026-05-29
    issue(app, "inspection_record", inspection_kind=VISIT, inspection_date="2026-04-14")
    issue(app, "inspection_record", inspection_date="2026-06-01")  # a 巡查, not a 回访
    assert overdue_numbers(app) == [(notice.number, CORRECTION)]
    visit = issue(app, "inspection_record", inspection_kind=VISIT, inspection_date="2026-06-01")
    assert [row.settled_by_document_id for row in rows(app, notice)] == [visit.id]
    assert overdue_numbers(app) == []
    with app.extensions["wenshu"].database.session() as session:
        assert notice.number not in {item.number for item in archive_due_items(session, TODAY)}


def test_a_report_received_in_the_archive_or_on_paper_settles_an_order(app: Flask) -> None:
    """This test ensures that the unit's report on the order's year settles it, and a 纸质报告 row of the summary too."""
    paper = sample("audit_summary")  # its first 纸质报告 row names a registered unit
    order = issue(app, "correction_order", unit=paper["paper_reports"][0]["unit"])  # on 2025
    assert overdue_numbers(app) == [(order.number, CORRECTION)]
    report = issue(app, "annual_report", unit=order.recipient)  # on 2025
    assert [row.settled_by_document_id for row in rows(app, order)] == [report.id]
    assert overdue_numbers(app) == []
    void(app, report)
    assert overdue_numbers(app) == [(order.number, CORRECTION)]
    summary = issue_document(app.extensions["wenshu"], "audit_summary", paper, "王文书")
    assert [row.settled_by_document_id for row in rows(app, order)] == [summary.id]


def test_the_migration_fills_the_table_from_an_archive_issued_before_it(app: Flask) -> None:
    """This test ensures that migrating a database with documents to 0014 gives the rows and settlements issuing gives."""
    notice = issue(app, "supervision_notice")
    review = issue(app, "review_decision", notice_number=notice.number)
    enforcement = issue(app, "enforcement_notice")
    voided = issue(app, "correction_order")
    void(app, voided)
    wenshu: Wenshu = app.extensions["wenshu"]

    def table() -> list[tuple[Any, ...]]:
        """Return the table's rows without their ids and times."""
        with wenshu.database.session() as session:
            return sorted(
                (row.document_id, row.matter, row.due, row.what, row.unit, row.number,
                 row.classification, row.settled_at is not None, row.settled_by_document_id)
                for row in session.scalars(select(DueItemRow))
            )  # fmt: skip

    issued = table()
    assert len(issued) == 3 and {row[-1] for row in issued} == {None, review.id}
    assert {row[0] for row in issued} == {notice.id, enforcement.id}
    config = alembic_config(wenshu.database.engine)
    with wenshu.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
        command.upgrade(config, "0014")
    assert table() == issued


def test_the_year_a_document_reports_on_is_kept_on_issue_and_by_the_migration(app: Flask) -> None:
    """This test ensures that about_year holds the 报告年度, 审核年度 or 考核年度 of every document issued, and that migration 0015 writes the same on an archive issued before it."""
    wenshu: Wenshu = app.extensions["wenshu"]
    report = issue(app, "annual_report", report_year=2024)
    order = issue(app, "correction_order", report_year=2023)
    circular = issue(app, "safety_circular")
    notice = issue(app, "supervision_notice")
    expected = {
        report.id: 2024, order.id: 2023,
        circular.id: sample("safety_circular")["assessment_year"], notice.id: None,
    }  # fmt: skip

    def years() -> dict[int, int | None]:
        with wenshu.database.session() as session:
            rows = session.execute(select(Document.id, Document.about_year))
            return {document_id: year for document_id, year in rows}

    assert years() == expected
    view = DatabaseArchiveView(wenshu.database)
    assert [d.number for d in view.of_kind("annual_report", 2024)] == [report.number]
    assert view.of_kind("annual_report", 2023) == []
    assert [d.number for d in view.of_kind("correction_order", 2023)] == [order.number]
    config = alembic_config(wenshu.database.engine)
    with wenshu.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
        command.upgrade(config, "head")
    assert years() == expected


def test_a_batch_writes_each_copys_items_and_a_report_settles_its_own(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that the correction orders of a batch each put their deadline in the table, settled one by one."""
    wenshu: Wenshu = app.extensions["wenshu"]
    units = ["中共岳阳市君山区委办公室", "岳阳市君山区人民政府办公室"]
    summary = sample("audit_summary") | {
        "register": [{"unit": unit} for unit in units], "paper_reports": [], "audit_notes": [],
    }  # fmt: skip
    issue_document(wenshu, "audit_summary", summary, "王文书")
    data = MultiDict(facts_as_formdata(common_facts("correction_order")))
    for name, value in (("kind", "correction_order"), ("source", "directory"),
                        ("scope", "unreported"), ("year", "2025")):  # fmt: skip
        data.add(name, value)
    response = client.post("/batch", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert wait_until_finished(client, response.headers["Location"])["done"] == 2
    with wenshu.database.session() as session:
        written = session.scalars(select(DueItemRow).order_by(DueItemRow.unit)).all()
        assert [(row.unit, row.year, row.settled_at) for row in written] == [
            (unit, 2025, None) for unit in sorted(units)
        ]
        copies = session.scalars(select(Document).where(Document.kind == "correction_order"))
        assert [copy.about_year for copy in copies] == [2025, 2025]  # written by the batch too
    report = issue(app, "annual_report", unit=units[0])
    with wenshu.database.session() as session:
        settled = session.scalars(select(DueItemRow).where(DueItemRow.settled_at.is_not(None)))
        assert [(row.unit, row.settled_by_document_id) for row in settled] == [
            (units[0], report.id)
        ]
