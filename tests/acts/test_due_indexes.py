"""Tests of how the deadlines page and the desk read the due items: the 密级 held, and the index in the pages' order."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from service.acts.duedates import ROW_ORDER, hidden_classifications, open_rows, yearly_items
from service.database.engine import Database
from service.database.models import Document, DueItemRow
from tests.archive.test_register_scale import CLERK, NOW, add

D = dt.date


def add_item(database: Database, document_id: int, due: dt.date, *, settled: bool = False) -> None:
    """Record a due item of a document, settled or not."""
    with database.session() as session:
        session.add(
            DueItemRow(
                document_id=document_id, matter="correction", due=due, what="改正期限",
                unit="某单位", number="君档监通〔2026〕1号", classification="公开",
                settled_at=NOW if settled else None,
                settled_by_document_id=document_id if settled else None,
            )
        )  # fmt: skip


def plan(database: Database, query: object) -> str:
    """Return the database's plan of a query, as one text, with scans of whole tables made dear."""
    with database.session() as session:
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
        if database.url.startswith("postgresql"):
            session.execute(text("SET LOCAL enable_seqscan = off"))
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
            return str(session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one())
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return " ".join(str(row[-1]) for row in rows)


def test_the_hidden_classifications_are_those_held_that_the_reader_may_not_see(
    database: Database,
) -> None:
    """This test ensures that a reader's hidden 密级 are the ones some document holds and he may
    not see, an unknown one included, and none for a reader who sees everything."""
    add(database, "君档监通〔2026〕1号", D(2026, 1, 5), {})
    with database.session() as session:
        assert hidden_classifications(session, CLERK) == []
    add(database, "君档监通〔2026〕2号", D(2026, 1, 6), {}, classification="秘密", sequence=2)
    add(database, "君档监通〔2026〕3号", D(2026, 1, 7), {}, classification="工作秘密", sequence=3)
    add(database, "君档监通〔2026〕4号", D(2026, 1, 8), {}, classification="内部", sequence=4)
    with database.session() as session:
        assert hidden_classifications(session, CLERK) == ["工作秘密", "秘密"]
        assert hidden_classifications(session, frozenset({"公开", "内部", "秘密"})) == ["工作秘密"]
        assert hidden_classifications(session, None) == []


def test_the_open_rows_are_read_in_order_from_their_index(database: Database) -> None:
    """This test ensures that a page of the items due, for a clerk as for an administrator, reads
    the unsettled rows in the pages' order from ix_due_items_open instead of sorting them, and
    that the 密级 held are found along ix_documents_classified."""
    document = add(database, "君档监通〔2026〕1号", D(2026, 1, 5), {})
    for day in range(1, 20):
        add_item(database, document, D(2026, 2, day), settled=day % 2 == 0)
    with database.session() as session:
        pages = [
            open_rows(session, reader, set(), D(2026, 3, 1)).order_by(*ROW_ORDER).limit(21)
            for reader in (CLERK, None)
        ]
        assert [row.due.day for row in session.scalars(pages[0])] == list(range(1, 20, 2))
    for page in pages:
        found = plan(database, page)
        assert "ix_due_items_open" in found, found
        if not database.url.startswith("postgresql"):
            assert "TEMP B-TREE" not in found, found
    held = plan(database, text("SELECT classification FROM documents WHERE classification <> '公开'"
                               " AND classification > '' ORDER BY classification LIMIT 1"))  # fmt: skip
    assert "ix_documents_classified" in held, held


def test_an_item_settled_by_a_hidden_follow_up_stays_open_for_the_clerk_alone(
    database: Database,
) -> None:
    """This test ensures that, once the archive holds a 密级 hidden from a clerk, an item settled by
    a follow-up of that 密级 is still open for him, and settled for a reader who may see it."""
    notice = add(database, "君档监通〔2026〕1号", D(2026, 1, 5), {})
    secret = add(database, "君档复查〔2026〕1号", D(2026, 1, 9), {}, classification="秘密",
                 kind="review_decision", sequence=2)  # fmt: skip
    with database.session() as session:
        session.add(
            DueItemRow(
                document_id=notice, matter="correction", due=D(2026, 2, 1), what="改正期限",
                unit="某单位", number="君档监通〔2026〕1号", classification="公开",
                settled_at=NOW, settled_by_document_id=secret,
            )
        )  # fmt: skip
    with database.session() as session:
        assert len(session.scalars(open_rows(session, CLERK, set())).all()) == 1
        assert session.scalars(open_rows(session, None, set())).all() == []
        seeing = frozenset({"公开", "内部", "秘密"})
        assert session.scalars(open_rows(session, seeing, set())).all() == []


@pytest.mark.parametrize("reader", [CLERK, None])
def test_rows_listed_with_a_case_and_past_the_horizon_are_left_out(
    database: Database, reader: frozenset[str] | None
) -> None:
    """This test ensures that open rows leave out those a case lists and those due after the horizon."""
    first = add(database, "君档监通〔2026〕1号", D(2026, 1, 5), {})
    second = add(database, "君档监通〔2026〕2号", D(2026, 1, 6), {}, sequence=2)
    add_item(database, first, D(2026, 2, 1))
    add_item(database, second, D(2026, 2, 2))
    add_item(database, second, D(2026, 5, 2))
    with database.session() as session:
        rows = session.scalars(open_rows(session, reader, {first}, D(2026, 3, 1))).all()
        assert [(row.document_id, row.due) for row in rows] == [(second, D(2026, 2, 2))]


def circulars_due(database: Database, today: dt.date, reader: frozenset[str] | None) -> list[str]:
    """Return what last year's yearly items say is still due, as of today, for a reader."""
    with database.session() as session:
        return [item.what for item in yearly_items(session, today, reader) if item.unit == "本局"]


@pytest.mark.parametrize("reader", [CLERK, None])
def test_last_years_items_follow_every_issue_and_void(
    database: Database, reader: frozenset[str] | None
) -> None:
    """This test ensures that last year's items, kept between pages, are computed again when a
    document of that year is issued or voided, and not for one of another year."""
    today = D(2026, 2, 10)
    circular = "发布2025年度全区档案安全通报"
    assert circulars_due(database, today, reader) == [circular]
    add(database, "君档通〔2026〕9号", D(2026, 1, 9), {"assessment_year": 2024},
        kind="safety_circular", sequence=9)  # fmt: skip
    assert circulars_due(database, today, reader) == [circular]
    issued = add(database, "君档通〔2026〕1号", D(2026, 1, 20), {"assessment_year": 2025},
                 kind="safety_circular")  # fmt: skip
    assert circulars_due(database, today, reader) == []
    with database.session() as session:
        voided = session.get(Document, issued)
        assert voided is not None
        voided.status = "voided"
    assert circulars_due(database, today, reader) == [circular]
    add(database, "君档通〔2026〕2号", D(2026, 1, 21), {"assessment_year": 2025},
        kind="safety_circular", sequence=2, classification="秘密")  # fmt: skip
    expected = [circular] if reader is not None else []  # a clerk may not see the 秘密 one
    assert circulars_due(database, today, reader) == expected
