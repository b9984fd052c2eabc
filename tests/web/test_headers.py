"""Tests of the security headers: every response, page, API, static file, redirect or error, carries them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.accounts.users import create_token
from service.render.office.pool import OfficePool
from service.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, add_user, signed_in
from tests.web.test_sessions import app_with

TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "web" / "templates"
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response: Any, what: str) -> None:
    """Assert that a response carries the Content-Security-Policy and the other security headers."""
    assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, what
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (what, name)


def directives() -> dict[str, list[str]]:
    """Return the policy's directives and their sources."""
    parsed = {}
    for part in CONTENT_SECURITY_POLICY.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def test_policy_forbids_inline_script_framing_and_plugins() -> None:
    """This test ensures that the policy allows scripts and styles from the site only, no frames, plugins or foreign forms."""
    policy = directives()
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]  # the form's first-page preview
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY


def test_pages_redirects_and_static_files_carry_the_headers(app: Flask) -> None:
    """This test ensures that pages, redirects and static files, signed in or not, carry the headers."""
    anonymous = app.test_client()
    for path in ["/login", "/", "/static/wenshu.css", "/static/buttons.js", "/static/rows.js"]:
        with anonymous.get(path) as response:
            assert_secured(response, path)
    clerk = signed_in(app, "clerk")
    for path in ["/", "/documents", "/deadlines", "/batch", "/documents/new/supervision_notice"]:
        response = clerk.get(path)
        assert response.status_code == 200, path
        assert_secured(response, path)
    assert_secured(clerk.post("/logout"), "logout")
    assert_secured(signed_in(app, "admin").get("/admin/users"), "/admin/users")


def test_errors_carry_the_headers(app: Flask) -> None:
    """This test ensures that 403, 404, 405, 429 and 500 pages carry the headers."""

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    clerk = signed_in(app, "clerk")
    for path, status in [("/admin/users", 403), ("/documents/999", 404), ("/broken-for-test", 500)]:
        response = clerk.get(path)
        assert response.status_code == status, path
        assert_secured(response, path)
    not_allowed = clerk.put("/login")
    assert not_allowed.status_code == 405
    assert_secured(not_allowed, "405")
    for _ in range(5):
        locked = app.test_client().post("/login", data={"username": "x", "password": "wrong"})
    assert locked.status_code == 429
    assert_secured(locked, "429")


def test_csrf_refusal_carries_the_headers(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that the page refusing a form without its CSRF token carries the headers."""
    with app_with(tmp_path, office_pool, WTF_CSRF_ENABLED=True) as app:
        add_user(app, "李办事", "clerk")
        client = app.test_client()
        # The sign-in form goes back to itself, saying it stayed open too long; any other form
        # without its token is refused with the error page.
        response = client.post("/login", data={"username": "李办事", "password": PASSWORD})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert_secured(response, "csrf redirect")
        response = client.post("/logout")
        assert response.status_code == 400
        assert_secured(response, "csrf")


def test_api_answers_carry_the_headers(app: Flask) -> None:
    """This test ensures that JSON answers of the API, its errors and its description carry the headers."""
    add_user(app, "李办事", "clerk")
    with app.extensions["wenshu"].database.session() as session:
        token = create_token(session, "李办事")
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    answers = {
        "kinds": client.get("/api/kinds", headers=bearer),
        "openapi": client.get("/api/openapi.json"),
        "no token": client.get("/api/kinds"),
        "bad token": client.get("/api/kinds", headers={"Authorization": "Bearer nope"}),
        "not found": client.get("/api/documents/999", headers=bearer),
        "bad body": client.post("/api/documents", headers=bearer, data="x"),
    }
    assert [a.status_code for a in answers.values()] == [200, 200, 401, 401, 404, 415]
    for what, response in answers.items():
        assert_secured(response, what)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_hold_no_inline_script_or_style(template: str) -> None:
    """This test ensures that no template has inline script, event handler attributes or style attributes, which the policy would block."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", source, re.IGNORECASE)
    assert not re.search(r"\sstyle\s*=", source, re.IGNORECASE)
    assert not re.search(r"<style\b", source, re.IGNORECASE)
    assert "javascript:" not in source.lower()
