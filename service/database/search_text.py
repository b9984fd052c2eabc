"""A document's search text: the values of its facts as plain, readable text, one a line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Values are joined by a line break: the search field is one line, so no typed fragment
# can span two facts and match text that no fact holds.
SEPARATOR = "\n"


def plain_text(facts: Any) -> str:
    """Return the text of every value in the facts (nested rows included), one a line."""
    return SEPARATOR.join(_values(facts))


def _values(value: Any) -> Iterator[str]:
    """Yield the printable values in value, depth first, in the order the facts hold them."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)
    elif isinstance(value, bool) or value is None:
        return  # a yes/no choice or an empty fact reads as nothing a clerk would search for
    else:
        text = str(value).strip()
        if text:
            yield text


def search_text_default(context: Any) -> str:
    """Return the search text of a documents row being inserted, from its facts.

    The column's default, so that every way a row is written (an issue, a batch, a received
    report, a bulk insert) fills it without being told.
    """
    return plain_text(context.get_current_parameters().get("facts"))
