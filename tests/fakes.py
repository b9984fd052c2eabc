"""Test doubles: an archive of a few documents as the forms' rules see it, and converters."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.database.about_year import about_year
from service.instruments.facts import InvalidFacts, validate_facts
from service.instruments.registry import Instrument
from service.render.office.converter import Converter
from service.render.office.retry import OfficeError


@dataclass(frozen=True)
class FakeDocument:
    """An archived document as the forms see it."""

    kind: str
    number: str
    status: str
    document_date: dt.date
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeUnit:
    """A unit of the unit directory as the forms see it."""

    name: str
    credit_code: str
    address: str = ""
    representative: str = ""


@dataclass(frozen=True)
class FakeOfficer:
    """An officer of the officer directory as the forms see him or her."""

    name: str
    certificate: str
    valid_until: dt.date


class FakeArchive:
    """An archive holding a few documents, oldest first, and the active units and officers of
    the directories."""

    def __init__(
        self,
        *documents: FakeDocument,
        units: Sequence[FakeUnit] = (),
        officers: Sequence[FakeOfficer] = (),
    ) -> None:
        self.documents = list(documents)
        self.units = list(units)
        self.officers = list(officers)

    def find(self, number: str) -> FakeDocument | None:
        """Return the document with this 文号, if any."""
        return next((d for d in self.documents if d.number == number), None)

    def of_kind(self, kind: str, year: int | None = None) -> Sequence[FakeDocument]:
        """Return the documents of a kind (reporting on year, when given), oldest first."""
        return [
            document
            for document in self.documents
            if document.kind == kind and (year is None or about_year(document.facts) == year)
        ]

    def unit(self, name: str) -> FakeUnit | None:
        """Return the directory's unit with this name, if any."""
        return next((unit for unit in self.units if unit.name == name), None)

    def officer(self, certificate: str) -> FakeOfficer | None:
        """Return the directory's officer holding this 执法证号, if any."""
        return next((o for o in self.officers if o.certificate == certificate), None)

    def has_officers(self) -> bool:
        """Return whether the officer directory holds anyone."""
        return bool(self.officers)


def validation_errors(
    instrument: Instrument,
    facts: Mapping[str, Any],
    archive: Any = None,
    policy: Mapping[str, Any] | None = None,
) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    try:
        validate_facts(instrument, facts, archive=archive, policy=policy)
    except InvalidFacts as error:
        return error.errors
    return {}


class FailingConverter(Converter):
    """A converter whose LibreOffice always fails, as the pool does once its retries are spent.

    The fakes name the protocol as their base, so that mypy holds them to its signature.
    """

    def __init__(self, message: str = "LibreOffice 转换失败") -> None:
        self.message = message

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Fail without writing anything."""
        raise OfficeError(self.message)


class RecordingConverter(Converter):
    """A converter that converts with another, recording each conversion's export options and
    keeping a copy of the n-th PDF in the folder keep as n.pdf."""

    def __init__(self, inner: Converter, keep: Path) -> None:
        self.inner = inner
        self.keep = keep
        self.options: list[tuple[str, ...]] = []  # one entry per finished conversion
        self._lock = threading.Lock()

    @property
    def calls(self) -> int:
        """Return how many conversions finished."""
        return len(self.options)

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Convert with the inner converter, then record the options and keep the PDF."""
        self.inner.convert(docx_path, pdf_path, options)
        with self._lock:
            self.options.append(tuple(options))
            shutil.copyfile(pdf_path, self.keep / f"{self.calls}.pdf")
