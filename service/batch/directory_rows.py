"""A batch's rows taken from the unit directory: every active unit, those of a town or category, or named ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.acts.duedates import ALL_REGISTERED, ANNUAL_REPORT, yearly_items
from service.archive.access import Visibility
from service.batch.recipient_table import PARTY_TYPE, UNIT_FACTS, recipient_fields
from service.database.models import Unit
from service.instruments.registry import Instrument

UNIT_PARTY = "单位"  # the party type of a unit of the directory


def directory_units(session: Session, town: str = "", category: str = "") -> list[Unit]:
    """Return the active units of the directory, of the town and category when given, by name."""
    query = select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)
    if town:
        query = query.where(Unit.town == town)
    if category:
        query = query.where(Unit.category == category)
    return list(session.scalars(query))


def named_units(session: Session, names: Sequence[str]) -> list[Unit | str]:
    """Return each name as the directory's active unit of that name, or as the bare name it knows no more of."""
    found = {unit.name: unit for unit in directory_units(session)}
    return [found.get(name, name) for name in names]


def towns_and_categories(session: Session) -> tuple[list[str], list[str]]:
    """Return the towns and the categories the active units of the directory name."""
    units = directory_units(session)
    towns = sorted({unit.town for unit in units if unit.town})
    categories = sorted({unit.category for unit in units if unit.category})
    return towns, categories


def unit_rows(
    instrument: Instrument, units: Sequence[Unit | str]
) -> list[tuple[int, dict[str, Any]]]:
    """Return the batch rows (1, 2, … and each row's facts) for units, filling what the directory knows."""
    fields = set(recipient_fields(instrument))
    rows = []
    for number, unit in enumerate(units, start=1):
        if isinstance(unit, str):
            rows.append((number, {instrument.recipient_field: unit}))
            continue
        facts: dict[str, Any] = {instrument.recipient_field: unit.name}
        if PARTY_TYPE in fields:
            facts[PARTY_TYPE] = UNIT_PARTY
        for name, attribute in UNIT_FACTS.items():
            value = getattr(unit, attribute)
            if name in fields and value:
                facts[name] = value
        rows.append((number, facts))
    return rows


def unreported_units(
    session: Session, year: int, classifications: Visibility = None
) -> list[str] | None:
    """Return the registered units that have not reported on year, as the deadlines agenda lists them.

    The agenda lists last year's missing reports; it is asked as it stands in the year after
    year, from the issued documents of the 密级 in classifications (None: all). A unit already
    sent a correction order for that report is left out: the desk names its order instead.
    None when no audit summary has given the register yet: nobody knows which units are missing.
    """
    items = yearly_items(session, dt.date(year + 1, 12, 31), classifications)
    if any(item.matter == ANNUAL_REPORT and item.unit == ALL_REGISTERED for item in items):
        return None
    return [
        item.unit
        for item in items
        if item.matter == ANNUAL_REPORT
        and item.year == year
        and item.unit != ALL_REGISTERED
        and not item.ordered
    ]
