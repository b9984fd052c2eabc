"""The officer directory: the enforcement officers (执法人员) a form may name while certified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.archive.officer_table import (
    CERTIFICATE,
    OfficerRow,
    OfficersRefused,
    officer_row_problems,
    read_officer_rows,
)
from service.database.models import Officer
from service.foundations.plaintext import quote_back
from service.foundations.tables import RowProblem

# The most officers a lookup answers with: a picker shows a short list as the clerk types.
LOOKUP_LIMIT = 20


class UnknownOfficer(LookupError):
    """Raised for a 执法证号 the directory does not hold."""

    def __str__(self) -> str:
        return f"执法人员名录中没有执法证号“{quote_back(self.args[0])}”"


@dataclass(frozen=True)
class DirectoryOfficer:
    """An officer of the directory as the forms, pages and commands see him or her."""

    name: str
    certificate: str
    valid_until: dt.date
    active: bool = True
    id: int = 0

    def expired(self, on: dt.date) -> bool:
        """Return whether the certificate is no longer valid on the given day."""
        return self.valid_until < on

    def to_json(self, today: dt.date) -> dict[str, str | bool]:
        """Return the officer as a lookup answers: name, certificate, valid_until, expired."""
        return {
            "name": self.name,
            "certificate": self.certificate,
            "valid_until": self.valid_until.isoformat(),
            "expired": self.expired(today),
        }


@dataclass(frozen=True)
class OfficerImport:
    """What an import changed: the certificates added and updated, and how many stayed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def _view(officer: Officer) -> DirectoryOfficer:
    """Return the view of a directory row."""
    return DirectoryOfficer(
        officer.name, officer.certificate, officer.valid_until, officer.active, officer.id
    )


def list_officers(session: Session, text: str = "") -> list[DirectoryOfficer]:
    """Return the officers, deactivated ones too, by name; those whose name or 执法证号 holds text."""
    query = select(Officer).order_by(Officer.name, Officer.certificate)
    if text.strip():
        query = query.where(
            or_(
                Officer.name.contains(text.strip(), autoescape=True),
                Officer.certificate.contains(text.strip(), autoescape=True),
            )
        )
    return [_view(officer) for officer in session.scalars(query)]


def lookup_officers(session: Session, text: str) -> list[DirectoryOfficer]:
    """Return up to LOOKUP_LIMIT active officers whose name holds text or 执法证号 starts with it."""
    text = text.strip()
    query = select(Officer).where(Officer.active.is_(True))
    if text:
        query = query.where(
            or_(
                Officer.name.contains(text, autoescape=True),
                Officer.certificate.startswith(text, autoescape=True),
            )
        )
    query = query.order_by(Officer.name, Officer.certificate).limit(LOOKUP_LIMIT)
    return [_view(officer) for officer in session.scalars(query)]


def find_officer(session: Session, certificate: str) -> DirectoryOfficer | None:
    """Return the active officer holding this 执法证号, if the directory has one."""
    officer = session.scalar(
        select(Officer).where(Officer.certificate == certificate.strip(), Officer.active.is_(True))
    )
    return _view(officer) if officer is not None else None


def officer_by_id(session: Session, officer_id: int) -> DirectoryOfficer | None:
    """Return the officer with this row id, active or not."""
    officer = session.get(Officer, officer_id)
    return _view(officer) if officer is not None else None


def has_officers(session: Session) -> bool:
    """Return whether the directory holds any active officer (an empty one checks nothing)."""
    count = session.scalar(
        select(func.count()).select_from(Officer).where(Officer.active.is_(True))
    )
    return bool(count)


def deactivate_officer(session: Session, certificate: str) -> None:
    """Mark an officer as no longer in the directory; raise UnknownOfficer when there is none.

    The row is kept: documents that named the officer still do; importing the certificate
    again makes the officer active again.
    """
    officer = session.scalar(select(Officer).where(Officer.certificate == certificate.strip()))
    if officer is None:
        raise UnknownOfficer(certificate)
    officer.active = False


def set_officer_active(session: Session, officer_id: int, active: bool) -> None:
    """Take an officer out of the directory or back in; raise UnknownOfficer when there is none."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise UnknownOfficer(str(officer_id))
    officer.active = active


def save_officer(
    session: Session, row: OfficerRow, officer_id: int | None = None
) -> DirectoryOfficer:
    """Add an officer (officer_id None) or change one; raise OfficersRefused naming the problem.

    A 执法证号 belongs to one officer: another row holding it refuses the change.
    """
    problems = officer_row_problems(row)
    holder = session.scalar(select(Officer).where(Officer.certificate == row.certificate))
    if holder is not None and holder.id != officer_id:
        problems.append(
            RowProblem(
                row.number,
                CERTIFICATE,
                f"“{row.certificate}”已是名录中“{holder.name}”的执法证号",
            )
        )
    if problems:
        raise OfficersRefused(problems)
    officer = session.get(Officer, officer_id) if officer_id is not None else None
    if officer is None:
        officer = Officer(name=row.name, certificate=row.certificate, valid_until=row.valid_until)
        session.add(officer)
    officer.name, officer.certificate, officer.valid_until = (
        row.name,
        row.certificate,
        row.valid_until,
    )
    officer.active = row.active
    session.flush()
    return _view(officer)


def import_officers(session: Session, path: Path) -> OfficerImport:
    """Add or update the officers of a .csv or .xlsx table, all of them or none.

    An officer is found by 执法证号: a new one is added, a known one takes the table's name
    and 有效期至 and becomes active again. Raises OfficersRefused naming every bad row;
    TableUnreadable when the file cannot be read.
    """
    rows = read_officer_rows(path)
    existing = {officer.certificate: officer for officer in session.scalars(select(Officer))}
    added: list[str] = []
    updated: list[str] = []
    unchanged = 0
    for row in rows:
        officer = existing.get(row.certificate)
        if officer is None:
            session.add(
                Officer(
                    name=row.name,
                    certificate=row.certificate,
                    valid_until=row.valid_until,
                    active=True,
                )
            )
            added.append(row.certificate)
            continue
        values = (row.name, row.valid_until, True)
        if values == (officer.name, officer.valid_until, officer.active):
            unchanged += 1
            continue
        officer.name, officer.valid_until, officer.active = values
        updated.append(row.certificate)
    session.flush()
    return OfficerImport(added, updated, unchanged)
