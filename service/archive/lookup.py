"""Read-only views of archived documents, for form rules that refer to earlier documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from service.archive.access import Visibility, shown
from service.archive.officers import DirectoryOfficer, find_officer, has_officers
from service.archive.units import DirectoryEntry, find_unit
from service.database.engine import Database
from service.database.models import Document


@dataclass(frozen=True)
class ArchivedDocument:
    """What a rule may see of an archived document."""

    kind: str
    number: str
    status: str
    document_date: dt.date
    facts: dict[str, Any]


def _view(document: Document) -> ArchivedDocument:
    """Return the read-only view of a record."""
    return ArchivedDocument(
        document.kind, document.number, document.status, document.document_date, document.facts
    )


class DatabaseArchiveView:
    """The archive as the forms see it: find a document by 文号, list documents of a kind,
    find a unit of the unit directory by name, an officer of the officer directory by 执法证号.

    classifications are the 密级 the person filling the form may see (None: all). A document
    of another 密级 is not there for the rules: a 文号 naming it is answered as one that does
    not exist, and it counts for nothing in summaries, so that no message, warning or
    computed content discloses it.
    """

    def __init__(self, database: Database, classifications: Visibility = None) -> None:
        self.database = database
        self.classifications = classifications

    def find(self, number: str) -> ArchivedDocument | None:
        """Return the archived document with this 文号, if any the reader may see."""
        with self.database.session() as session:
            document = session.scalar(
                select(Document)
                .where(Document.number == number, shown(self.classifications))
                .order_by(Document.copy_number)  # the copies of one 文号 are one document
                .limit(1)
            )
            return _view(document) if document else None

    def of_kind(self, kind: str, year: int | None = None) -> list[ArchivedDocument]:
        """Return every document of a kind the reader may see, oldest first; given a year, only
        those reporting on it (documents.about_year, by index)."""
        query = select(Document).where(Document.kind == kind, shown(self.classifications))
        if year is not None:
            query = query.where(Document.about_year == year)
        with self.database.session() as session:
            documents = session.scalars(query.order_by(Document.id))
            return [_view(document) for document in documents]

    def unit(self, name: str) -> DirectoryEntry | None:
        """Return the active unit of the unit directory with this name, if any."""
        with self.database.session() as session:
            return find_unit(session, name)

    def officer(self, certificate: str) -> DirectoryOfficer | None:
        """Return the active officer of the officer directory holding this 执法证号, if any."""
        with self.database.session() as session:
            return find_officer(session, certificate)

    def has_officers(self) -> bool:
        """Return whether the officer directory holds any active officer."""
        with self.database.session() as session:
            return has_officers(session)
