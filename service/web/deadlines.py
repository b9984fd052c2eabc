"""The deadlines page: what is overdue and what falls due in the next 90 days."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template

from service.duedates import Agenda, agenda, archive_due_items
from service.web import wenshu

blueprint = Blueprint("deadlines", __name__)
WINDOW = 90  # days ahead the page lists
SOON = 7  # days ahead the home page counts


def today() -> dt.date:
    """Return today, or the day set as TODAY in the app's config (tests fix the day so)."""
    fixed: dt.date | None = current_app.config.get("TODAY")
    return fixed or dt.date.today()


def current_agenda(window: int = WINDOW) -> Agenda:
    """Return the overdue items and those due within window days, as of today."""
    with wenshu().database.session() as session:
        items = archive_due_items(session, today())
    return agenda(items, window)


@blueprint.get("/deadlines")
def index() -> str:
    """Overdue items first, in red, then what falls due in the next 90 days."""
    return render_template("deadlines.html", agenda=current_agenda(), today=today(), window=WINDOW)
