"""Gapless 文号 allocation: a number is taken only in the transaction that records its document."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.database.models import NumberSeries


class NumberTaken(RuntimeError):
    """Raised when another writer recorded a document with the number we rendered."""


def peek_next_sequence(session: Session, series: str, year: int) -> int:
    """Return the sequence the next document of the series and year would get."""
    last = session.scalar(
        select(NumberSeries.last_sequence).where(
            NumberSeries.series == series, NumberSeries.year == year
        )
    )
    return (last or 0) + 1


def claim_sequence(session: Session, series: str, year: int, sequence: int) -> None:
    """Advance the series to sequence inside the caller's transaction, or raise NumberTaken."""
    claim_block(session, series, year, sequence, 1)


def claim_block(session: Session, series: str, year: int, first: int, count: int) -> None:
    """Advance the series from first - 1 to first + count - 1, or raise NumberTaken.

    The update is a compare-and-set on the previous value, so two writers that rendered
    the same numbers cannot both record them, on SQLite or PostgreSQL, without locks held
    while LibreOffice works. A batch claims its chunk's block at once; a document, one.
    """
    last = first + count - 1
    if first == 1 and session.get(NumberSeries, (series, year)) is None:
        try:
            with session.begin_nested():
                session.add(NumberSeries(series=series, year=year, last_sequence=last))
        except IntegrityError:
            raise NumberTaken(f"{series} {year}: 1 was taken") from None
        return
    result = session.execute(
        update(NumberSeries)
        .where(
            NumberSeries.series == series,
            NumberSeries.year == year,
            NumberSeries.last_sequence == first - 1,
        )
        .values(last_sequence=last)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NumberTaken(f"{series} {year}: {first}–{last} were taken")
