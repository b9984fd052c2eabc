"""Test doubles: an archive of a few documents, as the forms' rules see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.instruments.facts import InvalidFacts, validate_facts
from service.instruments.registry import Instrument


@dataclass(frozen=True)
class FakeDocument:
    """An archived document as the forms see it."""

    kind: str
    number: str
    status: str
    document_date: dt.date
    facts: dict[str, Any] = field(default_factory=dict)


class FakeArchive:
    """An archive holding a few documents, oldest first."""

    def __init__(self, *documents: FakeDocument) -> None:
        self.documents = list(documents)

    def find(self, number: str) -> FakeDocument | None:
        """Return the document with this 文号, if any."""
        return next((d for d in self.documents if d.number == number), None)

    def of_kind(self, kind: str) -> Sequence[FakeDocument]:
        """Return the documents of a kind, oldest first."""
        return [document for document in self.documents if document.kind == kind]


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
