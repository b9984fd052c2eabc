"""The register of documents: search by kind, 文号, unit, date, facts, status, outgoing or received."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from service.database.models import Document
from service.instruments.registry import Numbering

PER_PAGE = 50
STATUSES = ("issued", "voided")
# The two registers a bureau keeps: what it sends (发文) and what it receives (收文登记).
OUTGOING, INCOMING = "outgoing", "incoming"


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
    """One page of matching documents, newest first, and where it lies among all matches."""

    documents: Sequence[Document]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one, even when nothing matched)."""
        return max(1, -(-self.total // self.per_page))


def search_documents(
    session: Session, criteria: Criteria, page: int = 1, per_page: int = PER_PAGE
) -> ResultPage:
    """Return the page-th page of documents matching criteria, latest 成文日期 first.

    The receipt register alone is listed by 收文登记号, latest first, as it is kept. A page
    past the last one is the last page.
    """
    conditions = _conditions(criteria)
    total = session.scalar(select(func.count(Document.id)).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    query: Select[Document] = (
        select(Document)
        .where(*conditions)
        .order_by(*_order(criteria))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return ResultPage(list(session.scalars(query)), total, page, per_page)


def _order(criteria: Criteria) -> list[ColumnElement[Any]]:
    """Return the order of the results: by 收文登记号 in the receipt register, else by date."""
    if criteria.register == INCOMING:
        return [Document.year.desc(), Document.sequence.desc(), Document.id.desc()]
    return [Document.document_date.desc(), Document.id.desc()]


def _conditions(criteria: Criteria) -> list[ColumnElement[bool]]:
    """Return the SQL conditions for the given criteria."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.kind:
        conditions.append(Document.kind == criteria.kind)
    if criteria.number.strip():
        conditions.append(Document.number.icontains(criteria.number.strip(), autoescape=True))
    if criteria.recipient.strip():
        conditions.append(Document.recipient.icontains(criteria.recipient.strip(), autoescape=True))
    if criteria.date_from:
        conditions.append(Document.document_date >= criteria.date_from)
    if criteria.date_to:
        conditions.append(Document.document_date <= criteria.date_to)
    if criteria.text.strip():
        conditions.append(facts_contain(criteria.text.strip()))
    if criteria.status in STATUSES:
        conditions.append(Document.status == criteria.status)
    if criteria.register == INCOMING:
        conditions.append(Document.numbering == Numbering.INCOMING)
    elif criteria.register == OUTGOING:
        conditions.append(Document.numbering != Numbering.INCOMING)
    if criteria.classifications is not None:
        conditions.append(Document.classification.in_(criteria.classifications))
    return conditions


def facts_contain(text: str) -> ColumnElement[bool]:
    """Return the condition that some fact contains text, on SQLite and PostgreSQL alike.

    The facts column holds JSON as written by json.dumps, which escapes non-ASCII text
    (岳 is stored as \\u5cb3); records written with it intact may exist too. The JSON is
    compared as text against both spellings; autoescape makes % and _ match themselves.
    """
    as_text = cast(Document.facts, Text)
    escaped = json.dumps(text)[1:-1]  # the spelling inside a JSON string, without its quotes
    spellings = dict.fromkeys([text, escaped, json.dumps(text, ensure_ascii=False)[1:-1]])
    return or_(*(as_text.icontains(spelling, autoescape=True) for spelling in spellings))
