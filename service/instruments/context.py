"""Template context: validated facts turned into the strings an instrument prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from wtforms import DecimalField, TextAreaField

from service.foundations.config import Bureau
from service.foundations.formatting import amount_in_words, format_amount, format_date
from service.instruments.facts import Facts
from service.instruments.registry import Instrument


def build_context(
    instrument: Instrument,
    facts: Facts,
    number: str,
    bureau: Bureau,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the context a template is rendered with: every fact formatted, plus the 文号.

    Long text becomes a list of paragraphs; dates read 2026年3月5日; amounts get a
    figures form and a 大写 form (name_in_words); a missing optional fact is "".
    extra holds values an instrument computes from its facts (a draw, a summary),
    formatted the same way; it may set the 份号 (copy_number, six digits), "" otherwise.
    The 版记 prints printed_by (the bureau's printing office) and printed_date (the 成文日期).
    """
    form = instrument.form()
    long_text = {field.name for field in form if isinstance(field, TextAreaField)}
    amounts = {field.name for field in form if isinstance(field, DecimalField)}
    context: dict[str, Any] = {
        "number": number,
        "title": instrument.title,
        "issuer_mark": bureau.name,
        "bureau": bureau.name,
        "copy_number": "",
        "printed_by": bureau.printing_office,
        "printed_date": format_value(facts.values.get(instrument.date_field)),
    }
    for name, value in facts.values.items():
        if name in long_text:
            context[name] = (value or "").split("\n") if value else []
        else:
            context[name] = format_value(value)
        if name in amounts:
            context[f"{name}_in_words"] = amount_in_words(value) if value is not None else ""
    for name, value in (extra or {}).items():
        context[name] = format_value(value)
    return context


def format_value(value: Any) -> Any:
    """Return one fact as printed; lists and rows are formatted item by item."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, list):
        return [format_value(item) for item in value]
    if isinstance(value, dict):
        return {key: format_value(item) for key, item in value.items()}
    return value
