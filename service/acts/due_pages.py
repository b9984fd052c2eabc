"""What is due, a page at a time and counted in SQL: the deadlines page and the desk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.acts.duedates import (
    ROW_ORDER,
    DueItem,
    computed_items,
    item_key,
    open_rows,
    row_item,
)
from service.archive.access import Visibility
from service.database.models import DueItemRow

PAGE_SIZE = 50  # items a page of the deadlines page lists, beside the few computed ones


@dataclass(frozen=True)
class DuePage:
    """One page of what is due: its overdue and upcoming items, the totals, and where it is."""

    overdue: list[DueItem]
    upcoming: list[DueItem]
    overdue_count: int
    upcoming_count: int
    page: int = 1
    pages: int = 1


def due_page(
    session: Session,
    today: dt.date,
    classifications: Visibility = None,
    window: int = 90,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> DuePage:
    """Return a page of the items overdue or due within window days, overdue (earliest) first.

    Pages are cut in the table's rows, size each; the items computed as of today (last
    year's reports and circular, the open cases') go on the page whose rows enclose them,
    so that every item is on exactly one page. A page past the last is the last.
    """
    horizon = today + dt.timedelta(days=window)
    computed, in_cases = computed_items(session, today, classifications)
    computed = [item for item in computed if item.due <= horizon]
    rows = open_rows(session, classifications, in_cases, horizon)
    overdue_rows, total = _row_counts(session, rows, today)
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    fetched = [
        row_item(row, today)
        for row in session.scalars(
            rows.order_by(*ROW_ORDER).offset((page - 1) * size).limit(size + 1)
        )
    ]
    listed, following = fetched[:size], fetched[size:]
    low = item_key(listed[0]) if listed and page > 1 else None
    high = item_key(following[0]) if following else None
    enclosed = [
        item
        for item in computed
        if (low is None or item_key(item) >= low) and (high is None or item_key(item) < high)
    ]
    items = sorted([*listed, *enclosed], key=item_key)
    overdue = overdue_rows + sum(1 for item in computed if item.overdue)
    return DuePage(
        overdue=[item for item in items if item.overdue],
        upcoming=[item for item in items if not item.overdue],
        overdue_count=overdue,
        upcoming_count=total + len(computed) - overdue,
        page=page,
        pages=pages,
    )


def due_first(
    session: Session,
    today: dt.date,
    classifications: Visibility = None,
    window: int = 7,
    limit: int = 10,
) -> tuple[DuePage, list[DueItem]]:
    """Return the first few items overdue or due within window days with the totals, and every overdue computed one.

    The desk lists these few and counts the rest; the computed overdue items (reports
    missing) are returned whole, since the desk offers one batch for all of them.
    """
    horizon = today + dt.timedelta(days=window)
    computed, in_cases = computed_items(session, today, classifications)
    computed = [item for item in computed if item.due <= horizon]
    rows = open_rows(session, classifications, in_cases, horizon)
    listed = [
        row_item(row, today) for row in session.scalars(rows.order_by(*ROW_ORDER).limit(limit))
    ]
    items = sorted([*listed, *computed], key=item_key)[:limit]
    overdue_rows, total = _row_counts(session, rows, today)
    overdue = overdue_rows + sum(1 for item in computed if item.overdue)
    first = DuePage(
        overdue=[item for item in items if item.overdue],
        upcoming=[item for item in items if not item.overdue],
        overdue_count=overdue,
        upcoming_count=total + len(computed) - overdue,
    )
    return first, [item for item in computed if item.overdue]


def _row_counts(session: Session, rows: Select[DueItemRow], today: dt.date) -> tuple[int, int]:
    """Return how many of the rows are overdue, and how many there are."""
    counted = rows.with_only_columns(DueItemRow.due).subquery()
    overdue, total = session.execute(
        select(func.count().filter(counted.c.due < today), func.count()).select_from(counted)
    ).one()
    return int(overdue), int(total)
