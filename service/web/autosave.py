"""The form's autosave: a few seconds after the clerk stops typing, the form is kept as a draft.

static/autosave.js posts the form's fields here with its kind and the id of its draft once it
has one; the answer names the draft and the time it was saved. One autosaved draft per form:
saving on purpose (保存草稿) turns it into an ordinary draft, and issuing deletes it.

When the session has ended, the fields are kept as any form posted late is (kept_forms), and
the answer is a 401 the script shows with a link to sign in again, back to the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Flask, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from service.accounts.users import ISSUE
from service.acts.drafts import autosave_draft
from service.foundations.formatting import local_moment
from service.instruments.registry import INSTRUMENTS, Instrument
from service.web import wenshu
from service.web.auth import (
    SCRIPT_ANSWERS,
    current_account,
    forget_ended_session,
    requires,
)
from service.web.drawing import undrawn
from service.web.kept_forms import OWNER_FIELD, RETURN_PAGES, keep_posted_form, posted_by
from service.web.localtime import zone

blueprint = Blueprint("autosave", __name__)
ENDPOINT = "autosave.save"
# The case opening's form is the 立案审批表 page of the cases, not an instrument page.
OWN_PAGES = {"case_opening": "cases.new"}
# Submitted names that are the page's own or the script's, not typed: never in the draft.
NOT_SAVED = frozenset({"csrf_token", "action", "draft_id", "kind", OWNER_FIELD})


def init_app(app: Flask) -> None:
    """Attach the autosave, and its answers for a session that ended or a page that is stale."""
    app.register_blueprint(blueprint)
    RETURN_PAGES[ENDPOINT] = lambda args: _posted_page()
    SCRIPT_ANSWERS[ENDPOINT] = without_session


def form_page(kind: str, draft_id: int | None = None) -> str:
    """Return the address of a kind's form page, resuming the draft when there is one."""
    endpoint = OWN_PAGES.get(kind, "documents.new")
    args: dict[str, Any] = {"draft": draft_id} if draft_id is not None else {}
    if endpoint == "documents.new":
        args["kind"] = kind
    return url_for(endpoint, **args)


def _posted_page() -> str | None:
    """Return the form page of the posted kind, for a kept autosave; None for an unknown kind."""
    kind = request.form.get("kind", "")
    return form_page(kind) if kind in INSTRUMENTS else None


@blueprint.post("/drafts/autosave")
@requires(ISSUE)
def save() -> Response | tuple[Response, int]:
    """Keep the posted form as the clerk's autosaved draft; answer its id and the time saved."""
    instrument = INSTRUMENTS.get(request.form.get("kind", ""))
    if instrument is None:
        return _answer({"error": _("没有这种文书")}, 404)
    return saved(instrument, current_account().id)


def saved(instrument: Instrument, user_id: int, **extra: str) -> Response:
    """Write the posted fields into the form's draft; return the script's JSON answer."""
    typed = [(name, value) for name, value in request.form.items(multi=True)
             if name not in NOT_SAVED]  # fmt: skip
    # As 保存草稿 does: a seed is never kept, the list is drawn again when the form is resumed.
    fields = undrawn(instrument, typed)
    with wenshu().database.session() as session:
        draft = autosave_draft(
            session, user_id, instrument.kind, fields, request.form.get("draft_id", type=int)
        )
        draft_id, at = draft.id, draft.updated_at
    return _answer({"draft_id": draft_id, "saved_at": _clock_time(at), **extra}, 200)


def without_session() -> Response:
    """Answer an autosave whose session has ended, or whose page's CSRF token no longer holds.

    Signed in again meanwhile (in another tab), its owner's form is saved as usual, with a new
    token for the page. Otherwise what was typed is kept for after signing in, and the answer
    is 401 with the sign-in address that returns to the form.
    """
    instrument = INSTRUMENTS.get(request.form.get("kind", ""))
    if current_user.is_authenticated:
        if instrument is not None and posted_by(current_user.id) and current_account().may(ISSUE):
            return saved(instrument, current_user.id, csrf_token=generate_csrf())
        return _answer({"error": _("页面已过期，请刷新页面")}, 400)
    kept = keep_posted_form(signed_in=None)
    forget_ended_session()
    draft_id = request.form.get("draft_id", type=int)
    back_to = form_page(instrument.kind, draft_id) if instrument is not None else None
    if kept is not None and kept.saved:
        message = _("登录已过期，已输入的内容已保存，请重新登录")
    else:
        message = _("登录已过期，最近输入的内容未能保存，请重新登录")
    return _answer({"error": message, "login": url_for("auth.login", next=back_to)}, 401)


def _answer(body: dict[str, object], status: int) -> Response:
    """Return the script's JSON answer, never stored by a cache."""
    response = jsonify(body)
    response.status_code = status
    response.cache_control.no_store = True
    return response


def _clock_time(moment: dt.datetime) -> str:
    """Return the time of day a draft was saved, in the bureau's time zone: 10:13."""
    return local_moment(moment, zone()).strftime("%H:%M")
