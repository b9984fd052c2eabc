"""Tests of people behind the logins: names and titles, passwords changed and reset, and 经办人."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from service.accounts.people import person_name
from service.accounts.users import create_user, list_users
from service.acts.issuing import issue_document
from service.commands.cli import main
from service.render.pdfa import read_archival_metadata
from tests.conftest import PASSWORD, add_user, sample, signed_in

NEW_PASSWORD = "another-horse-7"


def user_id(app: Flask, username: str) -> int:
    """Return the id of the user with this login."""
    with app.extensions["wenshu"].database.session() as session:
        return next(user.id for user in list_users(session) if user.username == username)


def signed_in_as(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    """Return a client signed in as an existing user."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def admin_named(app: Flask, username: str = "admin1") -> FlaskClient:
    """Return a client signed in as a new administrator with this login."""
    add_user(app, username, "admin")
    return signed_in_as(app, username)


def test_admin_gives_users_names_and_titles(app: Flask) -> None:
    """This test ensures that an administrator creates and edits a user's name and title, shown on pages."""
    admin = admin_named(app)
    made = admin.post(
        "/admin/users",
        data={
            "username": "wang",
            "password": "long-enough-1",
            "role": "clerk",
            "full_name": "王文书",
            "title": "科员",
        },
    )
    assert made.status_code == 302
    listed = admin.get("/admin/users").get_data(as_text=True)
    assert "王文书" in listed and "科员" in listed
    wang = user_id(app, "wang")
    edited = admin.post(
        f"/admin/users/{wang}", data={"full_name": "王文明", "title": "副科长", "role": "head"}
    )
    assert edited.status_code == 302
    page = admin.get(f"/admin/users/{wang}").get_data(as_text=True)
    assert 'value="王文明"' in page and 'value="副科长"' in page
    home = signed_in_as(app, "wang", "long-enough-1").get("/").get_data(as_text=True)
    assert "王文明（负责人）" in home
    too_long = admin.post(
        f"/admin/users/{wang}", data={"full_name": "王" * 61, "title": "", "role": "head"}
    )
    assert too_long.status_code == 422
    assert "姓名最长60个字符" in too_long.get_data(as_text=True)


def test_admin_cannot_disable_or_demote_himself(app: Flask) -> None:
    """This test ensures that an administrator can neither disable, demote nor reset himself."""
    admin = admin_named(app)
    own = user_id(app, "admin1")
    disabled = admin.post(f"/admin/users/{own}/active", data={"active": "0"}, follow_redirects=True)
    assert "不能停用自己的账号" in disabled.get_data(as_text=True)
    demoted = admin.post(
        f"/admin/users/{own}", data={"full_name": "李管理", "title": "", "role": "clerk"}
    )
    assert demoted.status_code == 422
    text = demoted.get_data(as_text=True)
    assert "不能更改自己的角色" in text and 'value="李管理"' in text  # what was typed is kept
    assert admin.get("/admin/users").status_code == 200  # still an administrator
    own_reset = admin.post(
        f"/admin/users/{own}/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert own_reset.status_code == 422
    assert "自己的密码请在“修改密码”页修改" in own_reset.get_data(as_text=True)
    assert admin.get("/admin/users").status_code == 200  # still signed in, password unchanged
    named = admin.post(
        f"/admin/users/{own}", data={"full_name": "李管理", "title": "", "role": "admin"}
    )
    assert named.status_code == 302


def test_admin_resets_a_password(app: Flask) -> None:
    """This test ensures that a reset password replaces the old one and signs its user out."""
    admin = admin_named(app)
    add_user(app, "zhao", "clerk")
    zhao = signed_in_as(app, "zhao")
    target = user_id(app, "zhao")
    mismatch = admin.post(
        f"/admin/users/{target}/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
    )
    assert mismatch.status_code == 422
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    short = admin.post(
        f"/admin/users/{target}/password",
        data={"new_password": "short", "confirm_password": "short"},
    )
    assert "密码至少8个字符" in short.get_data(as_text=True)
    reset = admin.post(
        f"/admin/users/{target}/password",
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert reset.status_code == 302
    assert zhao.get("/").status_code == 302  # signed out
    old = app.test_client().post("/login", data={"username": "zhao", "password": PASSWORD})
    assert old.status_code == 401
    signed_in_as(app, "zhao", NEW_PASSWORD)


@pytest.mark.parametrize("role", ["clerk", "head", "maintainer", "admin"])
def test_everyone_changes_their_own_password(app: Flask, role: str) -> None:
    """This test ensures that every role changes its own password, the current one checked first."""
    client = signed_in(app, role)
    assert client.get("/account/password").status_code == 200
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "not-it-at-all",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "密码已修改" in changed.get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        login = next(user.username for user in list_users(session) if user.role == role)
    signed_in_as(app, login, NEW_PASSWORD)


def test_documents_print_the_persons_name(app: Flask) -> None:
    """This test ensures that a document names its issuer's full name as 经办人, on pages and in its PDF."""
    services = app.extensions["wenshu"]
    with services.database.session() as session:
        create_user(session, "wang", PASSWORD, "clerk", full_name="王文书", title="科员")
        assert person_name(session, "wang") == "王文书"
        assert person_name(session, "cli") == "cli"  # an operator with no account
    document = issue_document(services, "supervision_notice", sample("supervision_notice"), "wang")
    metadata = read_archival_metadata(services.archive.absolute(document.pdf_path))
    assert metadata["业务行为"] == "发文；经办人：王文书"
    client = signed_in_as(app, "wang")
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "<td>王文书</td>" in page and ">wang<" not in page
    register = client.get("/documents").get_data(as_text=True)
    assert "<td>王文书</td>" in register
    # The service form offers the clerk as 送达人 by his name, as the receipt will print it.
    assert re.search(r'<input[^>]*id="server-0-name"[^>]*value="王文书"', page)


def test_users_create_takes_a_name_and_title(runner: CliRunner) -> None:
    """This test ensures that wenshu users create records the person's name and title."""
    made = runner.invoke(
        main,
        [
            *("users", "create", "wang", "--role", "clerk"),
            *("--name", "王文书", "--title", "科员", "--password", "a-long-secret"),
        ],
    )
    assert made.exit_code == 0, made.output
    from service.foundations.config import load_settings
    from service.services import Wenshu

    wenshu = Wenshu.open(load_settings())
    with wenshu.database.session() as session:
        (user,) = list_users(session)
        assert (user.full_name, user.title) == ("王文书", "科员")
    wenshu.database.dispose()
