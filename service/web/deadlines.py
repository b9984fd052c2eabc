"""The deadlines page: what is overdue and what falls due in the next 90 days."""

from __future__ import annotations

from flask import Blueprint, render_template

from service.acts.duedates import Agenda, agenda, archive_due_items
from service.archive.access import visible_classifications
from service.web import wenshu
from service.web.auth import current_account

# The bureau's date; the case and approval pages import it from here too.
from service.web.localtime import today

blueprint = Blueprint("deadlines", __name__)
WINDOW = 90  # days ahead the page lists
SOON = 7  # days ahead the home page counts


def current_agenda(window: int = WINDOW) -> Agenda:
    """Return the overdue items and those due within window days, as of today, as the reader may see them."""
    role, policy = current_account().role, wenshu().settings.policy
    with wenshu().database.session() as session:
        items = archive_due_items(session, today(), visible_classifications(role, policy))
    return agenda(items, window)


@blueprint.get("/deadlines")
def index() -> str:
    """Overdue items first, in red, then what falls due in the next 90 days."""
    return render_template("deadlines.html", agenda=current_agenda(), today=today(), window=WINDOW)
