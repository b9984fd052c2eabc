"""The archive page: the latest check of fixity, signatures and the audit chain, a check on demand, and 四性检测 reports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from service.accounts.users import ADMINISTER
from service.archive.audit import ACTIONS, CATEGORIES, recent_events, unauthenticated_attempts
from service.background.check_child import CheckRunning, check_in_background, running_check
from service.custody.checks import check_as_seen, last_check
from service.custody.four_properties import PROPERTIES, assess_document, assess_set, years_on_record
from service.instruments.registry import INSTRUMENTS
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.documents import reader_classifications, visible_document
from service.web.language import N_

blueprint = Blueprint("archive_web", __name__)
VIEWERS = frozenset({"clerk", "admin"})
TRIGGERS = {"schedule": N_("定时检测"), "web": N_("网页上手动检测"), "cli": N_("命令行检测")}
EVENTS_SHOWN = 20


@blueprint.get("/archive")
@requires(VIEWERS)
def index() -> str:
    """The latest check of fixity and the audit chain, the newest audit entries, report filters.

    What the reader may not see by 密级 is left out of the check, the entries and the years.
    The entries are those of signed-in users unless ?audit= names a category; failed logins
    are summarised apart, so that no flood of them hides the rest.
    """
    check = last_check(wenshu())
    visible = reader_classifications()
    category = request.args.get("audit", "")
    actions = CATEGORIES[category].actions if category in CATEGORIES else None
    with wenshu().database.session() as session:
        seen = check_as_seen(session, check, visible) if check else None
        events = recent_events(session, EVENTS_SHOWN, actions=actions, classifications=visible)
        attempts = unauthenticated_attempts(session)
    return render_template(
        "archive.html", check=seen, triggers=TRIGGERS, events=events, actions=ACTIONS,
        categories=CATEGORIES, category=category if actions else "", attempts=attempts,
        instruments=INSTRUMENTS.values(), years=years_on_record(wenshu(), visible),
        may_run=current_account().may(ADMINISTER), running=running_check(wenshu().settings),
    )  # fmt: skip


@blueprint.post("/archive/verify")
@requires(ADMINISTER)
def verify() -> Response:
    """Start the check in a child process, apart from the web process; its result shows on the page."""
    try:
        check_in_background(wenshu().settings, current_account().username, "web")
    except CheckRunning:
        flash(_("已有一次检测正在进行，完成后结果显示在本页。"))
    else:
        flash(_("检测已开始，在后台进行；完成后刷新本页即可看到结果。"))
    return redirect(url_for("archive_web.index"))


@blueprint.get("/archive/report")
@requires(VIEWERS)
def report() -> str | tuple[str, int]:
    """四性检测 of a set: the documents of a kind and a year, or the whole archive."""
    kind = request.args.get("kind", "")
    year_text = request.args.get("year", "").strip()
    if kind and kind not in INSTRUMENTS:
        abort(404)
    year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 9999 else None
    if year_text and year is None:
        abort(400)
    assessment = assess_set(wenshu(), kind, year, reader_classifications())
    return render_template(
        "archive_report.html", assessment=assessment, properties=PROPERTIES,
        kind_title=INSTRUMENTS[kind].title if kind else "", bureau=wenshu().settings.bureau.name,
    )  # fmt: skip


@blueprint.get("/archive/documents/<id:document_id>")
@requires(VIEWERS)
def document(document_id: int) -> str:
    """四性检测 of one document."""
    with wenshu().database.session() as session:
        visible_document(session, document_id)
    assessment = assess_document(wenshu(), document_id)
    if assessment is None:
        abort(404)
    return render_template(
        "archive_document.html", assessment=assessment, bureau=wenshu().settings.bureau.name
    )
