"""Tests of the browser help the forms declare: pickers, shown-when conditions, totals, row minimums."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, Form

from forms.access_register import AccessRegisterForm
from forms.party import PartyForm
from service.instruments.registry import INSTRUMENTS

LOOKUP_KEYS = {
    "units": {"name", "credit_code", "address", "representative", "town", "category"},
    "officers": {"name", "certificate", "valid_until", "expired"},
    "notices": {"id", "number", "inspected_body", "issuer", "issue_date"},
}


def declared(form: Form) -> Iterator[tuple[Form, Field]]:
    """Yield every field of a form and of its rows' forms, each with the form it belongs to."""
    for field in form:
        yield form, field
        if isinstance(field, FieldList):
            row = field.append_entry()
            yield from declared(row.form)


@pytest.mark.parametrize("kind", sorted(INSTRUMENTS))
def test_declarations_name_what_the_form_holds(kind: str) -> None:
    """This test ensures that every picker, condition and total of every form names a lookup, a
    key of its answer and fields that exist in the same form or row."""
    for form, field in declared(INSTRUMENTS[kind].form()):
        attributes = field.render_kw or {}
        if "data-lookup" in attributes:
            keys = LOOKUP_KEYS[attributes["data-lookup"]]
            for key, target in json.loads(attributes.get("data-fills", "{}")).items():
                assert key in keys, (kind, field.name, key)
                assert target in form._fields, (kind, field.name, target)
        if "data-shown-when" in attributes:
            condition = json.loads(attributes["data-shown-when"])
            other = form._fields[condition["field"]]
            choices = [value for value, *_ in getattr(other, "choices", None) or []]
            for value in condition["values"]:
                assert value in ("", "y") or value in choices, (kind, field.name, value)
        if "data-total-of" in attributes:
            rows, column = attributes["data-total-of"].split("-", 1)
            assert isinstance(form._fields[rows], FieldList), (kind, field.name)
            assert column in form._fields[rows].entries[0].form._fields, (kind, field.name)
        if "data-min" in attributes:
            assert isinstance(field, FieldList), (kind, field.name)


def test_party_declarations_render_on_the_inputs() -> None:
    """This test ensures that a party's name input carries its picker and 法定代表人 its condition."""
    form = PartyForm()
    name = form.party_name()
    assert 'data-lookup="units"' in name and 'autocomplete="off"' in name
    representative = form.legal_representative()
    assert "data-shown-when=" in representative and "个人" not in representative


def test_a_total_is_still_checked_on_the_server() -> None:
    """This test ensures that a total computed in the browser is still refused when it is wrong."""
    typed = {
        "records-0-reference": "A1",
        "records-0-title": "题名",
        "records-0-pages": "5",
        "records-0-copied_pages": "3",
        "copies": "4",
    }
    form = AccessRegisterForm(MultiDict(typed))
    form.validate()
    assert form.copies.errors == ["复制页数合计为4页，但各件档案的复制页数相加为3页，两者应当相等"]
    assert 'data-total-of="records-copied_pages"' in form.copies()
