"""Facts of a case's issued instruments read back from their stored JSON: dates, amounts, days, names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.fields import archived_date


def stored_date(facts: Mapping[str, Any], name: str) -> dt.date | None:
    """Return a date fact kept as an ISO string, or None when absent or malformed."""
    return archived_date(facts.get(name))


def stored_amount(facts: Mapping[str, Any], name: str) -> Decimal | None:
    """Return an amount fact kept as a decimal string, or None when absent or malformed."""
    value = facts.get(name)
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def stored_days(facts: Mapping[str, Any], name: str) -> int | None:
    """Return a whole number of days, or None when absent or not a positive whole number."""
    value = facts.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value) or None
    return None


def officer_names(facts: Mapping[str, Any]) -> set[str]:
    """Return the names in a document's officers rows (forms.fields.OfficerRow)."""
    rows = facts.get("officers") or []
    return {
        str(row["name"]).strip()
        for row in rows
        if isinstance(row, Mapping) and isinstance(row.get("name"), str) and row["name"].strip()
    }
