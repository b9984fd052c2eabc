"""The unit directory: the supervised units a case may name as its party, kept from imported tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.unit_table import CODE, RowProblem, UnitRow, UnitsRefused, read_unit_rows
from service.database.models import Unit
from service.foundations.plaintext import quote_back


class UnknownUnit(LookupError):
    """Raised for a name the directory does not hold."""

    def __str__(self) -> str:
        return f"单位名录中没有“{quote_back(self.args[0])}”，请核对名称（wenshu units list 列出全部单位）"


@dataclass(frozen=True)
class DirectoryEntry:
    """A unit of the directory as the forms and the commands see it."""

    name: str
    credit_code: str
    address: str
    representative: str
    active: bool = True

    def to_json(self) -> dict[str, str | bool]:
        """Return the unit as JSON: name, credit_code, address, representative, active."""
        return {
            "name": self.name,
            "credit_code": self.credit_code,
            "address": self.address,
            "representative": self.representative,
            "active": self.active,
        }


@dataclass(frozen=True)
class ImportReport:
    """What an import changed: the names of the units added and updated, and how many stayed as they were."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def _entry(unit: Unit) -> DirectoryEntry:
    """Return the view of a directory row."""
    return DirectoryEntry(
        unit.name, unit.credit_code, unit.address, unit.representative, unit.active
    )


def list_units(session: Session) -> list[DirectoryEntry]:
    """Return every unit of the directory, deactivated ones too, by name."""
    return [_entry(unit) for unit in session.scalars(select(Unit).order_by(Unit.name))]


def find_unit(session: Session, name: str) -> DirectoryEntry | None:
    """Return the active unit with this name, if the directory holds one."""
    unit = session.scalar(select(Unit).where(Unit.name == name.strip(), Unit.active.is_(True)))
    return _entry(unit) if unit is not None else None


def deactivate_unit(session: Session, name: str) -> None:
    """Mark a unit as no longer in the directory; raise UnknownUnit when there is none by that name.

    The row is kept: documents issued to the unit still name it, and importing it again
    makes it active again.
    """
    unit = session.scalar(select(Unit).where(Unit.name == name.strip()))
    if unit is None:
        raise UnknownUnit(name)
    unit.active = False


def import_units(session: Session, path: Path) -> ImportReport:
    """Add or update the units of a .csv or .xlsx table, all of them or none.

    A unit is found by its name: a new name is added, a known one takes the table's credit
    code, address and representative, and becomes active again if it was deactivated.
    Raises UnitsRefused, naming every bad row, when a row is wrong or would give a credit
    code another active unit holds; TableUnreadable when the file cannot be read.
    """
    rows = read_unit_rows(path)
    existing = {unit.name: unit for unit in session.scalars(select(Unit))}
    _refuse_codes_held_elsewhere(rows, existing)
    added: list[str] = []
    updated: list[str] = []
    unchanged = 0
    for row in rows:
        unit = existing.get(row.name)
        if unit is None:
            session.add(
                Unit(
                    name=row.name,
                    credit_code=row.credit_code,
                    address=row.address,
                    representative=row.representative,
                    active=True,
                )
            )
            added.append(row.name)
            continue
        values = (row.credit_code, row.address, row.representative, True)
        if values == (unit.credit_code, unit.address, unit.representative, unit.active):
            unchanged += 1
            continue
        unit.credit_code, unit.address, unit.representative, unit.active = values
        updated.append(row.name)
    session.flush()
    return ImportReport(added, updated, unchanged)


def _refuse_codes_held_elsewhere(rows: list[UnitRow], existing: dict[str, Unit]) -> None:
    """Raise UnitsRefused for rows giving a credit code an active unit of another name holds.

    A unit renamed keeps its code: the old name is deactivated first, so that one code never
    stands for two parties.
    """
    named = {row.name for row in rows}
    holders = {
        unit.credit_code: unit
        for unit in existing.values()
        if unit.active and unit.name not in named
    }
    problems = [
        RowProblem(
            row.number,
            CODE,
            f"“{row.credit_code}”已是名录中“{holder.name}”的代码；单位更名的，"
            f"请先停用原名称（wenshu units deactivate {holder.name}）再导入",
        )
        for row in rows
        if (holder := holders.get(row.credit_code)) is not None
    ]
    if problems:
        raise UnitsRefused(problems)
