"""People on pages: a login recorded with a document, job or approval shown as the person's name."""

from __future__ import annotations

from flask import Flask, g

from service.accounts.people import person_names
from service.web import wenshu


def person(login: str | None) -> str:
    """Return the name of the person with this login; the login itself without a name or user.

    The names are read once per request, however many rows a page lists.
    """
    if not login:
        return ""
    names: dict[str, str] | None = g.get("person_names")
    if names is None:
        with wenshu().database.session() as session:
            names = person_names(session)
        g.person_names = names
    return names.get(login, login)


def init_app(app: Flask) -> None:
    """Give templates the filter person: {{ document.issued_by|person }}."""
    app.jinja_env.filters["person"] = person
