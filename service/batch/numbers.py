"""A block of consecutive 文号 claimed at once, by compare-and-set, in the transaction recording it."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.archive.models import NumberSeries
from service.archive.numbering import NumberTaken


def claim_block(session: Session, series: str, year: int, first: int, count: int) -> None:
    """Advance the series from first - 1 to first + count - 1, or raise NumberTaken.

    As service.archive.numbering.claim_sequence, for count numbers: the update only
    succeeds if nobody recorded a number of the series since first was peeked, so a
    block rendered with numbers another writer took meanwhile is never recorded.
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
