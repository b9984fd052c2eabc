"""Gapless 文号 allocation: a number is taken only in the transaction that records its document."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.archive.models import NumberSeries


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
    """Advance the series to sequence inside the caller's transaction, or raise NumberTaken.

    The update is a compare-and-set on the previous value, so two writers that rendered
    the same number cannot both record it, on SQLite or PostgreSQL, without locks held
    while LibreOffice works.
    """
    if sequence == 1:
        exists = session.get(NumberSeries, (series, year))
        if exists is None:
            try:
                with session.begin_nested():
                    session.add(NumberSeries(series=series, year=year, last_sequence=1))
            except IntegrityError:
                raise NumberTaken(f"{series} {year}: 1 was taken") from None
            return
    result = session.execute(
        update(NumberSeries)
        .where(
            NumberSeries.series == series,
            NumberSeries.year == year,
            NumberSeries.last_sequence == sequence - 1,
        )
        .values(last_sequence=sequence)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NumberTaken(f"{series} {year}: {sequence} was taken")
