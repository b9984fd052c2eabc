"""The deadlines page: what is overdue and what falls due in the next 90 days, 50 to a page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from service.acts.due_pages import DuePage, due_first, due_page
from service.acts.duedates import DueItem
from service.archive.access import Visibility, visible_classifications
from service.web import wenshu
from service.web.auth import current_account

# The bureau's date; the case and approval pages import it from here too.
from service.web.localtime import today

blueprint = Blueprint("deadlines", __name__)
WINDOW = 90  # days ahead the page lists
SOON = 7  # days ahead the home page counts
DESK_ROWS = 20  # items the home page lists; it counts the others and links to this page


def reader_visibility() -> Visibility:
    """Return the 密级 the signed-in reader may see."""
    return visible_classifications(current_account().role, wenshu().settings.policy)


def current_page(page: int, window: int = WINDOW) -> DuePage:
    """Return a page of what is overdue or due within window days, as of today, as the reader may see it."""
    with wenshu().database.session() as session:
        return due_page(session, today(), reader_visibility(), window, page)


def current_first(window: int = SOON) -> tuple[DuePage, list[DueItem]]:
    """Return the desk's few first items with the totals, and every overdue report or circular."""
    with wenshu().database.session() as session:
        return due_first(session, today(), reader_visibility(), window, DESK_ROWS)


@blueprint.get("/deadlines")
def index() -> str:
    """Overdue items first, in red, then what falls due in the next 90 days, a page at a time."""
    agenda = current_page(request.args.get("page", 1, type=int) or 1)
    return render_template("deadlines.html", agenda=agenda, today=today(), window=WINDOW)
