"""Forms as the browser posts them: archived facts as form data, repeated rows, uploaded tables."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from flask import request
from werkzeug.datastructures import MultiDict
from wtforms import FieldList

from forms.fields import InstrumentForm
from service.instruments.registry import Instrument

BLANK_ROWS = 2  # empty rows offered for officers, table lines and the like


def facts_as_formdata(facts: dict[str, object]) -> MultiDict[str, str]:
    """Return archived facts as the browser would submit them (rows as name-index-field)."""
    formdata: MultiDict[str, str] = MultiDict()

    def add(name: str, value: object) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    for key, sub in item.items():
                        add(f"{name}-{index}-{key}", sub)
                else:
                    add(f"{name}-{index}", item)
        elif value is True:
            formdata.add(name, "y")
        elif value is not None and value is not False:
            formdata.add(name, str(value))

    for name, value in facts.items():
        add(name, value)
    return formdata


def offer_blank_rows(form: InstrumentForm) -> None:
    """Give each list of repeated rows that has none a few empty rows to fill."""
    for field in form:
        if isinstance(field, FieldList) and not field.entries:
            for _ in range(BLANK_ROWS):
                field.append_entry()


def without_blank_rows(formdata: MultiDict[str, str]) -> MultiDict[str, str]:
    """Return the submitted form without repeated rows the clerk left entirely empty."""
    rows: dict[str, list[tuple[str, str]]] = {}
    kept: MultiDict[str, str] = MultiDict()
    for key, value in formdata.items(multi=True):
        match = re.fullmatch(r"(\w+-\d+)-\w+", key)
        if match:
            rows.setdefault(match.group(1), []).append((key, value))
        else:
            kept.add(key, value)
    for items in rows.values():
        if any(value.strip() for _, value in items):
            for key, value in items:
                kept.add(key, value)
    return kept


def with_uploaded_rows(
    instrument: Instrument, formdata: MultiDict[str, str]
) -> MultiDict[str, str]:
    """Return formdata with row fields replaced by the rows of spreadsheets uploaded for them."""
    for name in instrument.row_readers:
        upload = request.files.get(f"{name}__file")
        if upload is None or not upload.filename:
            continue
        suffix = Path(upload.filename).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as saved:
            upload.save(saved.name)
            rows = instrument.read_rows(name, saved.name)
        formdata = MultiDict(
            [
                (key, value)
                for key, value in formdata.items(multi=True)
                if not key.startswith(f"{name}-")
            ]
        )
        for index, row in enumerate(rows):
            for key, value in row.items():
                formdata.add(f"{name}-{index}-{key}", str(value))
    return formdata


def filled_form(
    instrument: Instrument,
    formdata: MultiDict[str, str] | None = None,
    data: dict[str, object] | None = None,
) -> InstrumentForm:
    """Return the instrument's form filled as given, with blank rows to fill where it has none."""
    form = instrument.form(formdata, data=data)
    offer_blank_rows(form)
    return form


# Fields a link may not preset: rows, the case and token fields set by the pages themselves.
NOT_PRESET = frozenset({"FieldList", "FormField", "HiddenField", "CSRFTokenField"})


def asked_presets(instrument: Instrument) -> dict[str, object]:
    """Return what a link asks a blank form to start with: ?unit=…&report_year=… for its simple fields.

    The desk offers the step that follows a due item this way (a correction order for a unit
    whose report is missing, say). Each value is read as the field reads typed text; one the
    field cannot read is left out, so the clerk types it as usual.
    """
    blank = instrument.form()
    asked = MultiDict(
        [(name, value) for name, value in request.args.items()
         if name in blank and blank[name].type not in NOT_PRESET]
    )  # fmt: skip
    if not asked:
        return {}
    read = instrument.form(asked)
    return {name: read[name].data for name in asked if read[name].data not in (None, "")}
