"""The due items table filled from an archive issued before it (migration 0014), in time linear in the archive.

It reads and writes the tables as migration 0014 leaves them, through lightweight tables
naming only the columns it uses, never the ORM models: a column a later migration adds to
documents or due_items cannot break upgrading through 0014. The rules are those of
service.acts.duedates, applied to plain records; the outcome is the one issuing the
documents in turn gives (service.acts.due_table): each item settled by its least
classified follow-up, then the first issued.

Linear: the documents are read a chunk at a time in id order (memory stays flat), and the
items a chunk of follow-ups may settle are found with one query per chunk, each term on
an index of due_items (number, unit), then matched to the follow-ups in memory by key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from forms.fields import archived_date
from service.acts.duedates import (
    CORRECTION,
    FOLLOW_UP_VISIT,
    FOLLOW_UPS,
    ITEM_KINDS,
    REVIEW_WINDOW,
    DueItem,
    own_items,
    settled_items,
)
from service.archive.access import DEFAULT_CLASSIFIED_ROLES
from service.database.models import UtcDateTime, utcnow

CHUNK = 2000  # ids of documents read, and their follow-ups matched, at a time
# 密级 from the most open to the most closed; an unknown one is closed most of all.
OPENNESS = {name: rank for rank, name in enumerate(DEFAULT_CLASSIFIED_ROLES)}

DOCUMENTS = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("number", sa.String),
    sa.column("status", sa.String),
    sa.column("document_date", sa.Date),
    sa.column("facts", sa.JSON),
    sa.column("recipient", sa.String),
    sa.column("classification", sa.String),
    sa.column("case_id", sa.Integer),
)
DUE_ITEMS = sa.table(
    "due_items",
    sa.column("id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("matter", sa.String),
    sa.column("due", sa.Date),
    sa.column("what", sa.String),
    sa.column("unit", sa.String),
    sa.column("year", sa.Integer),
    sa.column("number", sa.String),
    sa.column("note", sa.String),
    sa.column("classification", sa.String),
    sa.column("settled_at", UtcDateTime()),
    sa.column("settled_by_document_id", sa.Integer),
)
SETTLER = DOCUMENTS.alias("settler")  # the follow-up that settled an item
RECORD = list(DOCUMENTS.c)  # what a record is read with
ITEM = [
    DUE_ITEMS.c[name]
    for name in ("id", "matter", "what", "due", "number", "year", "unit", "settled_by_document_id")
]  # what matching an item to its follow-ups reads


@dataclass(frozen=True, slots=True)
class Filed:
    """What the rules read of an archived document, without its ORM row."""

    id: int
    kind: str
    number: str
    status: str
    document_date: dt.date
    facts: dict[str, Any]
    recipient: str
    classification: str
    case_id: int | None


@dataclass(slots=True)
class Open:
    """An item of the table a follow-up may settle, with its document and its current settler's 密级."""

    id: int
    matter: str
    what: str
    due: dt.date
    record: Filed
    settled_by: int | None
    settler_closed: int  # how closed the 密级 of its settling follow-up is; unused when unsettled


def backfill(connection: Connection, chunk: int = CHUNK) -> None:
    """Fill the due items table from the issued documents: their items, then their follow-ups' settling."""
    for documents in _chunks(connection, ITEM_KINDS, chunk):
        rows = [_item_row(record, item) for record in documents for item in own_items(record)]
        if rows:
            connection.execute(sa.insert(DUE_ITEMS), rows)
    for follow_ups in _chunks(connection, FOLLOW_UPS, chunk):
        _settle_chunk(connection, follow_ups)


def _item_row(record: Filed, item: DueItem) -> dict[str, Any]:
    """Return the table's row for one item a document sets, unsettled."""
    return {
        "document_id": record.id, "case_id": record.case_id, "matter": item.matter,
        "due": item.due, "what": item.what, "unit": item.unit, "year": item.year,
        "number": item.number, "note": item.note, "classification": record.classification,
        "settled_at": None, "settled_by_document_id": None,
    }  # fmt: skip


def _closed(classification: str) -> int:
    """Return how closed a 密级 is: 0 for 公开, more for each level up, most for an unknown one."""
    return OPENNESS.get(classification, len(OPENNESS))


def _chunks(connection: Connection, kinds: Sequence[str], chunk: int) -> Iterator[list[Filed]]:
    """Yield the issued documents of kinds in id order, those among chunk ids at a time, as plain records.

    Cut in ranges of ids, not by LIMIT after the last id read: a database that reads the
    kinds through their index would otherwise sort all the rest of them for every chunk.
    """
    highest = connection.scalar(sa.select(sa.func.max(DOCUMENTS.c.id))) or 0
    for low in range(0, highest, chunk):
        query = (
            sa.select(*RECORD)
            .where(
                DOCUMENTS.c.id > low,
                DOCUMENTS.c.id <= low + chunk,
                DOCUMENTS.c.kind.in_(kinds),
                DOCUMENTS.c.status == "issued",
            )
            .order_by(DOCUMENTS.c.id)
        )
        records = [Filed(**row._mapping) for row in connection.execute(query)]
        if records:
            yield records


def _unit(facts: dict[str, Any]) -> str:
    """Return the unit a document or summary row names, as typed without outer spaces."""
    return str(facts.get("unit") or "").strip()


def _keys(follow_up: Filed) -> list[tuple[Any, ...]]:
    """Return the keys of the items the follow-up may settle: (REVIEW_WINDOW, 文号) or (CORRECTION, year, unit)."""
    facts = follow_up.facts
    if follow_up.kind == "review_decision":
        return [(REVIEW_WINDOW, str(facts.get("notice_number") or ""))]
    if follow_up.kind == "annual_report":
        return [(CORRECTION, facts.get("report_year"), _unit(facts))]
    if follow_up.kind == "audit_summary":
        rows = facts.get("paper_reports") or []
        units = {_unit(row) for row in rows if isinstance(row, dict)} - {""}
        return [(CORRECTION, facts.get("audit_year"), unit) for unit in sorted(units)]
    if follow_up.kind == "inspection_record" and facts.get("inspection_kind") == FOLLOW_UP_VISIT:
        return [(CORRECTION, None, _unit(facts))]
    return []


def _row_key(matter: str, number: str, year: int | None, unit: str) -> tuple[Any, ...]:
    """Return the key of an item of the table, as _keys gives it."""
    return (REVIEW_WINDOW, number) if matter == REVIEW_WINDOW else (CORRECTION, year, unit)


def _candidates(
    connection: Connection, follow_ups: Sequence[Filed]
) -> dict[tuple[Any, ...], list[Open]]:
    """Return the items the follow-ups may settle (unsettled, or settled by a more closed one), by key."""
    numbers: set[str] = set()
    reports: dict[Any, set[str]] = defaultdict(set)  # by year
    visits: dict[str, dt.date] = {}  # a 回访 checks what was ordered on or before its day
    for follow_up in follow_ups:
        for key in _keys(follow_up):
            if key[0] == REVIEW_WINDOW:
                numbers.add(key[1])
            elif key[1] is not None:
                reports[key[1]].add(key[2])
            else:
                day = archived_date(follow_up.facts.get("inspection_date"))
                day = day or follow_up.document_date
                visits[key[2]] = max(day, visits.get(key[2], day))
    due, record = DUE_ITEMS.c, DOCUMENTS
    terms = []
    if numbers:
        terms.append(sa.and_(due.matter == REVIEW_WINDOW, due.number.in_(sorted(numbers))))
    years = sorted(year for year in reports if isinstance(year, int))
    if years:  # one term for all: an item of another pair is read but matches no key
        units = sorted(set().union(*(reports[year] for year in years)))
        terms.append(sa.and_(due.matter == CORRECTION, due.unit.in_(units), due.year.in_(years)))
    if visits:  # one term for all: the rules check each visit's day against each item
        terms.append(
            sa.and_(
                due.matter == CORRECTION,
                due.year.is_(None),
                due.unit.in_(sorted(visits)),
                record.c.document_date <= max(visits.values()),
            )
        )
    found: dict[tuple[Any, ...], list[Open]] = defaultdict(list)
    for term in terms:  # apart, so that each is read through its index, not one scan for all
        _read(connection, term, found)
    return found


def _read(
    connection: Connection, term: sa.ColumnElement[bool], found: dict[tuple[Any, ...], list[Open]]
) -> None:
    """Add to found the items matching term: unsettled, or settled by a follow-up not 公开."""
    due, record, settler = DUE_ITEMS.c, DOCUMENTS, SETTLER
    query = (
        sa.select(
            *(column.label(f"item_{column.name}") for column in ITEM),
            settler.c.classification.label("settler_class"),
            *RECORD,
        )
        .join_from(DUE_ITEMS, record, record.c.id == due.document_id)
        .outerjoin(settler, settler.c.id == due.settled_by_document_id)
        # The document's status is checked below, not here: a condition on documents would
        # lead SQLite to read all of them through their status index for every chunk.
        .where(term, sa.or_(due.settled_at.is_(None), settler.c.classification != "公开"))
        .order_by(due.id)
    )
    for row in connection.execute(query):
        values = row._mapping
        filed = Filed(**{column.name: values[column] for column in RECORD})
        if filed.status != "issued":
            continue
        item = {column.name: values[f"item_{column.name}"] for column in ITEM}
        key = _row_key(item["matter"], item["number"], item["year"], item["unit"])
        found[key].append(
            Open(
                id=item["id"], matter=item["matter"], what=item["what"], due=item["due"],
                record=filed, settled_by=item["settled_by_document_id"],
                settler_closed=_closed(values["settler_class"] or ""),
            )
        )  # fmt: skip


def _settles(item: Open, follow_up: Filed) -> bool:
    """Return whether the rules say follow_up settles the item of its document."""
    return any(
        (each.matter, each.what, each.due) == (item.matter, item.what, item.due)
        for each in settled_items(item.record, follow_up)
    )


def _settle_chunk(connection: Connection, follow_ups: Sequence[Filed]) -> None:
    """Settle the items the follow-ups answer, each by the least closed of them, then the first."""
    found = _candidates(connection, follow_ups)
    settled: dict[int, Open] = {}
    for follow_up in follow_ups:  # in id order, as they were issued
        closed = _closed(follow_up.classification)
        for key in _keys(follow_up):
            for item in found.get(key, []):
                if item.settled_by is not None and item.settler_closed <= closed:
                    continue
                if _settles(item, follow_up):
                    item.settled_by, item.settler_closed = follow_up.id, closed
                    settled[item.id] = item
    if settled:
        now = utcnow()
        connection.execute(
            sa.update(DUE_ITEMS)
            .where(DUE_ITEMS.c.id == sa.bindparam("row_id"))
            .values(settled_at=now, settled_by_document_id=sa.bindparam("by")),
            [{"row_id": item.id, "by": item.settled_by} for item in settled.values()],
        )
