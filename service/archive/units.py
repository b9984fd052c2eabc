"""The unit directory: the supervised units a case may name as its party, kept from imported tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.archive.unit_table import (
    CODE,
    RowProblem,
    UnitRow,
    UnitsRefused,
    read_unit_rows,
    unit_row_problems,
)
from service.database.models import Unit
from service.foundations.plaintext import quote_back

# The most units a lookup answers with: a picker shows a short list as the clerk types.
LOOKUP_LIMIT = 20


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
    town: str = ""  # 所在乡镇（街道）
    category: str = ""  # 单位类别
    id: int = field(default=0, compare=False)  # the row, for the pages that edit it

    def to_json(self) -> dict[str, str | bool]:
        """Return the unit as JSON: name, credit_code, address, representative, town, category, active."""
        return {**self.lookup_json(), "active": self.active}

    def lookup_json(self) -> dict[str, str | bool]:
        """Return the unit as a form's lookup answers: the facts a form fills from it."""
        return {
            "name": self.name,
            "credit_code": self.credit_code,
            "address": self.address,
            "representative": self.representative,
            "town": self.town,
            "category": self.category,
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
        unit.name,
        unit.credit_code,
        unit.address,
        unit.representative,
        unit.active,
        unit.town,
        unit.category,
        unit.id,
    )


def list_units(session: Session, text: str = "") -> list[DirectoryEntry]:
    """Return every unit of the directory, deactivated ones too, by name; or those matching text.

    A unit matches when its name, credit code, town or category holds the text.
    """
    query = select(Unit).order_by(Unit.name)
    if text.strip():
        columns = (Unit.name, Unit.credit_code, Unit.town, Unit.category)
        query = query.where(
            or_(*(column.contains(text.strip(), autoescape=True) for column in columns))
        )
    return [_entry(unit) for unit in session.scalars(query)]


def lookup_units(session: Session, text: str) -> list[DirectoryEntry]:
    """Return up to LOOKUP_LIMIT active units whose name holds text or credit code starts with it."""
    text = text.strip()
    query = select(Unit).where(Unit.active.is_(True))
    if text:
        query = query.where(
            or_(
                Unit.name.contains(text, autoescape=True),
                Unit.credit_code.startswith(text.upper(), autoescape=True),
            )
        )
    query = query.order_by(Unit.name).limit(LOOKUP_LIMIT)
    return [_entry(unit) for unit in session.scalars(query)]


def unit_by_id(session: Session, unit_id: int) -> DirectoryEntry | None:
    """Return the unit with this row id, active or not."""
    unit = session.get(Unit, unit_id)
    return _entry(unit) if unit is not None else None


def save_unit(session: Session, row: UnitRow, unit_id: int | None = None) -> DirectoryEntry:
    """Add a unit (unit_id None) or change one, as typed on the page; raise UnitsRefused naming the problems.

    A name and an active unit's credit code each belong to one unit.
    """
    values = {
        "单位名称": row.name,
        CODE: row.credit_code,
        "地址": row.address,
        "法定代表人（负责人）": row.representative,
        "所在乡镇": row.town or "",
        "单位类别": row.category or "",
    }
    problems = unit_row_problems(row.number, values)
    named = session.scalar(select(Unit).where(Unit.name == row.name))
    if row.name and named is not None and named.id != unit_id:
        problems.append(RowProblem(row.number, "单位名称", "名录中已有同名单位"))
    holder = session.scalar(
        select(Unit).where(Unit.credit_code == row.credit_code, Unit.active.is_(True))
    )
    if row.credit_code and holder is not None and holder.id != unit_id:
        problems.append(
            RowProblem(row.number, CODE, f"“{row.credit_code}”已是名录中“{holder.name}”的代码")
        )
    if problems:
        raise UnitsRefused(problems)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        unit = Unit(name=row.name)
        session.add(unit)
    unit.name, unit.credit_code, unit.address = row.name, row.credit_code, row.address
    unit.representative, unit.town, unit.category = (
        row.representative,
        row.town or "",
        row.category or "",
    )
    unit.active = True
    session.flush()
    return _entry(unit)


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


def set_unit_active(session: Session, unit_id: int, active: bool) -> None:
    """Take a unit out of the directory or back in; raise UnitsRefused when its code is taken.

    A unit taken back in must not share its credit code with another active unit.
    """
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UnknownUnit(str(unit_id))
    if active and not unit.active:
        holder = session.scalar(
            select(Unit).where(
                Unit.credit_code == unit.credit_code, Unit.active.is_(True), Unit.id != unit.id
            )
        )
        if holder is not None:
            raise UnitsRefused(
                [RowProblem(0, CODE, f"“{unit.credit_code}”已是名录中“{holder.name}”的代码")]
            )
    unit.active = active


def import_units(session: Session, path: Path) -> ImportReport:
    """Add or update the units of a .csv or .xlsx table, all of them or none.

    A unit is found by its name: a new name is added, a known one takes the table's credit
    code, address, representative (and town and category, when the table has those
    columns), and becomes active again if it was deactivated.
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
                    town=row.town or "",
                    category=row.category or "",
                    active=True,
                )
            )
            added.append(row.name)
            continue
        town = unit.town if row.town is None else row.town
        category = unit.category if row.category is None else row.category
        values = (row.credit_code, row.address, row.representative, town, category, True)
        held = (unit.credit_code, unit.address, unit.representative, unit.town, unit.category)
        if values == (*held, unit.active):
            unchanged += 1
            continue
        (
            unit.credit_code,
            unit.address,
            unit.representative,
            unit.town,
            unit.category,
            unit.active,
        ) = values
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
