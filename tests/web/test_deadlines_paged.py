"""Tests of the deadlines page in pages and the desk's counts, on a table of many due items."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from sqlalchemy import select

from service.acts.due_pages import PAGE_SIZE, due_page
from service.acts.duedates import CORRECTION, DueItem, archive_due_items, item_key
from service.acts.issuing import issue_document
from service.database.models import Document, DueItemRow, utcnow
from service.services import Wenshu
from tests.conftest import sample, signed_in

TODAY = dt.date(2026, 12, 1)  # the 2025 reports (30 September) and circular are overdue
CLERK_SEES = frozenset({"公开", "内部"})
SECRET = "秘密"


def fill(app: Flask) -> Wenshu:
    """Issue the sample summary (ten reports missing) and a notice, and give the notice many more items.

    Of the 130 rows added: some overdue, some due on the reports' day, some within the 90
    days, some after them, some settled, some 秘密; each on a day of its own or sharing one.
    """
    wenshu: Wenshu = app.extensions["wenshu"]
    issue_document(wenshu, "audit_summary", sample("audit_summary"), "王文书")
    notice = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    with wenshu.database.session() as session:
        document = session.get(Document, notice.id)
        assert document is not None
        secret = secret_copy(document)
        session.add(secret)
        session.flush()
        for n in range(130):
            # A row's 密级 is its document's, copied when it was issued.
            owner = secret if n % 10 == 7 else document
            session.add(
                DueItemRow(
                    document_id=owner.id, matter=CORRECTION,
                    due=dt.date(2026, 9, 30) + dt.timedelta(days=(n % 13) * 9 - 40),
                    what=f"改正期限{n % 3}", unit=f"单位{n}", number=owner.number,
                    classification=owner.classification,
                    settled_at=utcnow() if n % 17 == 5 else None,
                )
            )  # fmt: skip
    return wenshu


def secret_copy(document: Document) -> Document:
    """Return a record like document's under the next number, 秘密 (as a bureau's policy may mark one)."""
    columns = {
        column.key: getattr(document, column.key)
        for column in Document.__table__.columns
        if column.key != "id"
    }
    sequence = document.sequence + 1
    number = document.number.replace(f"{document.sequence}号", f"{sequence}号")
    return Document(**columns | {"sequence": sequence, "number": number, "classification": SECRET})


def every_page(wenshu: Wenshu, classifications: frozenset[str] | None) -> list[list[DueItem]]:
    """Return the items of each page of the deadlines page, in the order it lists them."""
    with wenshu.database.session() as session:
        first = due_page(session, TODAY, classifications)
        pages = [first] + [
            due_page(session, TODAY, classifications, page=number)
            for number in range(2, first.pages + 1)
        ]
    assert [page.page for page in pages] == list(range(1, first.pages + 1))
    return [[*page.overdue, *page.upcoming] for page in pages]


def ident(item: DueItem) -> tuple[object, ...]:
    """Return what tells one item from another."""
    return (item.due, item.what, item.unit, item.document_id, item.matter)


def test_the_pages_list_every_item_due_once_overdue_first(app: Flask) -> None:
    """This test ensures that walking the pages gives each item due within 90 days once, in order, and nothing else."""
    wenshu = fill(app)
    lengths = []
    for classifications in (None, CLERK_SEES):
        with wenshu.database.session() as session:
            everything = archive_due_items(session, TODAY, classifications)
            first = due_page(session, TODAY, classifications)
        expected = [item for item in everything if item.days_left <= 90]
        pages = every_page(wenshu, classifications)
        listed = [item for page in pages for item in page]
        assert [ident(item) for item in listed] == [ident(item) for item in expected]
        assert [item_key(item) for item in listed] == sorted(item_key(item) for item in listed)
        overdue = sum(1 for item in expected if item.overdue)
        assert (first.overdue_count, first.upcoming_count) == (overdue, len(expected) - overdue)
        rows = sum(1 for item in expected if item.document_id)
        assert first.pages == -(-rows // PAGE_SIZE) > 1
        assert all(len([i for i in page if i.document_id]) <= PAGE_SIZE for page in pages)
        lengths.append(len(listed))
    assert lengths[0] > lengths[1]  # the clerk's pages leave the 秘密 rows out


def test_settled_and_classified_rows_are_not_counted_for_a_clerk(app: Flask) -> None:
    """This test ensures that the counts leave out settled rows always and 秘密 rows for a clerk."""
    wenshu = fill(app)
    with wenshu.database.session() as session:
        rows = session.scalars(select(DueItemRow).where(DueItemRow.unit.like("单位%"))).all()
        horizon = TODAY + dt.timedelta(days=90)
        unsettled = [row for row in rows if row.settled_at is None and row.due <= horizon]
        admin = due_page(session, TODAY)
        clerk = due_page(session, TODAY, CLERK_SEES)
    secret = sum(1 for row in unsettled if row.classification == SECRET)
    assert secret > 0
    total = admin.overdue_count + admin.upcoming_count
    assert clerk.overdue_count + clerk.upcoming_count == total - secret


def count_after(page: str, words: str) -> int:
    """Return the number a page prints after some words ("已逾期 <span …>12</span>" or "已逾期 12 项")."""
    found = re.search(re.escape(words) + r'\s*(?:<span class="count">)?(\d+)', page)
    assert found, words
    return int(found.group(1))


def test_the_desk_counts_as_the_page_does_and_lists_a_few(app: Flask) -> None:
    """This test ensures that the desk's overdue count is the page's, and it lists a few rows with a link to the rest."""
    fill(app)
    app.config["TODAY"] = TODAY
    client = signed_in(app, "clerk")
    desk = client.get("/").get_data(as_text=True)
    deadlines = client.get("/deadlines").get_data(as_text=True)
    overdue = count_after(deadlines, "已逾期")
    assert count_after(desk, "已逾期") == overdue > PAGE_SIZE
    with app.extensions["wenshu"].database.session() as session:
        soon = due_page(session, TODAY, CLERK_SEES, window=7)
    assert count_after(desk, "7 天内到期") == soon.upcoming_count
    section = desk[
        desk.index('id="desk-due"') : desk.index("</section>", desk.index('id="desk-due"'))
    ]
    listed = len(re.findall(r"<tr class=", section))
    assert listed == 20
    shown = overdue + soon.upcoming_count - listed
    assert f"另有 {shown} 项，在到期事项页中列出" in section


def test_the_page_links_to_every_page_and_a_page_past_the_end_is_the_last(app: Flask) -> None:
    """This test ensures that the deadlines page links to its other pages and page=99 shows the last."""
    fill(app)
    app.config["TODAY"] = TODAY
    client = signed_in(app, "admin")
    first = client.get("/deadlines").get_data(as_text=True)
    assert 'href="/deadlines?page=2"' in first and "第 1 / 3 页" in first
    last = client.get("/deadlines?page=99").get_data(as_text=True)
    assert "第 3 / 3 页" in last and 'href="/deadlines?page=2"' in last
    assert len(re.findall(r"<tr class=", last)) < PAGE_SIZE  # the rest of the rows
