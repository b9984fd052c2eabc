"""Due dates computed from the archive: 复查 windows, corrections, yearly reports, circulars, open cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from forms.annual_report import report_due
from forms.fields import ArchivedDocument, archived_date
from forms.review_decision import APPLICATION_DAYS
from forms.safety_circular import circular_due
from service.archive.access import Visibility, shown
from service.cases.deadlines import CaseDeadline, case_deadlines
from service.cases.records import APPROVED, EXTENSION, CaseFile, load_cases
from service.cases.status import IN_PROGRESS
from service.database.models import Case, Document, DueItemRow, Submission
from service.foundations.bounded import BoundedCache
from service.foundations.deadlines import (
    UNKNOWN_CALENDAR,
    CalendarUnknown,
    calendar_known,
    deadline,
)

# The kinds whose facts set or settle a due date.
KINDS = (
    "supervision_notice",
    "review_decision",
    "enforcement_notice",
    "correction_order",
    "annual_report",
    "audit_summary",
    "safety_circular",
    "inspection_record",
)
# The kinds that set due items of their own, kept in the due_items table as they are issued.
ITEM_KINDS = ("supervision_notice", "enforcement_notice", "correction_order")
# The kinds whose issue may show compliance and so settle an item of another document.
FOLLOW_UPS = ("review_decision", "annual_report", "audit_summary", "inspection_record")
FOLLOW_UP_VISIT = "回访"  # the inspection_kind of a record of the visit that checks a correction
# Facts named "deadline" on these kinds: the day the unit must have corrected by.
CORRECTION_DEADLINES = {
    "supervision_notice": "执行处理决定的期限",
    "enforcement_notice": "改正期限",
    "correction_order": "改正期限（补报自查报告）",
}
# What an item is about, so that a page can offer the step that follows it.
REVIEW_WINDOW, CORRECTION, ANNUAL_REPORT, CIRCULAR, CASE = (
    "review_window",
    "correction",
    "annual_report",
    "circular",
    "case",
)
ALL_REGISTERED = "登记备份名册内各单位"  # the one item standing for every unit before a register
SETTLER = aliased(Document, name="settler")  # the follow-up that settled a row; made once, costly


class Record(ArchivedDocument, Protocol):
    """What the due dates are computed from: an archived document, with its id and recipient."""

    @property
    def id(self) -> int:
        """The document's id."""

    @property
    def recipient(self) -> str:
        """The 主送 unit or person."""


@dataclass(frozen=True)
class DueItem:
    """One thing due: when, what, for which unit, from which document, and how far off."""

    due: dt.date
    what: str
    unit: str
    days_left: int  # negative when overdue
    document_id: int | None = None
    number: str = ""
    note: str = ""  # e.g. the holiday calendar of the year is not known yet
    case_id: int | None = None  # the open case it is due in, if any
    case_number: str = ""
    matter: str = ""  # REVIEW_WINDOW, CORRECTION, ANNUAL_REPORT, CIRCULAR or CASE
    year: int | None = None  # the year a report or circular is on
    ordered: str = ""  # the 文号 of the correction order already issued for a missing report

    @property
    def overdue(self) -> bool:
        """Return whether the day has passed."""
        return self.days_left < 0


def due_items(records: Iterable[Record], today: dt.date) -> list[DueItem]:
    """Return everything due according to the issued records, earliest first; voided ones count for nothing."""
    issued = [record for record in records if record.status == "issued"]
    items = [
        *_document_items(issued, today),
        *_annual_reports(issued, today),
        *_circular(issued, today),
    ]
    # Same day and matter: by document, or in the order of the register for yearly reports.
    return sorted(items, key=lambda item: (item.due, item.what, item.document_id or 0))


def archive_due_items(
    session: Session, today: dt.date, classifications: Visibility = None
) -> list[DueItem]:
    """Return everything due and unsettled according to the issued documents in the archive.

    Only documents of the 密级 in classifications count (None: all): what is due is
    computed as if the others did not exist, so that no unit, 文号 or date of theirs shows.
    The items documents set are read from the due_items table (service.acts.due_table);
    last year's reports and circular and the open cases' deadlines are computed as of today.
    """
    computed, in_cases = computed_items(session, today, classifications)
    rows = session.scalars(open_rows(session, classifications, in_cases).order_by(*ROW_ORDER))
    items = [row_item(row, today) for row in rows]
    return sorted([*items, *computed], key=item_key)


def computed_items(
    session: Session, today: dt.date, classifications: Visibility = None
) -> tuple[list[DueItem], set[int]]:
    """Return the items computed as of today (yearly and open cases'), and the documents the cases list.

    Their number is bounded by the registered units and the open cases, not by the archive.
    """
    cases = open_case_items(session, today, classifications)
    # An order served in an open case is listed once, as the case lists it, with the case.
    in_cases = {item.document_id for item in cases if item.document_id is not None}
    return sorted([*yearly_items(session, today, classifications), *cases], key=item_key), in_cases


# The kinds whose about_year decides last year's items: a unit's report, the order for a
# missing one, the bureau's audit summary, and the safety circular.
YEARLY_KINDS = ("annual_report", "correction_order", "audit_summary", "safety_circular")


def yearly_items(
    session: Session, today: dt.date, classifications: Visibility = None
) -> list[DueItem]:
    """Return last year's reports and circular still due, from the few documents that decide them.

    They are computed again only when those documents have changed (one issued or voided),
    or the day or the reader's 密级 differ: the state is read from ix_documents_about_year
    alone (how many are issued, and the newest), since a document's facts never change and
    every new one has a higher id (YEARLY_ITEMS).
    """
    year = today.year - 1
    visible = (Document.status == "issued", shown(classifications))
    latest = select(Document.id).where(Document.kind == "audit_summary", *visible)
    latest = latest.order_by(Document.document_date.desc(), Document.id.desc()).limit(1)
    # The year each kind reports on (报告年度, 审核年度, 考核年度) is its about_year, by index.
    of_year = and_(Document.about_year == year, Document.kind.in_(YEARLY_KINDS), *visible)
    latest_id = session.scalar(latest)
    count, newest = session.execute(
        select(func.count(), func.max(Document.id)).where(of_year)
    ).one()
    key = (archive_of(session), year, classifications, today, latest_id, count, newest)
    cached = YEARLY_ITEMS.get(key)
    if cached is not None:
        return cached
    records = {
        document.id: document
        for document in [
            *session.scalars(select(Document).where(Document.id == latest_id)),
            *session.scalars(select(Document).where(of_year)),
        ]
    }
    items = [
        item
        for item in due_items(sorted(records.values(), key=lambda record: record.id), today)
        if item.matter in (ANNUAL_REPORT, CIRCULAR)
    ]
    YEARLY_ITEMS.put(key, items)
    return items


def item_key(item: DueItem) -> tuple[dt.date, str, int]:
    """Return the order items are listed in: by day, then matter, then document."""
    return (item.due, item.what, item.document_id or 0)


# The same order in SQL, for the rows of the table; the row's id makes every page's cut exact.
ROW_ORDER = (DueItemRow.due, DueItemRow.what, DueItemRow.document_id, DueItemRow.id)


# The 密级 above 公开 the documents hold, walked along ix_documents_classified one value at a
# time (a loose index scan: as many index probes as there are 密级, at any size).
_CLASSIFIED_HELD = text(
    "WITH RECURSIVE held(name) AS ("
    " SELECT (SELECT classification FROM documents WHERE classification <> '公开'"
    " ORDER BY classification LIMIT 1)"
    " UNION ALL"
    " SELECT (SELECT classification FROM documents WHERE classification <> '公开'"
    " AND classification > held.name ORDER BY classification LIMIT 1)"
    " FROM held WHERE held.name IS NOT NULL"
    ") SELECT name FROM held WHERE name IS NOT NULL"
)
PUBLIC = "公开"  # taken as held: it is what most documents are


def hidden_classifications(session: Session, classifications: Visibility) -> list[str]:
    """Return the 密级 some document holds that a reader of these classifications may not see.

    公开 counts as held without looking, should a bureau's policy hide it from someone.
    """
    if classifications is None:
        return []
    held = {PUBLIC, *session.scalars(_CLASSIFIED_HELD)}
    return sorted(name for name in held if name not in classifications)


def open_rows(
    session: Session,
    classifications: Visibility,
    in_cases: set[int],
    horizon: dt.date | None = None,
) -> Select[DueItemRow]:
    """Return the query of unsettled rows the reader may see, not listed with a case, due by horizon.

    The 密级 is the row's, copied from its document when it was issued (a document's 密级
    does not change after issue), so that counts and pages read the index alone. For a reader who may not see every
    document, an item settled by a follow-up he may not see is still open: what is due is
    computed as if that follow-up did not exist, since an item vanishing would tell him that
    a hidden 复查决定, report or 回访 record exists, and for which unit. He sees a met deadline
    as unmet, as he does for a unit whose only report is hidden from him (yearly_items).
    Such follow-ups, and the rows' 密级, are looked at only when the archive holds a 密级
    hidden from him; else his rows are the unsettled ones, read in order from ix_due_items_open.
    """
    query = select(DueItemRow)
    hidden = hidden_classifications(session, classifications)
    if hidden:
        settler = SETTLER
        hidden_follow_ups = select(settler.id).where(  # along ix_documents_classified
            settler.classification.in_(hidden), settler.kind.in_(FOLLOW_UPS)
        )
        query = query.where(
            or_(
                DueItemRow.settled_at.is_(None),
                DueItemRow.settled_by_document_id.in_(hidden_follow_ups.scalar_subquery()),
            ),
            DueItemRow.classification.in_(classifications or ()),
        )
    else:  # every row's 密级, its document's, is one he may see: nothing more to ask
        query = query.where(DueItemRow.settled_at.is_(None))
    if in_cases:
        query = query.where(DueItemRow.document_id.not_in(sorted(in_cases)))
    if horizon is not None:
        query = query.where(DueItemRow.due <= horizon)
    return query


def row_item(row: DueItemRow, today: dt.date) -> DueItem:
    """Return a row of the table as the pages list it."""
    return DueItem(
        due=row.due,
        what=row.what,
        unit=row.unit,
        days_left=(row.due - today).days,
        document_id=row.document_id,
        number=row.number,
        note=row.note,
        matter=row.matter,
        year=row.year,
    )


def open_case_items(
    session: Session, today: dt.date, classifications: Visibility = None
) -> list[DueItem]:
    """Return the deadlines of every open case, from the case documents the reader may see.

    A case's items are computed again only when the case has changed (an instrument issued,
    voided or served in it, an extension approved, its status or number), or the day or the
    reader's 密级 differ: the pages read the cases' state in three grouped queries and load
    only the cases that changed (CASE_ITEMS).
    """
    in_progress = select(Case.id).where(Case.status.in_(IN_PROGRESS))  # along ix_cases_status_id
    cases = session.execute(
        select(Case.id, Case.status, Case.number)
        .where(Case.status.in_(IN_PROGRESS))
        .order_by(Case.id)
    ).all()
    case_ids = [case_id for case_id, _status, _number in cases]
    documents = {
        case_id: (count, last, voided, served)
        for case_id, count, last, voided, served in session.execute(
            select(  # along ix_documents_case_state, the rows unread
                Document.case_id,
                func.count(),
                func.max(Document.id),
                func.max(Document.voided_at),
                func.max(Document.served_on),
            )
            .where(Document.case_id.in_(in_progress))
            .group_by(Document.case_id)
        )
    }
    extensions = {
        case_id: count
        for case_id, count in session.execute(
            select(Submission.case_id, func.count())
            .where(
                Submission.case_id.in_(in_progress),
                Submission.kind == EXTENSION,
                Submission.status == APPROVED,
            )
            .group_by(Submission.case_id)
        )
    }
    where = archive_of(session)
    keys = {
        case_id: (
            where,
            case_id,
            status,
            number,
            documents.get(case_id),
            extensions.get(case_id),
            classifications,
            today,
        )
        for case_id, status, number in cases
    }
    known: dict[int, list[DueItem]] = {}
    for case_id in case_ids:
        cached = CASE_ITEMS.get(keys[case_id])
        if cached is not None:
            known[case_id] = cached
    missing = [case_id for case_id in case_ids if case_id not in known]
    if missing:
        visible = set(
            session.scalars(
                select(Document.id).where(Document.case_id.in_(missing), shown(classifications))
            )
        )
        for whole in load_cases(session, missing):
            seen = replace(whole, documents=tuple(d for d in whole.documents if d.id in visible))
            known[whole.id] = [_case_item(seen, due, today) for due in case_deadlines(seen, today)]
            CASE_ITEMS.put(keys[whole.id], known[whole.id])
    return [item for case_id in case_ids for item in known.get(case_id, [])]


def archive_of(session: Session) -> str:
    """Return which archive a session reads, as the item caches tell archives apart (tests, tools)."""
    return str(session.get_bind().engine.url)


class ItemCache(BoundedCache[Hashable, list[DueItem]]):
    """The due items of cases by their state, the least recently used dropped past a bound; thread-safe."""


# The open cases' items as last computed, by the case's state, the day and the reader's 密级.
CASE_ITEMS = ItemCache(4096)
# Last year's reports and circular as last computed, by the state of the documents that
# decide them, the day and the reader's 密级.
YEARLY_ITEMS = ItemCache(64)


def _case_item(case_file: CaseFile, due: CaseDeadline, today: dt.date) -> DueItem:
    """Return a case's deadline as the page lists it: for the case's party, with the case."""
    numbers = {document.id: document.number for document in case_file.documents}
    return DueItem(
        due=due.due,
        what=due.what,
        unit=case_file.party,
        days_left=(due.due - today).days,
        document_id=due.document_id,
        number=numbers.get(due.document_id or 0, ""),
        note=due.note,
        case_id=case_file.id,
        case_number=case_file.number or "",
        matter=CASE,
    )


@dataclass(frozen=True)
class Agenda:
    """What the deadlines page lists: everything overdue, then what falls due in the window."""

    overdue: list[DueItem]
    upcoming: list[DueItem]


def agenda(items: Sequence[DueItem], window: int = 90) -> Agenda:
    """Return the overdue items and those due within window days (today included)."""
    return Agenda(
        overdue=[item for item in items if item.overdue],
        upcoming=[item for item in items if 0 <= item.days_left <= window],
    )


def _item(
    due: dt.date,
    what: str,
    unit: str,
    today: dt.date,
    record: Record | None = None,
    note: str = "",
    matter: str = "",
) -> DueItem:
    """Return a due item, counting the days left from today."""
    return DueItem(
        due=due,
        what=what,
        unit=unit,
        days_left=(due - today).days,
        document_id=record.id if record else None,
        number=record.number if record else "",
        note=note,
        matter=matter,
    )


def _review_windows(issued: Sequence[Record], today: dt.date) -> list[DueItem]:
    """Return the 10-day 复查 window of each supervision notice no 复查决定书 has answered."""
    answered = {
        record.facts.get("notice_number") for record in issued if record.kind == "review_decision"
    }
    items = []
    for record in issued:
        if record.kind != "supervision_notice" or record.number in answered:
            continue
        issued_on = archived_date(record.facts.get("issue_date")) or record.document_date
        note = ""
        try:
            due = deadline(issued_on, APPLICATION_DAYS)
        except CalendarUnknown:
            due, note = issued_on + dt.timedelta(days=APPLICATION_DAYS), UNKNOWN_CALENDAR
        what = f"复查申请期限届满（自成文日期起{APPLICATION_DAYS}日）"
        items.append(_item(due, what, record.recipient, today, record, note, REVIEW_WINDOW))
    return items


def _correction_deadlines(issued: Sequence[Record], today: dt.date) -> list[DueItem]:
    """Return the deadline fact of each supervision notice, enforcement notice and correction order.

    A correction order is settled once the unit's report on its year has been received,
    in the archive or on paper: its deadline is then no longer due. Any other correction
    deadline is settled by a 回访 record of the unit made on or after the document's date.
    """
    items = []
    reported: dict[int, set[str]] = {}  # by year, read once
    visits = _visits(issued)
    for record in issued:
        what = CORRECTION_DEADLINES.get(record.kind)
        due = archived_date(record.facts.get("deadline"))
        year = record.facts.get("report_year")
        if record.kind == "correction_order" and isinstance(year, int):
            if year not in reported:
                reported[year] = reported_units(issued, year)
            if _unit(record.facts) in reported[year]:
                continue
        elif what and visits.get(record.recipient.strip(), dt.date.min) >= record.document_date:
            continue  # a 回访 on or after the document checked the correction
        if what and due:
            item = _item(due, what, record.recipient, today, record, matter=CORRECTION)
            # An order to file a report names the report's year: receiving it is what follows.
            ordered_year = year if record.kind == "correction_order" else None
            items.append(
                replace(item, year=ordered_year if isinstance(ordered_year, int) else None)
            )
    return items


def _visits(issued: Sequence[Record]) -> dict[str, dt.date]:
    """Return the day of the latest issued 回访 record of each unit."""
    latest: dict[str, dt.date] = {}
    for record in issued:
        if record.kind != "inspection_record":
            continue
        if record.facts.get("inspection_kind") != FOLLOW_UP_VISIT:
            continue
        day = archived_date(record.facts.get("inspection_date")) or record.document_date
        unit = _unit(record.facts)
        latest[unit] = max(day, latest.get(unit, day))
    return latest


def _document_items(issued: Sequence[Record], today: dt.date) -> list[DueItem]:
    """Return the items documents set of their own: 复查 windows and correction deadlines."""
    return [*_review_windows(issued, today), *_correction_deadlines(issued, today)]


def own_items(record: Record) -> list[DueItem]:
    """Return the items a document sets by itself, as if nothing had followed it.

    days_left counts from the document's date: the table keeps the due day, not the days.
    """
    issued = [record] if record.status == "issued" else []
    return [
        item
        for item in _document_items(issued, record.document_date)
        if item.document_id == record.id
    ]


def settled_items(record: Record, follow_up: Record) -> list[DueItem]:
    """Return the items of record that follow_up settles according to the rules above."""
    issued = [each for each in (record, follow_up) if each.status == "issued"]
    still = {
        (item.matter, item.what, item.due)
        for item in _document_items(issued, record.document_date)
        if item.document_id == record.id
    }
    return [item for item in own_items(record) if (item.matter, item.what, item.due) not in still]


def _unit(facts: dict[str, object]) -> str:
    """Return the unit a report, summary row or order names, as typed without outer spaces."""
    return str(facts.get("unit") or "").strip()


def reported_units(issued: Sequence[Record], year: int) -> set[str]:
    """Return the units whose report on year was received: issued in the archive or on paper.

    A paper report is known from the 纸质报告 rows of an issued audit summary of that year,
    which is where the bureau records it; voided documents count for nothing.
    """
    units = {
        _unit(record.facts)
        for record in issued
        if record.status == "issued"
        and record.kind == "annual_report"
        and record.facts.get("report_year") == year
    }
    for record in issued:
        if record.status != "issued" or record.kind != "audit_summary":
            continue
        if record.facts.get("audit_year") != year:
            continue
        rows = record.facts.get("paper_reports") or []
        units |= {_unit(row) for row in rows if isinstance(row, dict)}
    return units - {""}


def _orders(issued: Sequence[Record], year: int) -> dict[str, str]:
    """Return the 文号 of the first correction order issued to each unit for its report on year."""
    orders: dict[str, str] = {}
    for record in sorted(issued, key=lambda record: record.id):
        if record.kind == "correction_order" and record.facts.get("report_year") == year:
            orders.setdefault(_unit(record.facts), record.number)
    return orders


def _annual_reports(issued: Sequence[Record], today: dt.date) -> list[DueItem]:
    """Return last year's report due 30 September for each registered unit that has not filed it.

    The registered units are the register rows of the latest audit summary; without one,
    a single item stands for all of them.
    """
    year = today.year - 1
    due = report_due(year)
    note = "" if calendar_known(dt.date(year + 1, 9, 30)) else UNKNOWN_CALENDAR
    what = f"报送{year}年度档案工作情况报告"
    summaries = sorted(
        (record for record in issued if record.kind == "audit_summary"),
        key=lambda record: (record.document_date, record.id),
    )
    if not summaries:
        everyone = _item(due, what, ALL_REGISTERED, today, note=note, matter=ANNUAL_REPORT)
        return [replace(everyone, year=year)]
    filed = reported_units(issued, year)
    orders = _orders(issued, year)
    register = summaries[-1].facts.get("register") or []
    units = [_unit(row) for row in register if isinstance(row, dict)]
    return [
        replace(
            _item(due, what, unit, today, note=note, matter=ANNUAL_REPORT),
            year=year,
            ordered=orders.get(unit, ""),
        )
        for unit in dict.fromkeys(units)
        if unit and unit not in filed
    ]


def _circular(issued: Sequence[Record], today: dt.date) -> list[DueItem]:
    """Return last year's 全区档案安全通报 due 31 January, unless one has been issued."""
    year = today.year - 1
    if any(
        record.kind == "safety_circular" and record.facts.get("assessment_year") == year
        for record in issued
    ):
        return []
    note = "" if calendar_known(dt.date(year + 1, 1, 31)) else UNKNOWN_CALENDAR
    item = _item(circular_due(year), f"发布{year}年度全区档案安全通报", "本局", today, note=note)
    return [replace(item, matter=CIRCULAR, year=year)]
