"""Forms posted after their session ended: kept, and given back once the same user signs in again.

A form with typed content carries a hidden field naming, signed with the app's key, the user
the page was rendered for (form_owner). When such a form arrives without a live session —
the server ended it, or the browser already dropped its cookie and with it the CSRF token —
its fields are kept (service.accounts.kept) under a token only this browser's cookie holds. After
the owner signs in again here, the form's page shows it filled, not submitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from service.accounts.kept import (
    MOST_BYTES,
    KeptForm,
    TooLargeToKeep,
    claim_kept_form,
    discard_kept_form,
    discard_replaced,
    is_kept,
    keep_form,
    take_kept_form,
)
from service.instruments.registry import INSTRUMENTS
from service.web import wenshu
from service.web.language import N_

OWNER_FIELD = "form_owner"
# The cookie session's list of this browser's kept-form tokens, newest last.
KEPT_KEY = "kept_forms"
MOST_PENDING = 5
# Submitted names that are the page's own, not typed: never kept.
NOT_KEPT = frozenset({"csrf_token", OWNER_FIELD, "action"})
FILES_NOT_KEPT = N_("所选的文件没有保留，回到表单后请重新选择")
# Posts whose kept fields a later post of the same page replaces in this browser: the form's
# autosave keeps what was typed after the session ended, and the form's own post holds it all.
REPLACED_LATER = frozenset({"autosave.save"})
# Posts of a form that keeps a draft as it is typed: their draft_id names it.
DRAFTED = frozenset({"documents.new", "cases.new", "autosave.save"})


def _page_of_kind(endpoint: str) -> Callable[[dict[str, Any]], str | None]:
    """Return the builder of a page of one instrument kind, for kinds the registry knows only."""
    return lambda args: url_for(endpoint, **args) if args.get("kind") in INSTRUMENTS else None


# The forms whose typed content is worth keeping, by the endpoint they post to, each with the
# page that shows it again, built from the post's URL arguments. One-click forms (启用, 停用,
# 继续, 跳过这些行继续, 删除草稿, 检测, 退出) hold nothing typed and carry no owner field:
# after signing in, the browser simply returns to the page it was on.
RETURN_PAGES: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "documents.new": _page_of_kind("documents.new"),
    "register.void": lambda args: url_for("documents.show", document_id=args["document_id"]),
    "service_web.serve": lambda args: url_for("documents.show", document_id=args["document_id"]),
    "batch_web.submit": lambda args: url_for("batch_web.index"),
    "admin.users": lambda args: url_for("admin.users"),
    "layouts.upload": _page_of_kind("layouts.kind"),
    "layouts.publish": _page_of_kind("layouts.candidate"),
    "cases.new": lambda args: url_for("cases.new"),
    "cases.extension": lambda args: url_for("cases.show", case_id=args["case_id"]),
    "directory_units.unit": lambda args: url_for("directory_units.unit", **args),
    "directory_officers.officer": lambda args: url_for("directory_officers.officer", **args),
}


@dataclass(frozen=True)
class Kept:
    """What became of a form posted without a live session: where it returns, what to tell."""

    return_to: str
    notice: str
    saved: bool = True  # False: too large to keep, and the notice says so
    draft_id: int | None = None  # the draft the form's autosave keeps, when it has one

    @property
    def after_sign_in(self) -> str:
        """Return the page to sign in back to: the form's, resuming its draft if it has one.

        The kept form itself comes back through this browser's cookie; should the cookie be
        gone by then (the sign-in page left open past the idle limit), the draft still is not.
        """
        return self.return_to + (f"?draft={self.draft_id}" if self.draft_id else "")


def init_app(app: Flask) -> None:
    """Give templates form_owner(), the hidden field that lets a form be kept past its session."""
    app.jinja_env.globals["form_owner"] = owner_field


def _clock() -> dt.datetime:
    """Return the current UTC time by the app's clock."""
    moment: dt.datetime = current_app.extensions["clock"]()
    return moment


def _serializer() -> URLSafeSerializer:
    """Return the signer of owner fields, apart from every other use of the app's key."""
    return URLSafeSerializer(current_app.secret_key or "", salt="wenshu.form-owner")


def owner_field() -> Markup:
    """Return the hidden field naming the signed-in user as the form's owner (empty for nobody).

    It holds no time: a form may be written over hours while typing keeps its session alive,
    and the pages stay the same from one request to the next.
    """
    if not current_user.is_authenticated:
        return Markup("")
    value = _serializer().dumps(current_user.id)
    return Markup('<input type="hidden" name="{}" value="{}">').format(OWNER_FIELD, value)


def _posted_owner() -> int | None:
    """Return the user a posted form's owner field names, if its signature holds."""
    try:
        user_id = _serializer().loads(request.form.get(OWNER_FIELD, ""))
    except BadData:
        return None
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None


def posted_by(user_id: int) -> bool:
    """Return whether the post is a form of this site's page rendered for that user."""
    return _posted_owner() == user_id and _from_this_site()


def _from_this_site() -> bool:
    """Return whether the browser says that the post came from a page of this site.

    Browsers send Sec-Fetch-Site and Origin with every form post; a post from another site's
    page says so, and is not kept even with a stolen owner field. Clients sending neither
    rely on the owner field alone.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


def keep_posted_form(signed_in: int | None) -> Kept | None:
    """Keep the form this post carries for its owner; None when it is not a form to keep.

    signed_in is the user whose session is live in this request, if any: a form is kept only
    for that user (who then has it back at once) or, with no live session, for its owner.
    """
    page = RETURN_PAGES.get(request.endpoint or "")
    if request.method != "POST" or page is None:
        return None
    owner = _posted_owner()
    if owner is None or (signed_in is not None and owner != signed_in) or not _from_this_site():
        return None
    return_to = page(request.view_args or {})
    if return_to is None:
        return None
    typed = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in NOT_KEPT and "password" not in name  # a password is typed again
    ]
    files = any(upload.filename for upload in request.files.values())
    draft_id = request.form.get("draft_id", type=int) if request.endpoint in DRAFTED else None
    earlier = pending_tokens()
    try:
        with wenshu().database.session() as db:
            token = keep_form(db, owner, request.endpoint or "", return_to, typed, files, _clock())
            if token is not None and earlier:
                earlier = discard_replaced(db, earlier, REPLACED_LATER, return_to)
    except TooLargeToKeep:
        limit = f"{MOST_BYTES // (1024 * 1024)} MB"
        return Kept(
            return_to,
            _("填写的内容超过%(limit)s，未能保留，请重新登录后再填写。", limit=limit),
            False,
            draft_id,
        )
    if token is None:
        return None
    session[KEPT_KEY] = [*earlier[-(MOST_PENDING - 1) :], token]
    notice = _("您填写的内容已保留，重新登录后将回到表单")
    files_notice = _("；%(files)s。", files=_(FILES_NOT_KEPT)) if files else _("。")
    return Kept(return_to, notice + files_notice, draft_id=draft_id)


def pending_tokens() -> list[str]:
    """Return this browser's kept-form tokens, to carry across the new session of a sign-in."""
    return [token for token in session.get(KEPT_KEY, []) if isinstance(token, str)]


def resume_after_sign_in(pending: list[str], user_id: int, role: str) -> str | None:
    """Return the page of the newest kept form the user just signed in may have back.

    Kept forms of another user are discarded, and so are those of a route the user's role
    may no longer use; the rest stay pending in the new session, each for its page.
    """
    kept: list[str] = []
    back_to = None
    with wenshu().database.session() as db:
        for token in pending:
            form = claim_kept_form(db, token, user_id, _clock())
            if form is None:
                continue
            if not _may_use(form.endpoint, role):
                discard_kept_form(db, token)
                continue
            kept.append(token)
            back_to = form.return_to
    if kept:
        session[KEPT_KEY] = kept
    return back_to


def _may_use(endpoint: str, role: str) -> bool:
    """Return whether a role may use a route (the roles its requires() decorator names)."""
    view = current_app.view_functions.get(endpoint)
    roles: frozenset[str] | None = getattr(view, "allowed_roles", None)
    return view is not None and (roles is None or role in roles)


def restored_fields() -> MultiDict[str, str] | None:
    """Return, once, the signed-in user's kept form for this page, as posted; None without one."""
    pending = pending_tokens()
    if not pending or not current_user.is_authenticated:
        return None
    taken: KeptForm | None = None
    left: list[str] = []
    at = _clock()
    with wenshu().database.session() as db:
        for token in reversed(pending):
            form = None
            if taken is None:
                form = take_kept_form(db, token, current_user.id, request.path, at)
            if form is not None:
                taken = form
            elif is_kept(db, token, at):
                left.insert(0, token)
    if left:
        session[KEPT_KEY] = left
    else:
        session.pop(KEPT_KEY, None)
    if taken is None:
        return None
    notice = _("已恢复登录失效前填写的内容，尚未提交：请核对后重新提交")
    notice += _("；%(files)s。", files=_(FILES_NOT_KEPT)) if taken.files_dropped else _("。")
    if left:
        notice += _(
            "另有%(n)s份登录失效前填写的内容已保留，打开原来的填写页面即可恢复。", n=len(left)
        )
    flash(notice)
    return MultiDict(taken.fields)
