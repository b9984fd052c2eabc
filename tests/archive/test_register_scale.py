"""Tests of the register at scale: search text, its indexes, cursors, estimates and 密级, on each database."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from service.archive import search
from service.archive.search import Criteria, ResultPage, browse_documents, count_documents
from service.database.engine import Database
from service.database.models import Document, TemplateVersion
from service.database.search_text import plain_text

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
CLERK = frozenset({"公开", "内部"})
# Facts whose text holds every character a search engine's syntax could read as its own.
HOSTILE = "湿度为78%，受潮_待晾晒；\"引号\" '单引号' NEAR(档案 库房) a* OR NOT b: \\反斜杠"


def template_id(database: Database) -> int:
    """Return the id of a template version the documents can name."""
    with database.session() as session:
        found = session.scalar(select(TemplateVersion.id))
        if found is not None:
            return found
        version = TemplateVersion(
            kind="supervision_notice", version=1, sha256="0" * 64, path="x.docx",
            published_by="维护员",
        )  # fmt: skip
        session.add(version)
        session.flush()
        return version.id


def add(
    database: Database,
    number: str,
    day: dt.date,
    facts: dict[str, Any],
    *,
    classification: str = "公开",
    kind: str = "supervision_notice",
    sequence: int = 1,
) -> int:
    """Record a document as issuing does (through the ORM) and return its id."""
    with database.session() as session:
        document = Document(
            kind=kind, title="文书", series=kind, year=day.year, sequence=sequence,
            number=number, recipient="某单位", document_date=day, facts=facts,
            template_id=template_id(database), template_version=1, template_sha256="0" * 64,
            pdf_path=f"{number}.pdf", size=1, pages=1, sha256="0" * 64, sm3="0" * 64,
            retention="30年", classification=classification, issued_by="王文书", issued_at=NOW,
        )  # fmt: skip
        session.add(document)
        session.flush()
        return document.id


def numbers(database: Database, **criteria: Any) -> list[str]:
    """Return the 文号 of every document matching, in the register's order."""
    with database.session() as session:
        page = browse_documents(session, Criteria(**criteria), per_page=100)
        return [document.number for document in page.documents]


@pytest.fixture
def archive(database: Database) -> Database:
    """Four documents: Chinese facts nested in rows, hostile characters, and a 秘密 one."""
    add(database, "君档监通〔2026〕1号", dt.date(2026, 3, 5), {
        "inspected_body": "岳阳市君山区钱粮湖镇人民政府",
        "findings": [{"item": "库房漏雨", "note": "案卷受潮"}, {"item": "会计档案尚未完成数字化"}],
        "deadline": "2026-04-05", "urgent": True,
    })  # fmt: skip
    add(database, "君档执通〔2026〕12号", dt.date(2026, 4, 15), {"facts": HOSTILE}, sequence=12)
    add(database, "君档监通〔2026〕3号", dt.date(2026, 6, 1), {"facts": "异地备份未做"}, sequence=3)
    add(database, "君档监通〔2026〕4号", dt.date(2026, 6, 2), {"facts": "库房漏雨，涉密案卷"},
        classification="秘密", sequence=4)  # fmt: skip
    return database


def test_search_text_is_the_facts_values_in_plain_chinese(archive: Database) -> None:
    """This test ensures that a document's search text holds its facts' values, nested ones
    too, as readable Chinese without JSON escapes, keys or yes/no choices."""
    with archive.session() as session:
        stored = session.scalar(
            select(Document.search_text).where(Document.number == "君档监通〔2026〕1号")
        )
    assert stored == "\n".join([
        "岳阳市君山区钱粮湖镇人民政府", "库房漏雨", "案卷受潮", "会计档案尚未完成数字化",
        "2026-04-05",
    ])  # fmt: skip
    assert plain_text({"a": [1, None, False, " 文 "], "b": {"c": 2.5}}) == "1\n文\n2.5"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("档案", ["君档执通〔2026〕12号", "君档监通〔2026〕1号"]),  # too short for a trigram
        ("漏雨", ["君档监通〔2026〕4号", "君档监通〔2026〕1号"]),
        ("异地备份", ["君档监通〔2026〕3号"]),
        ("会计档案尚未完成数字化", ["君档监通〔2026〕1号"]),
        ("受潮", ["君档执通〔2026〕12号", "君档监通〔2026〕1号"]),
        ("人民政府库房", []),  # no fragment spans two facts
        ("inspected_body", []),  # the facts' keys are no text of theirs
        ("没有这样的内容", []),
    ],
)
def test_chinese_fragments(archive: Database, fragment: str, expected: list[str]) -> None:
    """This test ensures that a Chinese fragment of two characters or more finds the documents
    whose facts hold it, newest first, and nothing else."""
    assert numbers(archive, text=fragment) == expected


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("执通", ["君档执通〔2026〕12号"]),
        ("〔2026〕1", ["君档执通〔2026〕12号", "君档监通〔2026〕1号"]),
        ("〕12号", ["君档执通〔2026〕12号"]),
        ("3号", ["君档监通〔2026〕3号"]),
        ("2号", ["君档执通〔2026〕12号"]),
        ("监通〔2025〕", []),
    ],
)
def test_number_fragments(archive: Database, fragment: str, expected: list[str]) -> None:
    """This test ensures that any part of a 文号, short or long, finds it."""
    assert numbers(archive, number=fragment) == expected


@pytest.mark.parametrize(
    "fragment",
    ['"', "'", "%", "_", "*", "NEAR(", 'NEAR(档案 库房)', "a* OR NOT b:", "\\", "78%",
     "受潮_待", "'单引号'", '"引号"', "b: \\反"],
)  # fmt: skip
def test_hostile_characters_are_plain_text(archive: Database, fragment: str) -> None:
    """This test ensures that quotes, wildcards and the FTS5 query syntax typed by a clerk
    are searched for as the characters they are, in the facts and in the 文号."""
    assert numbers(archive, text=fragment) == ["君档执通〔2026〕12号"]
    assert numbers(archive, number=fragment) == []


@pytest.mark.parametrize(
    "fragment", ['"引', "%，", "_待", "a*", "b:", "\\反", "R(", "ne", "78", "'单"]
)
def test_hostile_pairs_are_plain_text(archive: Database, fragment: str) -> None:
    """This test ensures that a two-character fragment holding quotes, wildcards, FTS5 syntax
    or Latin letters of either case is looked up in the bigram index as those characters."""
    assert numbers(archive, text=fragment) == ["君档执通〔2026〕12号"]
    assert numbers(archive, number=fragment) == []


@pytest.mark.parametrize("fragment", ["%%", "__", '""', "*)", "a%", "_%", "号_", "〕%"])
def test_wildcard_pairs_match_nothing_else(archive: Database, fragment: str) -> None:
    """This test ensures that % and _ in a two-character fragment are no wildcards."""
    assert numbers(archive, text=fragment) == []
    assert numbers(archive, number=fragment) == []


@pytest.mark.parametrize("fragment", ["7_%", "钱粮%镇", "受潮__待", "NEAR(档案,库房)"])
def test_wildcards_match_nothing_else(archive: Database, fragment: str) -> None:
    """This test ensures that % and _ are no wildcards and FTS5 operators no operators."""
    assert numbers(archive, text=fragment) == []


def test_the_secret_document_stays_hidden(archive: Database) -> None:
    """This test ensures that a reader who may not see 秘密 documents neither finds one nor
    counts it, by text, by 文号 or unfiltered, while an administrator does."""
    for criteria in (
        {"text": "库房漏雨"}, {"text": "漏雨"}, {"text": "涉密"}, {"number": "〔2026〕4"},
        {"number": "4号"}, {},
    ):  # fmt: skip
        with archive.session() as session:
            clerk = browse_documents(session, Criteria(**criteria, classifications=CLERK))
            admin = browse_documents(session, Criteria(**criteria))
        assert "君档监通〔2026〕4号" not in [d.number for d in clerk.documents]
        assert "君档监通〔2026〕4号" in [d.number for d in admin.documents]
        assert clerk.total == admin.total - 1


def walk(database: Database, criteria: Criteria, per_page: int) -> tuple[list[int], list[int]]:
    """Return every id met following the older links from the first page, and the newer
    links from the last page (in the register's order both)."""
    forward: list[int] = []
    with database.session() as session:
        page: ResultPage = browse_documents(session, criteria, per_page=per_page)
        forward += [d.id for d in page.documents]
        while page.older:
            page = browse_documents(session, criteria, after=page.older, per_page=per_page)
            forward += [d.id for d in page.documents]
        backward: list[int] = []
        page = browse_documents(session, criteria, last=True, per_page=per_page)
        backward = [d.id for d in page.documents]
        while page.newer:
            page = browse_documents(session, criteria, before=page.newer, per_page=per_page)
            backward = [d.id for d in page.documents] + backward
    return forward, backward


def test_cursor_pages_meet_every_row_once_with_equal_dates(database: Database) -> None:
    """This test ensures that pages by cursor, forward from the first and back from the last,
    list every document exactly once in the register's order, many sharing a date."""
    days = [dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 5, 3)]
    for n in range(23):
        add(database, f"君档监通〔2026〕{n + 1}号", days[n % 2 if n < 20 else 2],
            {"facts": f"第{n}份"}, sequence=n + 1)  # fmt: skip
    with database.session() as session:
        expected = list(
            session.scalars(
                select(Document.id).order_by(Document.document_date.desc(), Document.id.desc())
            )
        )
    for per_page in (1, 5, 23, 50):
        assert walk(database, Criteria(), per_page) == (expected, expected)


def test_receipt_register_pages_by_its_numbers(database: Database) -> None:
    """This test ensures that the receipt register's cursors follow the 收文登记号 order."""
    for n in range(7):
        add(database, f"收〔2026〕{n + 1}号", dt.date(2026, 1, 7 - n), {"unit": "某局"},
            kind="annual_report", sequence=n + 1)  # fmt: skip
    with database.session() as session:
        session.execute(text("UPDATE documents SET numbering = 'incoming'"))
    criteria = Criteria(register="incoming")
    forward, backward = walk(database, criteria, 3)
    with database.session() as session:
        listed = [session.get(Document, i).number for i in forward]  # type: ignore[union-attr]
    assert listed == [f"收〔2026〕{n}号" for n in range(7, 0, -1)] and backward == forward


def test_common_fragments_walk_the_order_and_totals_are_estimated(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that past the exact count's bound the total is an estimate, shown so,
    that a common fragment is found along the register's order, and that neither the pages
    nor the estimate count documents the reader may not see; nor does SQLite's exact count
    of a fragment searched for alone, taken from its text index."""
    monkeypatch.setattr(search, "EXACT_UP_TO", 6)
    monkeypatch.setattr(search, "FEW", 2)
    for n in range(30):
        secret = n % 3 == 0
        add(database, f"君档监通〔2026〕{n + 1}号", dt.date(2026, 1, 1) + dt.timedelta(n // 4),
            {"facts": "库房漏雨" if n % 5 else "其他"}, sequence=n + 1,
            classification="秘密" if secret else "公开")  # fmt: skip
    with database.session() as session:
        visible = {
            i for i, in session.execute(
                text("SELECT id FROM documents WHERE classification = '公开'"
                     " AND search_text LIKE '%漏雨%'")
            )
        }  # fmt: skip
    sqlite = not database.url.startswith("postgresql")
    for fragment, kind in itertools.product(("漏雨", "库房漏雨"), ("", "supervision_notice")):
        criteria = Criteria(text=fragment, kind=kind, classifications=CLERK)
        forward, backward = walk(database, criteria, 4)
        assert set(forward) == visible and len(forward) == len(visible) and backward == forward
        with database.session() as session:
            total, estimated = count_documents(session, criteria)
        if sqlite and not kind:  # a fragment alone is counted in SQLite's text index
            assert (total, estimated) == (len(visible), False)
            continue
        assert estimated and total > search.EXACT_UP_TO
        if sqlite:  # PostgreSQL's is its planner's guess
            assert total <= len(visible)


def test_the_indexes_serve_the_register(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the register's first page by date, by kind and by text use the
    indexes made for them, not a scan of the table sorted afterwards, and that a common
    two-character fragment is looked up in the bigram table once."""
    if database.url.startswith("postgresql"):
        pytest.skip("PostgreSQL's planner prefers a scan on so small a table")
    add(database, "君档监通〔2026〕1号", dt.date(2026, 1, 1), {"facts": "库房漏雨"})
    with database.session() as session:
        for criteria in (Criteria(classifications=CLERK), Criteria(kind="supervision_notice")):
            conditions = search._conditions(session, criteria)
            query = (
                select(Document.id)
                .where(*conditions)
                .order_by(Document.document_date.desc(), Document.id.desc())
                .limit(51)
            )
            compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = " ".join(
                row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            assert "USING COVERING INDEX ix_documents_" in plan and "TEMP B-TREE" not in plan
        plan = " ".join(
            row[-1] for row in session.execute(
                text("EXPLAIN QUERY PLAN SELECT rowid FROM documents_fts"
                     " WHERE documents_fts MATCH 'search_text : \"库房漏\"'")
            )
        )  # fmt: skip
        assert "VIRTUAL TABLE INDEX" in plan
        monkeypatch.setattr(search, "FEW", 0)  # as if the fragment were common
        criteria = Criteria(text="漏雨", kind="supervision_notice", classifications=CLERK)
        compiled = (
            select(Document.id)
            .where(*search._conditions(session, criteria))
            .compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        )
        plan = " ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "LIST SUBQUERY" in plan and "documents_bigrams VIRTUAL TABLE INDEX" in plan
        assert "CORRELATED" not in plan


def test_postgresql_finds_pairs_through_their_index(database: Database) -> None:
    """This test ensures that PostgreSQL looks a two-character fragment up in the GIN index of
    the texts' pairs of characters, for the facts and for the 文号, once scans cost more."""
    if not database.url.startswith("postgresql"):
        pytest.skip("the GIN indexes are PostgreSQL's")
    add(database, "君档监通〔2026〕1号", dt.date(2026, 1, 1), {"facts": "库房漏雨"})
    for criteria, index in (
        (Criteria(text="漏雨"), "ix_documents_search_bigrams"),
        (Criteria(number="1号"), "ix_documents_number_bigrams"),
    ):
        with database.session() as session:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            compiled = (
                select(Document.id)
                .where(*search._conditions(session, criteria))
                .compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            )
            plan = str(session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one())
        assert index in plan


def test_postgresql_checks_a_common_pair_row_by_row_with_like(database: Database) -> None:
    """This test ensures that on PostgreSQL a two-character fragment walked along the register's
    order (its matches common) is asked for with LIKE, cheap on one row, not by making the
    row's pairs, and that both forms find the same documents, letters of either case too."""
    if not database.url.startswith("postgresql"):
        pytest.skip("the pairs' index is PostgreSQL's")
    add(database, "君档监通〔2026〕1号", dt.date(2026, 1, 1), {"facts": "库房漏雨，AB柜"})
    add(database, "君档监通〔2026〕2号", dt.date(2026, 1, 2), {"facts": "漏 雨；ab"}, sequence=2)
    for fragment, expected in (("漏雨", 1), ("Ab", 2), ("1号", 1)):
        field = "number" if fragment.endswith("号") else "text"
        criteria = Criteria(**{field: fragment})  # type: ignore[arg-type]
        found = []
        with database.session() as session:
            for along_order in (False, True):
                conditions = search._conditions(session, criteria, along_order=along_order)
                query = select(Document.id).where(*conditions).order_by(Document.id)
                compiled = str(query.compile(session.get_bind()))
                assert ("wenshu_bigrams" in compiled) != along_order, compiled
                found.append(list(session.scalars(query)))
        assert found[0] == found[1] and len(found[0]) == expected, (fragment, found)


def test_the_search_index_follows_inserts_updates_and_deletes(database: Database) -> None:
    """This test ensures that SQLite's trigram table follows the documents (its triggers), and
    that a row written without the ORM gets its search text from its facts too."""
    first = add(database, "君档监通〔2026〕1号", dt.date(2026, 1, 1), {"facts": "库房漏雨"})
    assert numbers(database, text="库房漏雨") == ["君档监通〔2026〕1号"]
    assert numbers(database, text="漏雨") == ["君档监通〔2026〕1号"]
    with database.session() as session:
        row = {c.name: getattr(session.get(Document, first), c.name)
               for c in Document.__table__.columns if c.name not in ("id", "search_text")}  # fmt: skip
        session.execute(
            insert(Document).values(row | {"number": "君档监通〔2026〕2号", "sequence": 2,
                                           "facts": {"facts": "防火设施齐全"}, "pdf_path": "2.pdf"})
        )  # fmt: skip
        session.execute(
            text("UPDATE documents SET search_text = '改正后' , number = '君档监通〔2026〕9号'"
                 " WHERE id = :id"), {"id": first}
        )  # fmt: skip
    assert numbers(database, text="防火设施") == ["君档监通〔2026〕2号"]
    assert numbers(database, text="防火") == ["君档监通〔2026〕2号"]
    assert numbers(database, text="库房漏雨") == numbers(database, text="漏雨") == []
    assert numbers(database, text="改正后", number="〔2026〕9") == ["君档监通〔2026〕9号"]
    assert numbers(database, text="改正", number="9号") == ["君档监通〔2026〕9号"]
    assert numbers(database, number="1号") == []
    with database.session() as session:
        session.execute(text("DELETE FROM documents WHERE id = :id"), {"id": first})
    assert numbers(database, text="改正后") == numbers(database, text="改正") == []
    assert numbers(database, number="9号") == []
