"""The register of documents: search by kind, 文号, unit, date, facts, status, outgoing or received."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy import column as sql_column
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from service.database.bigrams import sqlite_query, sqlite_visible_query
from service.database.models import Document
from service.instruments.registry import Numbering

PER_PAGE = 50
STATUSES = ("issued", "voided")
# The two registers a bureau keeps: what it sends (发文) and what it receives (收文登记).
OUTGOING, INCOMING = "outgoing", "incoming"
# Totals are counted exactly up to this many matches; beyond, the database's estimate is shown.
EXACT_UP_TO = 10_000
# Up to this many documents found by the text search are fetched by id; more are checked
# along the register's index.
FEW = 500
# How long a count of the visible documents, which scales SQLite's estimates, is reused.
SEEN_FOR = 60.0
_SEEN: dict[tuple[str, frozenset[str] | None], tuple[float, int]] = {}
# A trigram index finds fragments of three characters or more, a bigram index those of two;
# a single character is scanned for.
TRIGRAM = 3
BIGRAM = 2
# A pair of characters in more than one document in DENSE is looked up row by row along a
# page; a rarer one's matches are gathered first (a lookup costs some hundred ids' gathering).
DENSE = 3
# Where a session keeps the text index's counts while one page is made.
FTS_COUNTS = "register_fts_counts"


@dataclass(frozen=True)
class Criteria:
    """What the register is searched for; an empty criterion matches everything."""

    kind: str = ""
    number: str = ""  # part of the 文号
    recipient: str = ""  # part of the 主送 unit or person
    date_from: dt.date | None = None  # 成文日期, inclusive
    date_to: dt.date | None = None
    text: str = ""  # part of any fact
    status: str = ""  # "", "issued" or "voided"
    register: str = ""  # "", OUTGOING or INCOMING
    classifications: frozenset[str] | None = None  # the 密级 the reader may see; None for all


@dataclass(frozen=True)
class ResultPage:
    """One page of matching documents, newest first, and where it lies among all matches.

    newer and older are the cursors of the pages on either side (None at either end); page
    is the page's number when it is known (0 when a page was reached by a cursor alone).
    """

    documents: Sequence[Document]
    total: int
    page: int
    per_page: int
    estimated: bool = False  # total is the database's estimate, not a count
    newer: str | None = None
    older: str | None = None

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one, even when nothing matched)."""
        return max(1, -(-self.total // self.per_page))


def search_documents(
    session: Session, criteria: Criteria, page: int = 1, per_page: int = PER_PAGE
) -> ResultPage:
    """Return the page-th page of documents matching criteria, latest 成文日期 first.

    The receipt register alone is listed by 收文登记号, latest first, as it is kept. A page
    past the last one is the last page. Pages by number skip the rows before them, which
    grows with the page; the register's own links use cursors (browse_documents).
    """
    conditions, total, estimated = _matching(session, criteria)
    page = max(1, page)
    if page > -(-total // per_page) > 0 and not estimated:
        return browse_documents(session, criteria, last=True, per_page=per_page)
    order = _order_columns(criteria)
    ids = list(
        session.scalars(
            select(Document.id)
            .where(*conditions)
            .order_by(*(column.desc() for column in order))
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    if not ids and page > 1:  # past the end of an estimated total
        return browse_documents(session, criteria, last=True, per_page=per_page)
    documents = _load(session, ids[:per_page])
    return ResultPage(
        documents,
        total,
        page,
        per_page,
        estimated,
        newer=cursor_of(documents[0], criteria) if page > 1 and documents else None,
        older=cursor_of(documents[-1], criteria) if len(ids) > per_page else None,
    )


def browse_documents(
    session: Session,
    criteria: Criteria,
    *,
    after: str = "",
    before: str = "",
    last: bool = False,
    page: int = 0,
    per_page: int = PER_PAGE,
) -> ResultPage:
    """Return the page of matches next to a cursor, in the register's order (keyset pages).

    after: the page following the row of that cursor; before: the page preceding it; last:
    the last page; none of them: the first page. page is the caller's number for the page,
    kept for display (0: unknown). A cursor that cannot be read is the first page.
    """
    conditions, total, estimated = _matching(session, criteria)
    if total == 0 and not estimated:  # nothing to walk for: a rare fragment is scanned once
        return ResultPage([], 0, 1, per_page)
    columns = _order_columns(criteria)
    bound = parse_cursor(after or before, criteria)
    going_back = bool(before and bound) or (last and not bound)
    query = select(Document.id).where(*conditions)
    if bound is not None:
        position = tuple_(*columns)
        query = query.where(position > tuple_(*bound) if going_back else position < tuple_(*bound))
    order = [column.asc() if going_back else column.desc() for column in columns]
    size = per_page
    if last and not bound and not estimated and total:
        size = total - (-(-total // per_page) - 1) * per_page  # the pages by number align
    ids = list(session.scalars(query.order_by(*order).limit(size + 1)))
    more = len(ids) > size
    ids = ids[:size]
    if going_back:
        ids.reverse()
    documents = _load(session, ids)
    if not bound and not last:
        page, newer_exists, older_exists = 1, False, more
    elif going_back:
        newer_exists, older_exists = more, not last
        page = -(-total // per_page) if last and not estimated else page
    else:
        newer_exists, older_exists = True, more
    pages = max(1, -(-total // per_page))
    return ResultPage(
        documents,
        total,
        0 if estimated and page != 1 else min(max(page, 0), pages),
        per_page,
        estimated,
        newer=cursor_of(documents[0], criteria) if newer_exists and documents else None,
        older=cursor_of(documents[-1], criteria) if older_exists and documents else None,
    )


def _matching(session: Session, criteria: Criteria) -> tuple[list[ColumnElement[bool]], int, bool]:
    """Return the conditions of a page of matches, how many match, and whether that is an estimate.

    Counted afresh for each page. Common matches (an estimated total) are met along the
    register's order, checked row by row: on PostgreSQL their fragments are then asked for
    in the form cheapest on one row (_postgresql_contains); SQLite's conditions stay as built.
    """
    session.info.pop(FTS_COUNTS, None)
    conditions = _conditions(session, criteria)
    total, estimated = count_documents(session, criteria, conditions)
    if estimated and session.get_bind().dialect.name == "postgresql":
        conditions = _conditions(session, criteria, along_order=True)
    return conditions, total, estimated


def count_documents(
    session: Session, criteria: Criteria, conditions: list[ColumnElement[bool]] | None = None
) -> tuple[int, bool]:
    """Return how many documents match, and whether that number is an estimate.

    Matches are counted up to EXACT_UP_TO; past it a count would read every match again on
    each page, so an estimate is given instead: PostgreSQL's planner's, or on SQLite the
    matches met along the register's index scaled by the share of the visible documents
    walked to meet them.
    conditions are the criteria's, when the caller has them already.
    """
    if conditions is None:
        session.info.pop(FTS_COUNTS, None)  # counted afresh
    if session.get_bind().dialect.name == "sqlite":
        counted = _fragment_count(session, criteria)
        if counted is not None:
            return counted, False
    if conditions is None:
        conditions = _conditions(session, criteria)
    if session.get_bind().dialect.name == "postgresql":
        # The planner's estimate costs no reading; a common match is not counted at all.
        planned = _planned_rows(session, select(Document.id).where(*conditions))
        if planned > EXACT_UP_TO:
            return planned, True
    # Walked along the register's index, which holds the 密级 too: no row is read.
    columns = _order_columns(criteria)
    ordered = select(*columns).where(*conditions).order_by(*(column.desc() for column in columns))
    # Whether there are more than EXACT_UP_TO is asked first: a common fragment, checked row
    # by row, is then walked once.
    reached = session.execute(ordered.offset(EXACT_UP_TO).limit(1)).first()
    if reached is None:
        bounded = ordered.limit(EXACT_UP_TO + 1).subquery()
        return session.scalar(select(func.count()).select_from(bounded)) or 0, False
    if session.get_bind().dialect.name == "postgresql":  # more than the planner thought
        return EXACT_UP_TO + 1, True
    # Scaled by documents the reader may see alone, so that the estimate tells nothing of
    # the others; both counts run along the covering index.
    visible = _visible(criteria)
    walked = session.scalar(
        select(func.count()).where(tuple_(*columns) >= tuple_(*reached), *visible)
    )
    seen = _visible_documents(session, criteria.classifications)
    estimate = (EXACT_UP_TO + 1) * seen / (walked or 1)
    return max(EXACT_UP_TO + 1, min(seen, int(round(estimate, -2)))), True


_BIGRAM_COUNT = text("SELECT count(*) FROM documents_bigrams WHERE documents_bigrams MATCH :query")


def _fragment_count(session: Session, criteria: Criteria) -> int | None:
    """Return how many documents a search by one fragment alone finds, counted in SQLite's
    text index, or None when the search has other criteria (or a one-character fragment).

    The index counts the matches without reading a row: the bigram table those of the 密级
    the reader may see; the trigram table those of every 密级, less the ones the reader may
    not see, counted among them. The total tells nothing of documents the reader may not see.
    """
    if not _searched_alone(criteria):
        return None
    fragment, number = criteria.text.strip(), criteria.number.strip()
    name = "search_text" if fragment else "number"
    seen = criteria.classifications
    if len(fragment or number) == BIGRAM and seen is not None:
        if not seen:
            return 0
        # The bigram table holds each document's 密级 too: the index alone counts.
        query = sqlite_visible_query(name, fragment or number, seen)
        return session.scalar(_BIGRAM_COUNT, {"query": query}) or 0
    table, query = _fts_match(name, fragment or number)
    matches = f"SELECT count(*) FROM {table} WHERE {table} MATCH :query"
    found = _fts_count(session, table, query)
    if seen is None or not found:
        return found
    # "+rowid": the hidden ids are looked for among the matches, not each in the index.
    hidden = text(
        f"{matches} AND +rowid IN (SELECT id FROM documents WHERE classification NOT IN :seen)"
    ).bindparams(bindparam("seen", expanding=True))
    return found - (session.scalar(hidden, {"query": query, "seen": sorted(seen)}) or 0)


def _fts_count(session: Session, table: str, query: str) -> int:
    """Return how many rows of an FTS5 table match query, counted once in a session (a page
    asks twice: to choose how to walk, and for its total)."""
    counts: dict[tuple[str, str], int] = session.info.setdefault(FTS_COUNTS, {})
    if (table, query) not in counts:
        statement = text(f"SELECT count(*) FROM {table} WHERE {table} MATCH :q")
        counts[table, query] = session.scalar(statement, {"q": query}) or 0
    return counts[table, query]


def _searched_alone(criteria: Criteria) -> bool:
    """Return whether the search is for one fragment of two characters or more, in the facts
    or in the 文号, and nothing else but what the reader may see."""
    fragment, number = criteria.text.strip(), criteria.number.strip()
    alone = replace(criteria, text="", number="", classifications=None) == Criteria()
    return alone and bool(fragment) != bool(number) and len(fragment or number) >= BIGRAM


def _visible_documents(session: Session, classifications: frozenset[str] | None) -> int:
    """Return how many documents of these 密级 there are, counted at most once a minute.

    It scales an estimate, which a minute's new documents do not change.
    """
    key = (str(session.get_bind().engine.url), classifications)
    counted_at, seen = _SEEN.get(key, (-SEEN_FOR, 0))
    if time.monotonic() - counted_at >= SEEN_FOR:
        visible = _visible(Criteria(classifications=classifications))
        seen = session.scalar(select(func.count(Document.id)).where(*visible)) or 0
        _SEEN[key] = (time.monotonic(), seen)
    return seen


def _visible(criteria: Criteria) -> list[ColumnElement[bool]]:
    """Return the condition that the reader may see a document, if there is one."""
    if criteria.classifications is None:
        return []
    return [Document.classification.in_(criteria.classifications)]


def _planned_rows(session: Session, matches: Select[Any]) -> int:
    """Return PostgreSQL's planner's estimate of the rows a query gives."""
    compiled = matches.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
    )
    plan = session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()
    return int(plan[0]["Plan"]["Plan Rows"])


def cursor_of(document: Document, criteria: Criteria) -> str:
    """Return the cursor of a row: its place in the register's order, as text for a link."""
    if criteria.register == INCOMING:
        return f"{document.year},{document.sequence},{document.id}"
    return f"{document.document_date.isoformat()},{document.id}"


def parse_cursor(cursor: str, criteria: Criteria) -> tuple[Any, ...] | None:
    """Return the order's values a cursor names, or None when it names none."""
    parts = cursor.split(",")
    try:
        if criteria.register == INCOMING and len(parts) == 3:
            return int(parts[0]), int(parts[1]), int(parts[2])
        if criteria.register != INCOMING and len(parts) == 2:
            return dt.date.fromisoformat(parts[0]), int(parts[1])
    except ValueError:
        return None
    return None


def _load(session: Session, ids: Sequence[int]) -> list[Document]:
    """Return the documents of these ids, in that order."""
    if not ids:
        return []
    found = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _order_columns(criteria: Criteria) -> list[Any]:
    """Return the columns of the results' order (descending), the id last to break ties."""
    if criteria.register == INCOMING:
        return [Document.year, Document.sequence, Document.id]
    return [Document.document_date, Document.id]


def _conditions(
    session: Session, criteria: Criteria, along_order: bool = False
) -> list[ColumnElement[bool]]:
    """Return the SQL conditions for the given criteria.

    along_order: the matches are many, so that a page is found by checking the rows one by
    one along the register's order; a fragment is then asked for in the form cheapest to
    check on one row rather than the one an index answers (see _postgresql_contains).
    """
    conditions: list[ColumnElement[bool]] = []
    if criteria.kind:
        conditions.append(Document.kind == criteria.kind)
    alone = _searched_alone(criteria)
    if criteria.number.strip():
        conditions.append(_number_contains(session, criteria.number.strip(), alone, along_order))
    if criteria.recipient.strip():
        conditions.append(Document.recipient.icontains(criteria.recipient.strip(), autoescape=True))
    if criteria.date_from:
        conditions.append(Document.document_date >= criteria.date_from)
    if criteria.date_to:
        conditions.append(Document.document_date <= criteria.date_to)
    if criteria.text.strip():
        conditions.append(_text_contains(session, criteria.text.strip(), alone, along_order))
    if criteria.status in STATUSES:
        conditions.append(Document.status == criteria.status)
    if criteria.register == INCOMING:
        conditions.append(Document.numbering == Numbering.INCOMING)
    elif criteria.register == OUTGOING:
        conditions.append(Document.numbering != Numbering.INCOMING)
    conditions.extend(_visible(criteria))
    return conditions


def like_pattern(fragment: str) -> str:
    """Return a LIKE pattern finding fragment anywhere, its % _ and \\ matching themselves."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(fragment: str) -> str:
    """Return an FTS5 query for fragment as one quoted string: every character is literal."""
    return '"' + fragment.replace('"', '""') + '"'


def _text_contains(
    session: Session, fragment: str, alone: bool, along_order: bool = False
) -> ColumnElement[bool]:
    """Return the condition that some fact contains fragment, through the search's index;
    alone: the fragment is all that is searched for; along_order: see _conditions."""
    if session.get_bind().dialect.name == "postgresql":
        # pg_trgm's GIN index answers LIKE and ILIKE; a fragment too short for it is scanned for.
        return _postgresql_contains(Document.search_text, fragment, along_order)
    return _sqlite_search(session, "search_text", fragment, alone)


def _number_contains(
    session: Session, fragment: str, alone: bool, along_order: bool = False
) -> ColumnElement[bool]:
    """Return the condition that the 文号 contains fragment, through the search's index;
    alone: the fragment is all that is searched for; along_order: see _conditions."""
    if session.get_bind().dialect.name == "postgresql":
        return _postgresql_contains(Document.number, fragment, along_order)
    return _sqlite_search(session, "number", fragment, alone)


def _postgresql_contains(
    column: Any, fragment: str, along_order: bool = False
) -> ColumnElement[bool]:
    """Return column LIKE fragment, or ILIKE when the fragment has letters of two cases.

    ILIKE folds the case of every character it reads, which makes it twice as slow over
    Chinese text, where there is no case to fold. A fragment of two characters, too short
    for pg_trgm, is one of the column's pairs of characters (GIN-indexed by migration 0013),
    lower case as there; but when the matches are common and so checked row by row along
    the register's order (along_order), making a row's pairs costs a millisecond where LIKE
    costs microseconds, so LIKE (or ILIKE) is asked instead. Both find the same rows: a
    fragment is stripped, so its two characters hold no space, the only pairs left out.
    """
    if len(fragment) == BIGRAM and not along_order:
        pair = cast(array([fragment.lower()]), ARRAY(Text))
        return func.wenshu_bigrams(column).op("@>")(pair)
    if fragment.lower() == fragment.upper():
        result: ColumnElement[bool] = column.like(like_pattern(fragment), escape="\\")
    else:
        result = column.ilike(like_pattern(fragment), escape="\\")
    return result


def _fts_match(name: str, fragment: str) -> tuple[str, str]:
    """Return SQLite's text table holding a column's fragments of this length (two characters
    or more), and the FTS5 query finding fragment in that column."""
    if len(fragment) == BIGRAM:
        return "documents_bigrams", f'"{sqlite_query(name, fragment)}"'  # letters, digits only
    return "documents_fts", f"{name} : {fts_phrase(fragment)}"


# The columns of SQLite's trigram table, and where FTS5 keeps their text (its content table).
FTS_COLUMNS = {"search_text": "c0", "number": "c1"}


def _sqlite_search(
    session: Session, name: str, fragment: str, alone: bool = False
) -> ColumnElement[bool]:
    """Return the condition that a column of SQLite's trigram table contains fragment.

    A fragment of three characters or more is looked up in the trigram index, one of two
    in the bigram table, a single character in the trigram table's compact copy of the text.
    Found at most FEW times, its documents are listed by id; more often, its matches are
    gathered once in SQL and checked along the register's index. A fragment searched for
    alone (then counted in the index, not by walking) and found in many documents is looked
    up row by row instead, where the page's LIMIT ends the walk soon.
    alone: the fragment is all that is searched for.
    """
    if len(fragment) < BIGRAM:
        return _sqlite_scan(session, name, fragment)
    table, query = _fts_match(name, fragment)
    matches = text(f"SELECT rowid FROM {table} WHERE {table} MATCH :{name}_match").bindparams(
        **{f"{name}_match": query}
    )
    ids = list(
        session.scalars(text(f"{matches.text} LIMIT :n"), {f"{name}_match": query, "n": FEW + 1})
    )
    if len(ids) <= FEW:
        return Document.id.in_(ids)
    if alone:
        found = _fts_count(session, table, query)
        if len(fragment) == BIGRAM and found * DENSE > _visible_documents(session, None):
            return (
                text(f"SELECT 1 FROM documents_bigrams WHERE documents_bigrams MATCH :{name}_pair"
                     " AND documents_bigrams.rowid = documents.id")
                .bindparams(**{f"{name}_pair": query})
                .columns(sql_column("found", Integer))
                .exists()
            )  # fmt: skip
        if len(fragment) >= TRIGRAM and found > EXACT_UP_TO:
            return _sqlite_like(name, fragment)
    # "+ 0" keeps SQLite from looking the matches up by the primary key and sorting them.
    return (Document.id + 0).in_(matches.columns(sql_column("rowid", Integer)))


def _sqlite_scan(session: Session, name: str, fragment: str) -> ColumnElement[bool]:
    """Return the condition that a column holds a single character, found in the trigram
    table's compact copy of the text: listed by id when rare, else row by row."""
    stored = FTS_COLUMNS[name]
    found = text(
        f"SELECT id FROM documents_fts_content WHERE {stored} LIKE :query ESCAPE '\\' LIMIT :n"
    )
    ids = list(session.scalars(found, {"query": like_pattern(fragment), "n": EXACT_UP_TO + 1}))
    if len(ids) <= FEW:
        return Document.id.in_(ids)
    if len(ids) <= EXACT_UP_TO:
        # Many ids are best checked along the register's index than fetched row by row and
        # sorted: "+ 0" keeps SQLite from looking them up by the primary key.
        return (Document.id + 0).in_(ids)
    return _sqlite_like(name, fragment)


def _sqlite_like(name: str, fragment: str) -> ColumnElement[bool]:
    """Return the condition that a column's text in the trigram table holds fragment, checked
    row by row: for a common fragment along a page, where the LIMIT ends the walk soon."""
    stored = FTS_COLUMNS[name]
    return (
        text(
            f"SELECT 1 FROM documents_fts_content WHERE documents_fts_content.id = documents.id"
            f" AND {stored} LIKE :{name}_like ESCAPE '\\'"
        )
        .bindparams(**{f"{name}_like": like_pattern(fragment)})
        .columns(sql_column("found", Integer))
        .exists()
    )
