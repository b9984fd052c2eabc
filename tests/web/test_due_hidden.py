"""Tests of due items and hidden documents: what is due is computed as if they did not exist."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from alembic import command
from flask import Flask
from sqlalchemy import select

from service.acts.due_pages import DuePage, due_first, due_page
from service.acts.duedates import REVIEW_WINDOW, DueItem
from service.acts.issuing import issue_document
from service.database.models import Document, DueItemRow
from service.database.schema import alembic_config
from tests.conftest import sample, signed_in
from tests.web.test_classified import classify

TODAY = dt.date(2026, 11, 20)  # the 2025 reports were due on 30 September 2026
CLERK_SEES = frozenset({"公开", "内部"})
MISSING = "岳阳市君山区教育局"  # a registered unit of the sample summary with no report


def issue(app: Flask, kind: str, **changes: Any) -> Document:
    """Return a document issued from the kind's sample facts with some facts changed."""
    return issue_document(app.extensions["wenshu"], kind, sample(kind) | changes, "王文书")


def pages(app: Flask, classifications: frozenset[str] | None) -> list[DuePage]:
    """Return every page of the deadlines page and the desk's first items, as a reader sees them."""
    with app.extensions["wenshu"].database.session() as session:
        first = due_page(session, TODAY, classifications, page=1, size=3)
        rest = [
            due_page(session, TODAY, classifications, page=n, size=3)
            for n in range(2, first.pages + 1)
        ]
        desk, computed = due_first(session, TODAY, classifications, limit=4)
        return [first, *rest, desk, DuePage(computed, [], len(computed), 0)]


def listed(pages_: list[DuePage]) -> list[DueItem]:
    """Return every item of the pages."""
    return [item for page in pages_ for item in [*page.overdue, *page.upcoming]]


def section(page: str, name: str) -> str:
    """Return the section of a page with that id."""
    start = page.index(f'id="{name}"')
    return page[start : page.index("</section>", start)]


def main(page: str) -> str:
    """Return a page's main part, without the header and its menu."""
    return page[page.index("<main") : page.index("</main>")]


def test_a_secret_order_changes_nothing_a_clerk_sees_of_what_is_due(app: Flask) -> None:
    """This test ensures that a correction order marked 秘密 after its issue leaves a clerk's
    pages, counts, page totals, desk and batch link as they were before it was issued, and
    that an administrator sees it, its 文号 named as the order already sent."""
    issue(app, "audit_summary")
    app.config["TODAY"] = TODAY
    clerk = signed_in(app, "clerk")
    before = pages(app, CLERK_SEES)
    desk_before = section(clerk.get("/").get_data(as_text=True), "desk-due")
    deadlines_before = clerk.get("/deadlines").get_data(as_text=True)
    assert "为未报送2025年度报告的10个单位批量生成责令限期改正通知书" in desk_before

    order = issue(app, "correction_order", unit=MISSING, report_year=2025)
    classify(app, order)
    assert pages(app, CLERK_SEES) == before
    desk = section(clerk.get("/").get_data(as_text=True), "desk-due")
    assert desk == desk_before
    deadlines = clerk.get("/deadlines").get_data(as_text=True)
    assert order.number not in deadlines and order.number not in desk
    assert main(deadlines) == main(deadlines_before)

    admin = listed(pages(app, None))
    assert order.number in {item.number for item in admin}
    assert order.number in {item.ordered for item in admin}
    admin_desk = section(signed_in(app, "admin").get("/").get_data(as_text=True), "desk-due")
    assert "为未报送2025年度报告的9个单位批量生成责令限期改正通知书" in admin_desk


def window_open(app: Flask, notice: Document, classifications: frozenset[str] | None) -> bool:
    """Return whether the notice's 复查 window is among the items a reader sees overdue."""
    return any(
        item.number == notice.number and item.matter == REVIEW_WINDOW
        for page in pages(app, classifications)
        for item in page.overdue
    )


def test_an_item_settled_by_a_hidden_follow_up_is_still_due_for_a_clerk(app: Flask) -> None:
    """This test ensures that a 复查决定 a clerk may not see does not settle its notice's window
    for him (its existence would show), while it does for an administrator, and that a 公开
    复查决定 issued later settles it for both."""
    notice = issue(app, "supervision_notice")
    hidden = issue(app, "review_decision", notice_number=notice.number)
    classify(app, hidden)
    app.config["TODAY"] = TODAY
    assert window_open(app, notice, CLERK_SEES) and not window_open(app, notice, None)
    counts = [(page.overdue_count, page.upcoming_count) for page in pages(app, CLERK_SEES)[:1]]
    page = signed_in(app, "clerk").get("/deadlines").get_data(as_text=True)
    assert hidden.number not in page
    assert int(re.findall(r"已逾期\s*(?:<span class=\"count\">)?(\d+)", page)[0]) == counts[0][0]

    shown = issue(app, "review_decision", notice_number=notice.number)
    with app.extensions["wenshu"].database.session() as session:
        query = select(DueItemRow.settled_by_document_id).where(
            DueItemRow.document_id == notice.id, DueItemRow.matter == REVIEW_WINDOW
        )
        assert session.scalar(query) == shown.id  # the open one names it now
    assert not window_open(app, notice, CLERK_SEES) and not window_open(app, notice, None)


def test_the_migration_names_the_least_classified_settling_follow_up_as_issuing_does(
    app: Flask,
) -> None:
    """This test ensures that filling the table anew (migration 0014) settles a window by the
    公开 复查决定 rather than an earlier 秘密 one, and one with only a 秘密 answer by it, as issuing did."""
    first = issue(app, "supervision_notice")
    second = issue(app, "supervision_notice", deadline="2026-04-20")
    for notice in (first, second):
        classify(app, issue(app, "review_decision", notice_number=notice.number))
    shown = issue(app, "review_decision", notice_number=first.number)
    wenshu = app.extensions["wenshu"]

    def settlers() -> list[tuple[int, str, int | None]]:
        """Return each row's document, matter and settling follow-up."""
        with wenshu.database.session() as session:
            query = select(
                DueItemRow.document_id, DueItemRow.matter, DueItemRow.settled_by_document_id
            )
            return sorted(tuple(row) for row in session.execute(query))

    issued = settlers()
    assert (first.id, REVIEW_WINDOW, shown.id) in issued
    config = alembic_config(wenshu.database.engine)
    with wenshu.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
        command.upgrade(config, "0014")
    assert settlers() == issued
