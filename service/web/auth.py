"""Signing in and out, sessions kept on the server, login limits, API bearer tokens, role checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_url, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import Form, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from service.accounts.sessions import SessionState, end_session, open_session, resume_session
from service.accounts.throttle import ACCOUNT, Lockout, ThrottlePolicy, hold_limits
from service.accounts.users import Account, account_for_token, authenticate, load_account
from service.archive.audit import record_event
from service.database.models import utcnow
from service.web import wenshu
from service.web.kept_forms import Kept, keep_posted_form, pending_tokens, resume_after_sign_in
from service.web.language import chosen_language, keep_language

blueprint = Blueprint("auth", __name__)
API_PREFIX = "/api/"
# The cookie session's entry naming the server-side session record (see service.accounts.sessions).
SESSION_KEY = "session_key"
View = TypeVar("View", bound=Callable[..., Any])
# Requests a page's script sends on its own (the form's autosave), by endpoint, with their
# answer when the session has ended or the page's CSRF token no longer holds: JSON the script
# shows in the page, never the sign-in page it would not show. Filled in by their blueprints.
SCRIPT_ANSWERS: dict[str, Callable[[], Response]] = {}


class SignedIn(UserMixin):
    """The Flask-Login user wrapping an account."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.id = account.id

    @property
    def role(self) -> str:
        """Return the account's role."""
        return self.account.role


class LoginForm(Form):
    """The sign-in form; its fields are named username and password."""

    class Meta:
        locales = ("zh_CN", "zh")

    username = StringField(
        _l("用户名"), validators=[DataRequired(message=_l("请填写用户名")), Length(max=64)]
    )
    password = PasswordField(
        _l("密码"), validators=[DataRequired(message=_l("请填写密码")), Length(max=200)]
    )


def init_app(app: Flask) -> None:
    """Install sign-in on the app: every page but the login page and static files needs it.

    app.extensions["clock"] gives the current UTC time to the idle limit and the login limits.
    """
    settings = app.extensions["wenshu"].settings
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    app.extensions.setdefault("clock", utcnow)
    app.extensions["login_policy"] = ThrottlePolicy.from_settings(settings)
    # The browser drops the cookie when the idle limit passes, and no "remember me" cookie may
    # outlive it; the server-side record decides in any case (resume_session).
    app.config.update(PERMANENT_SESSION_LIFETIME=idle, REMEMBER_COOKIE_DURATION=idle)
    manager = LoginManager(app)
    manager.login_view = "auth.login"

    @manager.user_loader
    def load_user(user_id: str) -> SignedIn | None:
        # The API takes bearer tokens only: it is exempt from CSRF protection, so a browser's
        # session cookie must not stand in for a token there.
        if request.path.startswith(API_PREFIX):
            return None
        key = session.get(SESSION_KEY)
        if not isinstance(key, str):  # a remember cookie or a session from before the records
            return None
        with wenshu().database.session() as db:
            state = resume_session(db, key, int(user_id), now(), idle)
            account = load_account(db, int(user_id)) if state is SessionState.ACTIVE else None
        g.session_timed_out = state is SessionState.TIMED_OUT
        return SignedIn(account) if account else None

    @manager.unauthorized_handler
    def sign_in_first() -> Response:
        if request.endpoint == "auth.alive":
            return session_ended()
        if request.endpoint in SCRIPT_ANSWERS:
            return SCRIPT_ANSWERS[request.endpoint]()
        return sign_in_again(keep_posted_form(signed_in=None))

    @manager.request_loader
    def load_from_token(req: Any) -> SignedIn | None:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        with wenshu().database.session() as db:
            account = account_for_token(db, header.removeprefix("Bearer ").strip())
        return SignedIn(account) if account else None

    @app.before_request
    def require_sign_in() -> Response | None:
        open_endpoints = {"auth.login", "static", "api.openapi"}
        if request.path.startswith(API_PREFIX):  # no session, so no cookie, for API calls
            signed_in = request.endpoint in open_endpoints or current_user.is_authenticated
            return None if signed_in else bearer_challenge()
        # The cookie lives for the idle limit from each request; the server's record decides.
        session.permanent = True
        if request.endpoint in open_endpoints or current_user.is_authenticated:
            return None
        return manager.unauthorized()

    @app.context_processor
    def signed_in_account() -> dict[str, Any]:
        account = current_user.account if current_user.is_authenticated else None
        return {"account": account}

    app.register_blueprint(blueprint)


def sign_in_again(kept: Kept | None) -> Response:
    """Send the browser to sign in, forgetting its ended session; say whether its form was kept.

    After signing in it returns to the page it asked for; a post returns to its form's page
    (kept) or to the page it was sent from, never to the bare post address.
    """
    minutes = wenshu().settings.session_idle_minutes
    timed_out = bool(g.get("session_timed_out"))
    ended = _("已超过%(n)s分钟没有操作，登录已失效", n=format(minutes, "g")) if timed_out else ""
    if kept is not None:
        flash(_("%(ended)s，%(notice)s", ended=ended or _("登录已失效"), notice=kept.notice))
    else:
        flash(_("%(ended)s，请重新登录", ended=ended) if ended else _("请先登录"))
    forget_ended_session()
    if kept is not None:
        back_to = kept.after_sign_in
    elif request.method == "GET":
        back_to = request.url
    else:
        back_to = _referring_page()
    return redirect(login_url("auth.login", next_url=back_to))


def session_ended() -> Response:
    """Return the keep-alive request's answer for a session that has ended: 401, reviving nothing."""
    forget_ended_session()
    return unauthorized_alive()


def unauthorized_alive() -> Response:
    """Return 401 to a keep-alive request, without loading (and so renewing) any session."""
    response = Response(status=401)
    response.cache_control.no_store = True
    return response


def keep_refused_form() -> Response | None:
    """Answer a form post refused for its CSRF token without losing what was typed, if it can be kept.

    The token is refused when the browser dropped the session cookie that held its pair (the
    cookie lives for the idle limit), or when the user signed in again meanwhile, elsewhere in
    this browser. The form is kept for its owner: signed in again already, he gets it back at
    once; otherwise he is sent to sign in. None: not a form to keep, the usual refusal follows.
    """
    if request.endpoint == "auth.alive":  # without its token the request proves no page typing
        return unauthorized_alive()
    if request.endpoint in SCRIPT_ANSWERS:
        return SCRIPT_ANSWERS[request.endpoint]()
    if request.endpoint == "auth.login":
        # The sign-in page outlived its cookie: shown again, still returning where it would.
        flash(_("登录页面停留过久已过期，请重新输入用户名和密码"))
        return redirect(url_for("auth.login", next=request.args.get("next")))
    signed_in = current_user.id if current_user.is_authenticated else None
    kept = keep_posted_form(signed_in)
    if kept is None or (signed_in is not None and not kept.saved):
        return None
    if signed_in is not None:
        return redirect(kept.return_to)
    return sign_in_again(kept)


def forget_ended_session() -> None:
    """Make the browser forget a session that has ended, signed-in user and all."""
    if SESSION_KEY in session:
        logout_user()
        session.pop(SESSION_KEY)


def _referring_page() -> str:
    """Return the page of this site a post was sent from, or the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("desk.index")


def bearer_challenge() -> Response:
    """Return the API's 401: a Chinese JSON message with the Bearer challenge of RFC 6750."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        message, challenge = "API 令牌无效或已撤销", 'Bearer realm="wenshu", error="invalid_token"'
    else:
        message, challenge = "请提供 API 令牌：Authorization: Bearer 令牌", 'Bearer realm="wenshu"'
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = challenge
    return response


def requires(roles: frozenset[str]) -> Callable[[View], View]:
    """Return a decorator letting only the given roles through (403 for the others)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated or current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked.allowed_roles = roles  # type: ignore[attr-defined]  # read by kept forms
        return checked  # type: ignore[return-value]

    return decorate


def current_account() -> Account:
    """Return the signed-in account."""
    account: Account = current_user.account
    return account


def now() -> dt.datetime:
    """Return the current UTC time by the app's clock."""
    moment: dt.datetime = current_app.extensions["clock"]()
    return moment


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Sign in with username and password, unless the name or the address must wait."""
    form = LoginForm(request.form if request.method == "POST" else None)
    if request.method != "POST" or not form.validate():
        status = 401 if request.method == "POST" else 200
        return render_template("login.html", form=form), status
    username = (form.username.data or "").strip()
    address = request.remote_addr or ""
    at, account, key = now(), None, ""
    with wenshu().database.session() as db:
        limits = hold_limits(db, username, address, at)
        lockout = limits.lockout(at)  # while it lasts the password is not even checked
        if lockout is None:
            account = authenticate(db, username, form.password.data or "")
            details = {"address": address}
            if account is not None:
                limits.clear_account()
                key = open_session(db, account.id, at)
            else:
                lockout = limits.count_failure(at, current_app.extensions["login_policy"])
                if lockout is not None:
                    details["locked_until"] = lockout.until.isoformat(timespec="seconds")
                form.password.errors = [_("用户名或密码不正确")]
            action = "login" if account is not None else "login_failed"
            record_event(db, action, username, username, details)
    if account is not None:
        pending = pending_tokens()  # forms kept from the ended session, carried into the new one
        language = chosen_language()
        session.clear()  # which also drops "permanent", that gives the cookie its lifetime
        keep_language(language)
        session.permanent = True
        session[SESSION_KEY] = key
        login_user(SignedIn(account))
        back_to = resume_after_sign_in(pending, account.id, account.role) if pending else None
        return redirect(back_to or _safe_next(request.args.get("next")))
    if lockout is None:
        return render_template("login.html", form=form), 401
    seconds = lockout.seconds_left(at)
    refusal = lockout_message(lockout, seconds)
    page = render_template("login.html", form=form, refusal=refusal)
    return page, 429, {"Retry-After": str(seconds)}


def lockout_message(lockout: Lockout, seconds: int) -> str:
    """Return the Chinese refusal for a name or an address that must wait, with the wait."""
    wait = _("%(n)s秒", n=seconds) if seconds < 60 else _("%(n)s分钟", n=-(-seconds // 60))
    if lockout.scope == ACCOUNT:
        return _(
            "这个用户名登录失败次数过多，已暂停登录。请%(wait)s后再试；忘记密码请联系管理员。",
            wait=wait,
        )
    return _("从本机地址登录失败次数过多，已暂停登录。请%(wait)s后再试。", wait=wait)


@blueprint.post("/session/alive")
def alive() -> Response:
    """Answer a page's sign of typing: the sign-in check before this view renewed the session.

    204 for a live session; an ended one is not revived and gets 401 (session_ended).
    """
    response = Response(status=204)
    response.cache_control.no_store = True
    return response


@blueprint.post("/logout")
def logout() -> Response:
    """Sign out: the session's record ends, so a copy of its cookie signs nobody in."""
    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        with wenshu().database.session() as db:
            end_session(db, key)
    logout_user()
    language = chosen_language()
    session.clear()
    keep_language(language)
    flash(_("已退出登录"))
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the home page (no open redirects)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("desk.index")
