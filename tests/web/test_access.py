"""Tests of sign-in, the session timeout and the boundaries between roles."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, add_user, signed_in


def test_anonymous_sees_only_the_login_page(anonymous: FlaskClient) -> None:
    """This test ensures that every page but the login page sends an anonymous visitor to sign in."""
    for path in [
        "/",
        "/documents/new/supervision_notice",
        "/documents/1",
        "/templates",
        "/admin/users",
    ]:
        response = anonymous.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login")
    assert anonymous.get("/login").status_code == 200
    with anonymous.get("/static/wenshu.css") as css:
        assert css.status_code == 200


def test_wrong_password_is_refused_in_chinese(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a wrong password or unknown user is refused without saying which."""
    add_user(app, "李办事", "clerk")
    for username, password in [("李办事", "not-the-password"), ("nobody", PASSWORD)]:
        response = anonymous.post("/login", data={"username": username, "password": password})
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.get_data(as_text=True)
    empty = anonymous.post("/login", data={"username": "", "password": ""})
    assert "请填写用户名" in empty.get_data(as_text=True)


def test_login_redirects_only_inside_the_site(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that the next parameter cannot send a signed-in user to another site."""
    add_user(app, "张办事", "clerk")
    response = anonymous.post(
        "/login?next=//evil.example/x", data={"username": "张办事", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_disabled_user_cannot_sign_in(app: Flask) -> None:
    """This test ensures that an administrator can disable a user, who then cannot sign in."""
    admin = signed_in(app, "admin")
    add_user(app, "赵离职", "clerk")
    from service.accounts.users import list_users

    with app.extensions["wenshu"].database.session() as session:
        user_id = next(u.id for u in list_users(session) if u.username == "赵离职")
    admin.post(f"/admin/users/{user_id}/active", data={"active": "0"})
    response = app.test_client().post("/login", data={"username": "赵离职", "password": PASSWORD})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        ("clerk", "/documents/new/supervision_notice", True),
        ("clerk", "/templates", False),
        ("clerk", "/admin/users", False),
        ("maintainer", "/documents/new/supervision_notice", False),
        ("maintainer", "/templates", True),
        ("maintainer", "/admin/users", False),
        ("admin", "/documents/new/supervision_notice", True),
        ("admin", "/templates", True),
        ("admin", "/admin/users", True),
    ],
)
def test_role_boundaries(app: Flask, role: str, path: str, allowed: bool) -> None:
    """This test ensures that each role reaches its pages and gets a Chinese 403 elsewhere."""
    response = signed_in(app, role).get(path)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "没有权限" in response.get_data(as_text=True)


def test_maintainer_cannot_issue(app: Flask) -> None:
    """This test ensures that a template maintainer cannot issue a document by posting the form."""
    response = signed_in(app, "maintainer").post("/documents/new/supervision_notice", data={})
    assert response.status_code == 403


def test_admin_creates_users(app: Flask) -> None:
    """This test ensures that an administrator creates users, with Chinese errors for bad input."""
    admin = signed_in(app, "admin")
    made = admin.post(
        "/admin/users", data={"username": "钱新人", "password": "long-enough-1", "role": "clerk"}
    )
    assert made.status_code == 302
    again = admin.post(
        "/admin/users", data={"username": "钱新人", "password": "long-enough-1", "role": "clerk"}
    )
    assert again.status_code == 422 and "已存在" in again.get_data(as_text=True)
    short = admin.post(
        "/admin/users", data={"username": "孙", "password": "short", "role": "clerk"}
    )
    assert "密码至少8个字符" in short.get_data(as_text=True)
    for disguised in ("nimda\u202e", "钱\u2066新人", "钱\x00新人"):
        refused = admin.post(
            "/admin/users",
            data={"username": disguised, "password": "long-enough-1", "role": "admin"},
        )
        assert refused.status_code == 422 and "请删除后再提交" in refused.get_data(as_text=True)
    signed = app.test_client().post(
        "/login", data={"username": "钱新人", "password": "long-enough-1"}
    )
    assert signed.status_code == 302


def test_logout(client: FlaskClient) -> None:
    """This test ensures that signing out ends the session."""
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_huge_ids_are_not_found(client: FlaskClient) -> None:
    """This test ensures that an id too large for the database is a 404, not a 500."""
    for path in ["/documents/99999999999999999999", "/documents/2147483648/pdf", "/documents/0"]:
        assert client.get(path).status_code == 404, path
