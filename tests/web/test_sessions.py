"""Tests of sessions: the idle limit kept on the server, sign-out for every copy of a cookie, cookie flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from service import create_app
from service.accounts.stale import forget_stale_sign_ins
from service.accounts.users import list_users
from service.database.models import FailedLogins, LoginSession
from service.render.office.pool import OfficePool
from tests.conftest import PASSWORD, add_user, signed_in
from tests.web.clock import clocked

SESSION_COOKIE = "session"


@contextmanager
def app_with(tmp_path: Path, office_pool: OfficePool, **settings: Any) -> Iterator[Flask]:
    """Yield the app on a fresh instance with these wenshu settings, CSRF off."""
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "instance_path": tmp_path / "instance",
            "converter": office_pool,
            **settings,
        }
    )
    try:
        yield app
    finally:
        app.extensions["wenshu"].database.dispose()


def copy_of_cookie(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return a new client holding the same session cookie as client (a stolen or copied cookie)."""
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(SESSION_COOKIE, cookie.value)
    return thief


def is_signed_out(response: Any) -> bool:
    """Return whether a page request was sent to the login page."""
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def session_cookie_header(response: Any) -> str:
    """Return the Set-Cookie header that sets the session cookie."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, response.headers
    return str(headers[0])


def test_idle_session_ends_on_the_server(app: Flask) -> None:
    """This test ensures that 30 minutes without a request end a session even though its cookie is still sent."""
    clock = clocked(app)
    client = signed_in(app, "clerk")
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=29)  # each request starts the 30 minutes again
    assert client.get("/").status_code == 200
    clock.advance(minutes=30)
    response = client.get("/deadlines")
    assert is_signed_out(response)
    assert response.headers["Location"] == "/login?next=%2Fdeadlines"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已超过30分钟没有操作，登录已失效，请重新登录" in page
    clock.advance(seconds=-3600)  # the record is gone: turning the clock back revives nothing
    assert is_signed_out(client.get("/"))


def test_idle_limit_is_a_setting(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that session_idle_minutes sets both the server's limit and the cookie's lifetime."""
    with app_with(tmp_path, office_pool, session_idle_minutes=5) as app:
        clock = clocked(app)
        client = signed_in(app, "clerk")
        assert app.config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(minutes=5)
        assert app.config["REMEMBER_COOKIE_DURATION"] == dt.timedelta(minutes=5)
        clock.advance(minutes=4, seconds=59)
        assert client.get("/").status_code == 200
        clock.advance(minutes=5)
        response = client.get("/")
        assert is_signed_out(response)
        assert "已超过5分钟没有操作" in client.get("/login").get_data(as_text=True)


def test_session_cookie_expires_with_the_idle_limit(app: Flask) -> None:
    """This test ensures that the browser keeps the session cookie for the idle limit, not for 31 days."""
    add_user(app, "周办事", "clerk")
    client = app.test_client()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    response = client.post("/login", data={"username": "周办事", "password": PASSWORD})
    after = dt.datetime.now(dt.UTC)
    header = session_cookie_header(response)
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert before + dt.timedelta(minutes=30) <= expires <= after + dt.timedelta(minutes=30)
    again = client.get("/")  # every request renews the cookie's lifetime
    assert "Expires=" in session_cookie_header(again)


def test_cookie_copied_before_sign_out_is_refused_after_it(app: Flask) -> None:
    """This test ensures that signing out ends the session on the server: a copy of its cookie opens nothing."""
    add_user(app, "吴办事", "clerk")
    client = app.test_client()
    client.post("/login", data={"username": "吴办事", "password": PASSWORD})
    thief = copy_of_cookie(app, client)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    for path in ["/", "/documents", "/documents/new/supervision_notice", "/deadlines", "/batch"]:
        assert is_signed_out(thief.get(path)), path
    refused = thief.post("/documents/new/supervision_notice", data={"action": "draft"})
    assert is_signed_out(refused)
    assert thief.get("/api/kinds").status_code == 401  # never a way into the API either
    assert is_signed_out(client.get("/"))


def test_sign_out_ends_only_that_session(app: Flask) -> None:
    """This test ensures that signing out in one browser leaves the same user's other browser signed in."""
    add_user(app, "郑办事", "clerk")
    office, home = app.test_client(), app.test_client()
    for browser in (office, home):
        browser.post("/login", data={"username": "郑办事", "password": PASSWORD})
    office.post("/logout")
    assert is_signed_out(office.get("/"))
    assert home.get("/").status_code == 200


def test_disabling_a_user_ends_sessions_for_good(app: Flask) -> None:
    """This test ensures that disabling a user ends the user's sessions, and enabling him again revives none."""
    admin = signed_in(app, "admin")
    add_user(app, "冯借调", "clerk")
    user = app.test_client()
    user.post("/login", data={"username": "冯借调", "password": PASSWORD})
    copy = copy_of_cookie(app, user)
    with app.extensions["wenshu"].database.session() as session:
        user_id = next(u.id for u in list_users(session) if u.username == "冯借调")
    admin.post(f"/admin/users/{user_id}/active", data={"active": "0"})
    assert is_signed_out(copy.get("/"))
    admin.post(f"/admin/users/{user_id}/active", data={"active": "1"})
    assert is_signed_out(user.get("/"))
    assert user.post("/login", data={"username": "冯借调", "password": PASSWORD}).status_code == 302
    assert user.get("/").status_code == 200


def test_remember_cookie_signs_nobody_in(app: Flask) -> None:
    """This test ensures that a Flask-Login "remember me" cookie, even one signed with the app's key, opens no session."""
    add_user(app, "陈办事", "clerk")
    with app.extensions["wenshu"].database.session() as session:
        user_id = next(u.id for u in list_users(session) if u.username == "陈办事")
    with app.test_request_context():
        remember = encode_cookie(str(user_id))
    visitor = app.test_client()
    visitor.set_cookie("remember_token", remember)
    assert is_signed_out(visitor.get("/"))


def test_session_cookie_flags_over_http(app: Flask) -> None:
    """This test ensures that the session cookie is HttpOnly and SameSite=Lax, and not Secure over plain HTTP."""
    add_user(app, "褚办事", "clerk")
    response = app.test_client().post("/login", data={"username": "褚办事", "password": PASSWORD})
    header = session_cookie_header(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header


def test_session_cookie_is_secure_over_https(app: Flask) -> None:
    """This test ensures that the session cookie is Secure when the request came over HTTPS."""
    add_user(app, "卫办事", "clerk")
    client = app.test_client()
    response = client.post(
        "/login", data={"username": "卫办事", "password": PASSWORD}, base_url="https://localhost"
    )
    header = session_cookie_header(response)
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    page = client.get("/", base_url="https://localhost")
    assert page.status_code == 200 and "Secure" in session_cookie_header(page)


def test_forwarded_https_counts_only_behind_a_trusted_proxy(
    tmp_path: Path, office_pool: OfficePool
) -> None:
    """This test ensures that X-Forwarded-Proto makes cookies Secure behind a trusted proxy, and is ignored otherwise."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    login = {"username": "蒋办事", "password": PASSWORD}
    with app_with(tmp_path / "direct", office_pool) as app:
        add_user(app, "蒋办事", "clerk")
        response = app.test_client().post("/login", data=login, headers=forwarded)
        assert "Secure" not in session_cookie_header(response)
    with app_with(tmp_path / "proxied", office_pool, trusted_proxies=1) as app:
        add_user(app, "蒋办事", "clerk")
        response = app.test_client().post("/login", data=login, headers=forwarded)
        assert "Secure" in session_cookie_header(response)
        plain = app.test_client().post("/login", data=login)  # the proxy said nothing: plain HTTP
        assert "Secure" not in session_cookie_header(plain)


def test_secure_cookies_setting_marks_every_cookie_secure(
    tmp_path: Path, office_pool: OfficePool
) -> None:
    """This test ensures that secure_cookies marks the session cookie Secure even on a plain HTTP request."""
    with app_with(tmp_path, office_pool, secure_cookies=True) as app:
        add_user(app, "沈办事", "clerk")
        response = app.test_client().post(
            "/login", data={"username": "沈办事", "password": PASSWORD}
        )
        assert "Secure" in session_cookie_header(response)


def test_housekeeping_forgets_ended_sessions_and_quiet_failures(app: Flask) -> None:
    """This test ensures that the daily sweep removes idle session records and day-old failure counts, and only those."""
    clock = clocked(app)
    database = app.extensions["wenshu"].database
    idle = dt.timedelta(minutes=30)
    stale = signed_in(app, "clerk")
    app.test_client().post("/login", data={"username": "nobody", "password": "guess-1"})
    clock.advance(hours=23)
    app.test_client().post("/login", data={"username": "nobody-2", "password": "guess-2"})
    clock.advance(hours=1)
    fresh = signed_in(app, "clerk")
    clock.advance(minutes=10)
    assert fresh.get("/").status_code == 200
    forget_stale_sign_ins(database, clock.now, idle)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
        subjects = set(session.scalars(select(FailedLogins.subject)))
    # nobody's count is a day old and goes; nobody-2's and the address's are an hour old
    assert "nobody" not in subjects and "nobody-2" in subjects
    assert fresh.get("/").status_code == 200
    assert is_signed_out(stale.get("/"))


def test_sessions_and_limits_hold_on_each_database(
    tmp_path: Path, office_pool: OfficePool, database_url: str
) -> None:
    """This test ensures that idle end, sign-out of a copied cookie and the login limit work on SQLite and PostgreSQL alike."""
    with app_with(tmp_path, office_pool, database_url=database_url) as app:
        clock = clocked(app)
        add_user(app, "韩办事", "clerk")
        login = {"username": "韩办事", "password": PASSWORD}
        client = app.test_client()
        assert client.post("/login", data=login).status_code == 302
        copy = copy_of_cookie(app, client)
        clock.advance(minutes=29)
        assert copy.get("/").status_code == 200
        client.post("/logout")
        assert is_signed_out(copy.get("/"))
        assert client.post("/login", data=login).status_code == 302
        clock.advance(minutes=30)
        assert is_signed_out(client.get("/"))
        for _ in range(5):
            last = client.post("/login", data={"username": "韩办事", "password": "wrong"})
        assert last.status_code == 429 and last.headers["Retry-After"] == "300"
        assert client.post("/login", data=login).status_code == 429
