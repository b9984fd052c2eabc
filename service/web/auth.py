"""Signing in and out, the session timeout, bearer tokens for the API, and role checks."""

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
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import Form, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from service.accounts import Account, account_for_token, authenticate, load_account
from service.archive.audit import record_event
from service.web import wenshu

blueprint = Blueprint("auth", __name__)
API_PREFIX = "/api/"
SESSION_IDLE = dt.timedelta(minutes=30)
View = TypeVar("View", bound=Callable[..., Any])


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
        "用户名", validators=[DataRequired(message="请填写用户名"), Length(max=64)]
    )
    password = PasswordField(
        "密码", validators=[DataRequired(message="请填写密码"), Length(max=200)]
    )


def init_app(app: Flask) -> None:
    """Install sign-in on the app: every page but the login page and static files needs it."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "请先登录"
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_IDLE)

    @manager.user_loader
    def load_user(user_id: str) -> SignedIn | None:
        # The API takes bearer tokens only: it is exempt from CSRF protection, so a browser's
        # session cookie must not stand in for a token there.
        if request.path.startswith(API_PREFIX):
            return None
        with wenshu().database.session() as db:
            account = load_account(db, int(user_id))
        return SignedIn(account) if account else None

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
        # An idle session expires after PERMANENT_SESSION_LIFETIME; each request renews it.
        session.permanent = True
        if request.endpoint in open_endpoints or current_user.is_authenticated:
            return None
        return manager.unauthorized()

    @app.context_processor
    def signed_in_account() -> dict[str, Any]:
        account = current_user.account if current_user.is_authenticated else None
        return {"account": account}

    app.register_blueprint(blueprint)


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

        return checked  # type: ignore[return-value]

    return decorate


def current_account() -> Account:
    """Return the signed-in account."""
    account: Account = current_user.account
    return account


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Sign in with username and password."""
    form = LoginForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        username = (form.username.data or "").strip()
        with wenshu().database.session() as db:
            account = authenticate(db, username, form.password.data or "")
            action = "login" if account is not None else "login_failed"
            record_event(db, action, username, username, {"address": request.remote_addr or ""})
        if account is not None:
            session.clear()
            login_user(SignedIn(account))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = ["用户名或密码不正确"]
    status = 401 if request.method == "POST" else 200
    return render_template("login.html", form=form), status


@blueprint.post("/logout")
def logout() -> Response:
    """Sign out."""
    logout_user()
    session.clear()
    flash("已退出登录")
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
    return url_for("documents.index")
