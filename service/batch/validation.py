"""Every row of a batch checked before anything is rendered, each problem named by row and field."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forms.fields import ArchivedDocument, ArchiveView, DirectoryUnit
from forms.officer_rule import DirectoryOfficer
from service.archive.access import Visibility
from service.archive.lookup import DatabaseArchiveView
from service.batch.main_recipients import main_recipients, too_long
from service.database.engine import Database
from service.foundations.plaintext import quote_back
from service.foundations.tables import RowProblem
from service.instruments.facts import Facts, InvalidFacts, validate_facts
from service.instruments.registry import Instrument, Numbering


@dataclass(frozen=True)
class CheckedRow:
    """A row after checking: its merged raw facts, and the typed facts or the errors."""

    number: int
    raw: dict[str, Any]
    facts: Facts | None
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RowsCheck:
    """The outcome of checking every row: which are valid, the problems, and the warnings."""

    rows: list[CheckedRow]
    warnings: list[str]

    @property
    def valid(self) -> list[CheckedRow]:
        """Return the rows that passed."""
        return [row for row in self.rows if row.facts is not None]

    @property
    def problems(self) -> list[RowProblem]:
        """Return every problem of every bad row, in row order."""
        return [
            RowProblem(row.number, name, message)
            for row in self.rows
            for name, messages in row.errors.items()
            for message in messages
        ]


class SnapshotArchive:
    """The archive as the rules see it, read once per kind: checking 500 rows reads it once.

    Only documents of the 密级 in classifications (None: all) are there, as for one document.
    """

    def __init__(self, database: Database, classifications: Visibility = None) -> None:
        self._view = DatabaseArchiveView(database, classifications)
        self._kinds: dict[tuple[str, int | None], Sequence[ArchivedDocument]] = {}
        self._has_officers: bool | None = None

    def find(self, number: str) -> ArchivedDocument | None:
        """Return the archived document with this 文号, if any."""
        return self._view.find(number)

    def of_kind(self, kind: str, year: int | None = None) -> Sequence[ArchivedDocument]:
        """Return every document of a kind (of a year when given), oldest first, as when first asked."""
        if (kind, year) not in self._kinds:
            self._kinds[kind, year] = self._view.of_kind(kind, year)
        return self._kinds[kind, year]

    def unit(self, name: str) -> DirectoryUnit | None:
        """Return the active unit of the unit directory with this name, if any."""
        return self._view.unit(name)

    def officer(self, certificate: str) -> DirectoryOfficer | None:
        """Return the active officer of the officer directory holding this 执法证号, if any."""
        return self._view.officer(certificate)

    def has_officers(self) -> bool:
        """Return whether the officer directory holds any active officer, as when first asked."""
        if self._has_officers is None:
            self._has_officers = self._view.has_officers()
        return self._has_officers


def merged_facts(common: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the facts of one copy: the common facts with the row's own over them."""
    return {**common, **row}


def check_row(
    instrument: Instrument,
    number: int,
    raw: dict[str, Any],
    archive: ArchiveView,
    policy: Mapping[str, Any],
) -> CheckedRow:
    """Return one row checked as service.acts.issuing checks a single document."""
    try:
        facts = validate_facts(instrument, raw, archive, policy)
    except InvalidFacts as error:
        return CheckedRow(number, raw, None, error.errors)
    return CheckedRow(number, raw, facts)


def check_rows(
    instrument: Instrument,
    common: Mapping[str, Any],
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    archive: ArchiveView,
    policy: Mapping[str, Any],
) -> RowsCheck:
    """Return every row (number, own facts) checked, with a warning for a repeated recipient.

    The copies of a document sent to many units (Numbering.SHARED) are one document: a row
    that differs from the first valid one in anything but its recipient is refused.
    """
    checked = [
        check_row(instrument, number, merged_facts(common, own), archive, policy)
        for number, own in rows
    ]
    if instrument.numbering is Numbering.SHARED:
        checked = one_document(instrument, checked)
        checked = within_first_page(instrument, common, checked)
    first_row: dict[str, int] = {}
    warnings = []
    for row in checked:
        recipient = str(row.raw.get(instrument.recipient_field) or "")
        if recipient in first_row:
            warnings.append(
                f"第{row.number}行与第{first_row[recipient]}行的收文单位相同：{quote_back(recipient)}"
            )
        first_row.setdefault(recipient, row.number)
    return RowsCheck(checked, warnings)


def one_document(instrument: Instrument, rows: list[CheckedRow]) -> list[CheckedRow]:
    """Return the rows, those that differ from the first valid one beyond the recipient refused."""
    first = next((row for row in rows if row.facts is not None), None)
    if first is None or first.facts is None:
        return rows
    labels = {field.name: str(field.label.text) for field in instrument.form()}
    shared = _beyond_recipient(instrument, first.facts)
    result = []
    for row in rows:
        own = _beyond_recipient(instrument, row.facts) if row.facts is not None else shared
        differing = [name for name in labels if shared.get(name) != own.get(name)]
        if differing:
            errors = {
                name: [
                    f"各份是同一份{instrument.title}，只有收文单位不同：本行的“{labels[name]}”"
                    f"与第{first.number}行不同，请写入共同事实或改成一致"
                ]
                for name in differing
            }
            row = CheckedRow(row.number, row.raw, None, errors)
        result.append(row)
    return result


def within_first_page(
    instrument: Instrument, common: Mapping[str, Any], rows: list[CheckedRow]
) -> list[CheckedRow]:
    """Return the rows, every valid one refused at its recipient when the 主送 they make is too long.

    The 主送 is the 统称 the common facts give in the recipient field, or else the list of
    the valid rows' recipients (service.batch.main_recipients).
    """
    valid = [row for row in rows if row.facts is not None]
    names = [str(row.raw.get(instrument.recipient_field) or "") for row in valid]
    collective = str(common.get(instrument.recipient_field) or "")
    problem = too_long(main_recipients(collective, names), len(names))
    if problem is None:
        return rows
    refused = {instrument.recipient_field: [problem]}
    return [
        row if row.facts is None else CheckedRow(row.number, row.raw, None, refused) for row in rows
    ]


def _beyond_recipient(instrument: Instrument, facts: Facts) -> dict[str, Any]:
    """Return a copy's facts but its recipient: what every copy of one document shares."""
    return {k: v for k, v in facts.values.items() if k != instrument.recipient_field}


def everywhere(problems: Sequence[RowProblem], rows: int) -> list[tuple[str, str]]:
    """Return the (field, message) problems that every one of several rows has, to say once."""
    counts = Counter((p.field, p.message) for p in problems)
    return sorted(key for key, count in counts.items() if count == rows > 1)


def summarise(problems: Sequence[RowProblem], rows: int) -> list[str]:
    """Return the problems as lines; one that every row has is said once, not rows times."""
    shared = everywhere(problems, rows)
    lines = [f"全部{rows}行 {name}: {message}" for name, message in shared]
    lines += [p.line() for p in problems if (p.field, p.message) not in shared]
    return lines
