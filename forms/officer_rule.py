"""The rule on the officers a form names: each one certified in the bureau's officer directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Protocol

from wtforms import FieldList, Form

from service.foundations.plaintext import quote_back


class DirectoryOfficer(Protocol):
    """What a form may read of an officer of the bureau's officer directory."""

    @property
    def name(self) -> str:
        """The officer's name."""

    @property
    def certificate(self) -> str:
        """The 执法证号."""

    @property
    def valid_until(self) -> dt.date:
        """The certificate's last valid day."""


class OfficerDirectory(Protocol):
    """The part of the archive the rule reads: the active officers of the directory."""

    def officer(self, certificate: str) -> DirectoryOfficer | None:
        """Return the active officer holding this 执法证号, if any."""

    def has_officers(self) -> bool:
        """Return whether the directory holds any active officer."""


def officer_lists(form: Form) -> Iterator[FieldList]:
    """Yield the repeating fields whose rows name officers.

    Their row form says names_an_officer: the officers of a record or a decision, the
    servers of a 送达回证.
    """
    for field in form:
        if isinstance(field, FieldList) and getattr(
            field.unbound_field.args[0] if field.unbound_field.args else None,
            "names_an_officer",
            False,
        ):
            yield field


def _refresh_errors(field: FieldList) -> None:
    """Gather a repeating field's errors again from its rows, as WTForms did while validating.

    A row's messages are its own; the list keeps them one per row, then the list's own.
    """
    own = [error for error in field.errors if isinstance(error, str)]
    rows = [entry.errors for entry in field.entries]
    field.errors = [*(rows if any(rows) else []), *own]


def refuse_uncertified_officers(
    form: Form, directory: OfficerDirectory, day: dt.date | None
) -> bool:
    """Put a message at each officer the directory does not certify on day; return whether none.

    Refused: a 执法证号 the directory does not hold, one it holds under another name, and one
    whose certificate ended before the document's date. An empty directory refuses nothing
    (the bureau has not set it up); a row without a 执法证号 is left to the form's own rules.
    """
    lists = list(officer_lists(form))
    named = any(entry.form.certificate.data for field in lists for entry in field.entries)
    if not named or not directory.has_officers():
        return True
    certified = True
    for field in lists:
        refused = False
        for entry in field.entries:
            name, number = entry.form.name, entry.form.certificate
            if not number.data:
                continue
            at, problem = _problem(name.data or "", number.data, directory, day)
            if problem:
                faulty = name if at == "name" else number
                faulty.errors = [*faulty.errors, problem]
                refused = True
        if refused:
            _refresh_errors(field)
            certified = False
    return certified


def _problem(
    name: str, certificate: str, directory: OfficerDirectory, day: dt.date | None
) -> tuple[str, str | None]:
    """Return the field at fault ("name" or "certificate") and why, or ("", None) when certified."""
    officer = directory.officer(certificate)
    quoted = quote_back(certificate)
    if officer is None:
        return "certificate", (
            f"执法人员名录中没有执法证号“{quoted}”，请核对证号；新领证的，请管理员先将其加入执法人员名录"
        )
    if name and officer.name != name:
        return "name", (
            f"执法证号“{quoted}”在执法人员名录中的持证人是“{officer.name}”，不是“{quote_back(name)}”"
        )
    if day is not None and officer.valid_until < day:
        until = officer.valid_until
        return "certificate", (
            f"执法证号{quoted}已于{until.year}年{until.month}月{until.day}日过期，不能作为执法人员"
        )
    return "", None
