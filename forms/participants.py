"""Who took part in a hearing or a meeting: repeated names, and which person a speaker's line names."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import FieldList


def names_of(rows: FieldList, field: str = "name") -> list[str]:
    """Return what the rows give in one field (their names by default), in order, blanks left out."""
    return [name for entry in rows.entries if (name := entry.form[field].data or "")]


def repeated(names: Iterable[str]) -> list[str]:
    """Return the names given more than once, sorted."""
    seen: set[str] = set()
    twice: set[str] = set()
    for name in names:
        (twice if name in seen else seen).add(name)
    return sorted(twice)


def person_named(speaker: str, names: Iterable[str]) -> str | None:
    """Return the person a speaker's line names ("主持人张立新" names 张立新), or None.

    A record writes a speaker by role and name, or by name alone; the longest name it holds
    wins, so that 张立新 is not taken for a 张立 also present.
    """
    held = [name for name in names if name and name in speaker]
    return max(held, key=len) if held else None
