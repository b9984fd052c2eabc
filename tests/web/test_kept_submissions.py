"""Tests of forms that outlive their session: typing keeps it alive, a late post is kept and comes back."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from playwright.sync_api import Page, Response
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from service import create_app
from service.accounts.kept import MOST_PER_USER, keep_form
from service.accounts.stale import forget_stale_sign_ins
from service.acts.issuing import issue_document
from service.archive.templates import list_versions
from service.database.models import Document, KeptSubmission, LoginSession, User
from service.render.office.pool import OfficePool
from tests.conftest import PASSWORD, add_user, sample
from tests.layouts.test_versions import second_version
from tests.web.clock import Clock, clocked
from tests.web.conftest import CLERK, serving
from tests.web.conftest import sign_in as sign_in_page
from tests.web.test_browser_csp import Violations, photograph
from tests.web.test_sessions import app_with

pytestmark = pytest.mark.office
FORM = "/documents/new/penalty_decision"
OTHER_FORM = "/documents/new/supervision_notice"
TEMPLATES = "/templates/supervision_notice"
KEPT = "登录已失效，您填写的内容已保留，重新登录后将回到表单。"
TIMED_OUT_KEPT = "已超过30分钟没有操作，" + KEPT
RESTORED = "已恢复登录失效前填写的内容，尚未提交：请核对后重新提交。"
FILES_DROPPED = "所选的文件没有保留，回到表单后请重新选择"
HOSTILE = '<script>window.hacked = 1</script>岳阳君信档案数字化服务有限公司"'
# As a browser posts a textarea: CRLF line ends, blank and indented lines, markup as text.
LONG_TEXT = "第一段：2026年1月8日，当事人员工王某复制档案146页。\r\n\r\n第二段 & <b>不是粗体</b>\r\n    缩进的一行"
# As an instrument's form shows it, typed or restored: CRLF made plain, blank lines dropped,
# each line trimmed, as the instrument will hold it.
LONG_TEXT_SHOWN = (
    "第一段：2026年1月8日，当事人员工王某复制档案146页。\n第二段 & <b>不是粗体</b>\n缩进的一行"
)
SYSTEM_FIELDS = {"csrf_token", "form_owner", "action"}
# Over 2 MB in all, each field under the 500 KB Werkzeug takes of one field.
HUGE = {name: "档" * 150_000 for name in ("facts", "evidence", "tier_reasons", "bank", "court")}


class FormFields(HTMLParser):
    """The values a page's form fields show, by name, as the browser would post them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in {"submit", "file"}:
            if attributes.get("type") != "checkbox" or "checked" in attributes:
                self.values.setdefault(name, []).append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values.setdefault(self._select, []).append(attributes.get("value") or "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            text = self.values[self._textarea][-1]  # HTML drops one newline after <textarea>
            self.values[self._textarea][-1] = re.sub(r"\A\r?\n", "", text)
            self._textarea = None
        elif tag == "select":
            self._select = None


def typed_penalty_decision() -> MultiDict[str, str]:
    """Return a 行政处罚决定书 form as a clerk posts it: hostile, long, three rows, a bad date."""
    facts = sample("penalty_decision")
    officers = [*facts.pop("officers"), {"name": "第三名执法人员", "certificate": ""}]
    facts |= {"party_name": HOSTILE, "facts": LONG_TEXT, "decision_date": "2026-13-45"}
    typed: MultiDict[str, str] = MultiDict([(name, str(value)) for name, value in facts.items()])
    for index, officer in enumerate(officers):
        for key, value in officer.items():
            typed.add(f"officers-{index}-{key}", value)
    return typed


def field_of(page: str, name: str) -> str:
    """Return the value of a hidden field of the page (the CSRF token, the form's owner)."""
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} on the page"
    return match.group(1)


def sign_in(client: FlaskClient, username: str = CLERK) -> Any:
    """Post the sign-in form (with the login page's CSRF token, whether or not it is checked)."""
    token = field_of(client.get("/login").get_data(as_text=True), "csrf_token")
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def signed_in_as(app: Flask, username: str = CLERK, role: str = "clerk") -> FlaskClient:
    """Return a browser signed in as a new user."""
    add_user(app, username, role)
    client = app.test_client()
    sign_in(client, username)
    return client


def opened(client: FlaskClient, url: str) -> MultiDict[str, str]:
    """Open a form page; return its hidden fields, to post with what is typed."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    return MultiDict({name: field_of(text, name) for name in ("csrf_token", "form_owner")})


def post_late(
    client: FlaskClient, url: str, page: MultiDict[str, str], typed: Any, **headers: str
) -> Any:
    """Post the typed form with the page's hidden fields as multipart, as the pages do."""
    data = MultiDict(page)
    for name, value in MultiDict(typed).items(multi=True):
        data.add(name, value)
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(url, data=body, content_type=content_type, headers=headers)


def login_page_after(client: FlaskClient, response: Any) -> str:
    """Follow a redirect to the sign-in page; return that page."""
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].startswith("/login")
    return str(client.get(response.headers["Location"]).get_data(as_text=True))


def assert_shows_as_typed(page: str, typed: MultiDict[str, str]) -> None:
    """Assert that every field typed shows on the page as typed (long text as the form shows it)."""
    shown = FormFields(page).values
    for name in typed:
        if name not in SYSTEM_FIELDS:
            expected = [LONG_TEXT_SHOWN if v == LONG_TEXT else v for v in typed.getlist(name)]
            assert shown.get(name) == expected, name


def kept_rows(app: Flask) -> list[KeptSubmission]:
    """Return the kept forms in the database."""
    with app.extensions["wenshu"].database.session() as session:
        return list(session.scalars(select(KeptSubmission).order_by(KeptSubmission.id)))


def count(app: Flask, table: type[Any]) -> int:
    """Return how many rows a table holds."""
    with app.extensions["wenshu"].database.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def last_seen(app: Flask) -> dt.datetime:
    """Return when the only signed-in session was last seen."""
    with app.extensions["wenshu"].database.session() as session:
        return session.scalars(select(LoginSession.last_seen_at)).one()


@pytest.fixture
def clock(app: Flask) -> Clock:
    """The test app's hand-moved clock."""
    return clocked(app)


@pytest.fixture
def csrf_app(tmp_path: Path, office_pool: OfficePool) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    app = create_app(
        {"TESTING": True, "instance_path": tmp_path / "csrf", "converter": office_pool}
    )
    yield app
    app.extensions["wenshu"].database.dispose()


def test_typing_keeps_the_session_alive_and_an_ended_one_stays_ended(
    app: Flask, clock: Clock
) -> None:
    """This test ensures that the typing signal moves the session's last-seen time, and that once the session has ended it answers 401 and revives nothing."""
    client = signed_in_as(app)
    start = clock.now
    form = client.get(FORM).get_data(as_text=True)
    assert 'src="/static/keep_alive.js" data-alive-url="/session/alive"' in form
    assert "keep_alive.js" not in app.test_client().get("/login").get_data(as_text=True)
    clock.advance(minutes=25)
    answer = client.post("/session/alive")
    assert answer.status_code == 204 and answer.data == b""
    assert "no-store" in answer.headers["Cache-Control"]
    assert last_seen(app) == start + dt.timedelta(minutes=25)
    clock.advance(minutes=25)  # 50 minutes after signing in, 25 after the last typing
    assert client.get(FORM).status_code == 200
    clock.advance(minutes=30)
    ended = client.post("/session/alive")
    assert ended.status_code == 401 and "no-store" in ended.headers["Cache-Control"]
    assert count(app, LoginSession) == 0
    clock.advance(seconds=-3600)  # even a clock turned back finds nothing to revive
    assert client.post("/session/alive").status_code == 401
    assert client.get("/").headers["Location"].startswith("/login")
    assert app.test_client().post("/session/alive").status_code == 401  # never a redirect


def test_the_typing_signal_needs_the_pages_token(csrf_app: Flask) -> None:
    """This test ensures that a typing signal without the page's CSRF token, or with a forged one, gets 401 and renews nothing."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app)
    start = clock.now
    token = opened(client, FORM)["csrf_token"]
    clock.advance(minutes=20)
    for headers in ({}, {"X-CSRFToken": "forged"}, {"X-CSRFToken": token + "x"}):
        refused = client.post("/session/alive", headers=headers)
        assert refused.status_code == 401, headers
        assert last_seen(csrf_app) == start
    assert client.post("/session/alive", headers={"X-CSRFToken": token}).status_code == 204
    assert last_seen(csrf_app) == start + dt.timedelta(minutes=20)


def test_a_form_posted_after_the_idle_limit_comes_back_as_typed(app: Flask, clock: Clock) -> None:
    """This test ensures that a form posted 31 idle minutes late is kept, the sign-in page says so, and signing in returns to the form filled with every field as typed, escaped, unsubmitted."""
    client = signed_in_as(app)
    draft = client.post(FORM, data={"party_name": "草稿", "action": "draft"})
    draft_id = draft.headers["Location"].rsplit("=", 1)[1]
    page = opened(client, f"{FORM}?draft={draft_id}")
    typed = typed_penalty_decision()
    typed.add("draft_id", draft_id)
    clock.advance(minutes=31)
    response = post_late(client, FORM, page, typed)
    # Should this browser lose the kept form before signing in, the draft still comes back.
    back_to = f"/login?next=%2Fdocuments%2Fnew%2Fpenalty_decision%3Fdraft%3D{draft_id}"
    assert response.headers["Location"] == back_to
    assert TIMED_OUT_KEPT in login_page_after(client, response)
    assert count(app, Document) == 0
    [row] = kept_rows(app)
    assert [tuple(field) for field in row.fields] == list(typed.items(multi=True))  # byte for byte
    assert not row.files_dropped

    assert sign_in(client).headers["Location"] == FORM
    restored = client.get(FORM)
    page_text = restored.get_data(as_text=True)
    assert restored.status_code == 200 and RESTORED in page_text
    assert_shows_as_typed(page_text, typed)
    assert HOSTILE not in page_text and "&lt;script&gt;window.hacked" in page_text
    assert 'class="error"' not in page_text  # shown to check, not judged or submitted
    assert count(app, Document) == 0 and kept_rows(app) == []


def test_a_kept_form_comes_back_only_once(app: Flask, clock: Clock) -> None:
    """This test ensures that a kept form is given back once: neither opening the form again nor replaying the earlier cookie shows it."""
    client = signed_in_as(app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    post_late(client, FORM, page, typed_penalty_decision())
    sign_in(client)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert RESTORED in client.get(FORM).get_data(as_text=True)
    again = client.get(FORM).get_data(as_text=True)
    assert RESTORED not in again and "岳阳君信" not in again
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    replayed = replay.get(FORM).get_data(as_text=True)
    assert RESTORED not in replayed and "岳阳君信" not in replayed


def test_another_user_signing_in_gets_nothing(app: Flask, clock: Clock) -> None:
    """This test ensures that when another user signs in on that browser the kept form is discarded, for him and for its owner after him."""
    add_user(app, "李办事", "clerk")
    client = signed_in_as(app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    post_late(client, FORM, page, typed_penalty_decision())
    sign_in(client, "李办事")
    assert kept_rows(app) == []
    shown = client.get(FORM).get_data(as_text=True)
    assert RESTORED not in shown and "岳阳君信" not in shown
    client.post("/logout")
    sign_in(client, CLERK)
    shown = client.get(FORM).get_data(as_text=True)
    assert RESTORED not in shown and "岳阳君信" not in shown


def test_a_user_whose_role_changed_gets_nothing(app: Flask, clock: Clock) -> None:
    """This test ensures that a kept form comes back only if its user's role may still use the form's route."""
    admin = signed_in_as(app, "管理员", "admin")
    page = opened(admin, "/admin/users")
    clock.advance(minutes=31)
    post_late(admin, "/admin/users", page, {"username": "新同事", "role": "clerk"})
    assert len(kept_rows(app)) == 1
    with app.extensions["wenshu"].database.session() as session:
        session.scalars(select(User).where(User.username == "管理员")).one().role = "clerk"
    sign_in(admin, "管理员")
    assert kept_rows(app) == []


def test_a_kept_form_expires_after_an_hour_and_the_sweep_clears_it(
    app: Flask, clock: Clock
) -> None:
    """This test ensures that a kept form is not given back after an hour, and the housekeeping sweep removes only expired ones."""
    client = signed_in_as(app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    post_late(client, FORM, page, typed_penalty_decision())
    assert len(kept_rows(app)) == 1
    clock.advance(minutes=61)
    sign_in(client)
    assert RESTORED not in client.get(FORM).get_data(as_text=True)
    assert kept_rows(app) == []

    with app.extensions["wenshu"].database.session() as session:
        user_id = session.scalars(select(User.id).where(User.username == CLERK)).one()
        keep_form(session, user_id, "documents.new", FORM, [("bank", "旧")], False, clock.now)
        clock.advance(minutes=50)
        keep_form(session, user_id, "documents.new", FORM, [("bank", "新")], False, clock.now)
    clock.advance(minutes=11)
    forget_stale_sign_ins(app.extensions["wenshu"].database, clock.now, dt.timedelta(minutes=30))
    assert [row.fields for row in kept_rows(app)] == [[["bank", "新"]]]


def test_only_the_newest_forms_of_a_user_are_kept_and_never_a_disabled_users(
    app: Flask, clock: Clock
) -> None:
    """This test ensures that a user keeps at most MOST_PER_USER forms, the newest, and a disabled user keeps none."""
    add_user(app, CLERK, "clerk")
    with app.extensions["wenshu"].database.session() as session:
        user = session.scalars(select(User).where(User.username == CLERK)).one()
        for number in range(MOST_PER_USER + 2):
            clock.advance(seconds=1)
            keep_form(
                session, user.id, "documents.new", FORM, [("n", str(number))], False, clock.now
            )
        user.active = False
        session.flush()
        assert keep_form(session, user.id, "documents.new", FORM, [], False, clock.now) is None
    kept = [row.fields[0][1] for row in kept_rows(app)]
    assert kept == [str(number) for number in range(2, MOST_PER_USER + 2)]


def test_kept_forms_work_on_each_database(
    tmp_path: Path, office_pool: OfficePool, database_url: str
) -> None:
    """This test ensures that keeping, giving back once, the per-user limit and the sweep work on SQLite and PostgreSQL alike."""
    with app_with(tmp_path, office_pool, database_url=database_url) as app:
        clock = clocked(app)
        client = signed_in_as(app)
        page = opened(client, FORM)
        clock.advance(minutes=31)
        typed = typed_penalty_decision()
        assert TIMED_OUT_KEPT in login_page_after(client, post_late(client, FORM, page, typed))
        assert sign_in(client).headers["Location"] == FORM
        assert_shows_as_typed(client.get(FORM).get_data(as_text=True), typed)
        assert RESTORED not in client.get(FORM).get_data(as_text=True)
        with app.extensions["wenshu"].database.session() as session:
            user_id = session.scalars(select(User.id).where(User.username == CLERK)).one()
            for number in range(MOST_PER_USER + 1):
                clock.advance(minutes=10)
                keep_form(session, user_id, "documents.new", FORM, [("n", str(number))], False,
                          clock.now)  # fmt: skip
        assert [row.fields[0][1] for row in kept_rows(app)] == ["1", "2", "3", "4", "5"]
        clock.advance(minutes=25)  # "1" was kept 65 minutes ago, "2" 55
        idle = dt.timedelta(minutes=30)
        forget_stale_sign_ins(app.extensions["wenshu"].database, clock.now, idle)
        assert [row.fields[0][1] for row in kept_rows(app)] == ["2", "3", "4", "5"]


def forged_owner(app: Flask) -> dict[str, str]:
    """Return owner fields an attacker could make: unsigned, signed with other keys or salts."""
    user_id = 1
    return {
        "forged": "1.forged-signature",
        "another key": URLSafeSerializer("another key", salt="wenshu.form-owner").dumps(user_id),
        "the app's key, another use": URLSafeSerializer(app.secret_key).dumps(user_id),
        "not a user id": URLSafeSerializer(app.secret_key, salt="wenshu.form-owner").dumps("1"),
    }


@pytest.mark.parametrize(
    ("variant", "headers"),
    [
        ("no owner", {}),
        ("forged", {}),
        ("another key", {}),
        ("the app's key, another use", {}),
        ("not a user id", {}),
        ("another site", {"Origin": "https://evil.example"}),
        ("an opaque origin", {"Origin": "null"}),
        ("cross-site fetch", {"Sec-Fetch-Site": "cross-site"}),
        ("same-site fetch", {"Sec-Fetch-Site": "same-site"}),
        ("another port", {"Origin": "http://localhost:8080"}),
    ],
)
def test_only_a_form_from_this_sites_own_page_is_kept(
    app: Flask, clock: Clock, variant: str, headers: dict[str, str]
) -> None:
    """This test ensures that a late post is kept only with the owner field signed for it and, when the browser says where it came from, from this very site."""
    client = signed_in_as(app)
    page = opened(client, FORM)
    if variant == "no owner":
        page.pop("form_owner")
    elif variant in forged_owner(app):
        page["form_owner"] = forged_owner(app)[variant]
    clock.advance(minutes=31)
    response = post_late(client, FORM, page, typed_penalty_decision(), **headers)
    login = login_page_after(client, response)
    assert kept_rows(app) == []
    assert "已超过30分钟没有操作，登录已失效，请重新登录" in login and KEPT not in login


def test_the_owner_field_from_this_site_is_kept(app: Flask, clock: Clock) -> None:
    """This test ensures that a late post saying it came from this site's page, as browsers do, is kept."""
    client = signed_in_as(app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    response = post_late(client, FORM, page, typed_penalty_decision(), **headers)
    login = login_page_after(client, response)
    assert TIMED_OUT_KEPT in login and len(kept_rows(app)) == 1


def test_a_form_whose_cookie_the_browser_dropped_is_kept(csrf_app: Flask) -> None:
    """This test ensures that a form posted after the browser dropped the expired session cookie, and with it the CSRF token's pair, is kept instead of refused."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    typed = typed_penalty_decision()
    clock.advance(minutes=31)
    client.delete_cookie("session")  # as the browser does when the cookie's lifetime ends
    unsigned = MultiDict(page)
    unsigned.pop("form_owner")
    refused = post_late(client, FORM, unsigned, typed)
    assert refused.status_code == 400 and "页面已过期" in refused.get_data(as_text=True)
    response = post_late(client, FORM, page, typed)
    assert response.headers["Location"] == "/login?next=%2Fdocuments%2Fnew%2Fpenalty_decision"
    assert KEPT in login_page_after(client, response)
    assert sign_in(client).headers["Location"] == FORM
    restored = client.get(FORM).get_data(as_text=True)
    assert RESTORED in restored
    assert_shows_as_typed(restored, typed)


def test_a_form_from_before_signing_in_again_is_kept_for_the_same_user_only(
    csrf_app: Flask,
) -> None:
    """This test ensures that a form whose CSRF token is stale because its user signed in again is given back at once, and one of another user is refused as before."""
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    sign_in(client)  # the session ended and he signed in again, in another tab
    typed = typed_penalty_decision()
    response = post_late(client, FORM, page, typed)
    assert response.status_code == 302 and response.headers["Location"] == FORM
    restored = client.get(FORM).get_data(as_text=True)
    assert RESTORED in restored
    assert_shows_as_typed(restored, typed)

    page = opened(client, FORM)
    sign_in(client)
    refused = post_late(client, FORM, page, HUGE)  # too large to keep: refused as before
    assert refused.status_code == 400 and kept_rows(csrf_app) == []

    add_user(csrf_app, "李办事", "clerk")
    page = opened(client, FORM)
    sign_in(client, "李办事")
    refused = post_late(client, FORM, page, typed)
    assert refused.status_code == 400 and kept_rows(csrf_app) == []


def test_two_kept_forms_come_back_each_on_its_page(app: Flask, clock: Clock) -> None:
    """This test ensures that two forms kept in one browser both come back: the newest after signing in, the other on its page."""
    client = signed_in_as(app)
    penalty, notice = opened(client, FORM), opened(client, OTHER_FORM)
    clock.advance(minutes=31)
    post_late(client, FORM, penalty, typed_penalty_decision())
    post_late(client, OTHER_FORM, notice, {"inspected_body": "钱粮湖镇人民政府"})
    assert sign_in(client).headers["Location"] == OTHER_FORM
    shown = client.get(OTHER_FORM).get_data(as_text=True)
    assert 'value="钱粮湖镇人民政府"' in shown
    assert "另有1份登录失效前填写的内容已保留，打开原来的填写页面即可恢复。" in shown
    assert_shows_as_typed(client.get(FORM).get_data(as_text=True), typed_penalty_decision())
    assert kept_rows(app) == []


def test_a_form_too_large_to_keep_is_said_so(app: Flask, clock: Clock) -> None:
    """This test ensures that a form beyond the size limit is not kept and the sign-in page says so."""
    client = signed_in_as(app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    login = login_page_after(client, post_late(client, FORM, page, HUGE))
    assert "登录已失效，填写的内容超过2 MB，未能保留，请重新登录后再填写。" in login
    assert kept_rows(app) == []


def test_a_void_reason_comes_back_in_the_void_form(app: Flask, clock: Clock) -> None:
    """This test ensures that a void reason posted late comes back in the open void form and voids nothing."""
    kind = "supervision_notice"
    document = issue_document(app.extensions["wenshu"], kind, sample(kind), CLERK)
    client = signed_in_as(app)
    url = f"/documents/{document.id}"
    page = opened(client, url)
    clock.advance(minutes=31)
    response = post_late(client, f"{url}/void", page, {"reason": LONG_TEXT})
    assert TIMED_OUT_KEPT in login_page_after(client, response)
    assert sign_in(client).headers["Location"] == url
    shown = client.get(url).get_data(as_text=True)
    assert RESTORED in shown and '<details class="void no-print" open>' in shown
    assert FormFields(shown).values["reason"] == [LONG_TEXT]
    with app.extensions["wenshu"].database.session() as session:
        assert session.get(Document, document.id).status == "issued"  # type: ignore[union-attr]


def test_batch_facts_come_back_and_the_file_is_asked_for_again(app: Flask, clock: Clock) -> None:
    """This test ensures that a batch form posted late keeps its kind and typed facts, not its file, and both pages say the file must be chosen again."""
    client = signed_in_as(app)
    page = opened(client, "/batch?kind=safety_circular")
    overall = "<各单位>\r\n请于1月31日前报送"
    clock.advance(minutes=31)
    typed = {"kind": "safety_circular", "source": "table", "overall": overall,
             "assessment_year": "2025"}  # fmt: skip
    table = (io.BytesIO("addressee\n钱粮湖镇人民政府\n".encode()), "表.csv")
    upload = {**page.to_dict(), **typed, "recipients": table}
    login = login_page_after(client, client.post("/batch", data=upload))
    assert TIMED_OUT_KEPT.removesuffix("。") + f"；{FILES_DROPPED}。" in login
    assert sign_in(client).headers["Location"] == "/batch"
    shown = client.get("/batch").get_data(as_text=True)
    assert RESTORED.removesuffix("。") + f"；{FILES_DROPPED}。" in shown
    values = FormFields(shown).values
    assert values["overall"] == [overall.replace("\r\n", "\n")]  # the same lines
    assert values["assessment_year"] == ["2025"]
    assert 'name="kind" value="safety_circular"' in shown and 'value="table" checked' in shown


def test_a_new_users_form_comes_back_without_its_password(app: Flask, clock: Clock) -> None:
    """This test ensures that the user creation form posted late comes back with name and role, and its password is neither kept nor shown."""
    admin = signed_in_as(app, "管理员", "admin")
    page = opened(admin, "/admin/users")
    clock.advance(minutes=31)
    typed = {"username": "新同事<i>", "password": "初始密码-9f3k", "role": "maintainer"}
    post_late(admin, "/admin/users", page, typed)
    [row] = kept_rows(app)
    assert "初始密码-9f3k" not in json.dumps(row.fields, ensure_ascii=False)
    assert sign_in(admin, "管理员").headers["Location"] == "/admin/users"
    shown = admin.get("/admin/users").get_data(as_text=True)
    values = FormFields(shown).values
    assert values["username"] == ["新同事<i>"] and values["role"] == ["maintainer"]
    assert values["password"] == [""] and "初始密码-9f3k" not in shown


def test_a_template_uploads_note_comes_back_and_the_file_is_asked_for_again(
    app: Flask, clock: Clock
) -> None:
    """This test ensures that a template upload posted late keeps its note, not its file, and both pages say the file must be chosen again."""
    maintainer = signed_in_as(app, "李模板", "maintainer")
    store = app.extensions["wenshu"].templates.root
    stored = set(store.iterdir())
    page = opened(maintainer, TEMPLATES)
    clock.advance(minutes=31)
    typed = {
        "note": "调整<落款>位置",
        "template": FileStorage(io.BytesIO(second_version()), "新.docx"),
    }
    response = post_late(maintainer, f"{TEMPLATES}/candidates", page, typed)
    assert TIMED_OUT_KEPT.removesuffix("。") + f"；{FILES_DROPPED}。" in login_page_after(
        maintainer, response
    )
    assert set(store.iterdir()) == stored  # no candidate was kept
    assert sign_in(maintainer, "李模板").headers["Location"] == TEMPLATES
    shown = maintainer.get(TEMPLATES).get_data(as_text=True)
    assert RESTORED.removesuffix("。") + f"；{FILES_DROPPED}。" in shown
    assert FormFields(shown).values["note"] == ["调整<落款>位置"]


def test_a_publish_posted_late_keeps_its_note_and_publishes_nothing(
    app: Flask, clock: Clock
) -> None:
    """This test ensures that publishing a candidate posted late publishes nothing and its note comes back on the candidate's page."""
    maintainer = signed_in_as(app, "李模板", "maintainer")
    template = FileStorage(io.BytesIO(second_version()), "新.docx")
    uploaded = post_late(maintainer, f"{TEMPLATES}/candidates", opened(maintainer, TEMPLATES),
                         {"template": template})  # fmt: skip
    candidate = uploaded.headers["Location"]
    page = opened(maintainer, candidate)
    clock.advance(minutes=31)
    response = post_late(maintainer, f"{candidate}/publish", page, {"note": "落款上移一行"})
    assert TIMED_OUT_KEPT in login_page_after(maintainer, response)
    assert sign_in(maintainer, "李模板").headers["Location"] == candidate
    shown = maintainer.get(candidate).get_data(as_text=True)
    assert RESTORED in shown and FormFields(shown).values["note"] == ["落款上移一行"]
    with app.extensions["wenshu"].database.session() as session:
        assert [v.version for v in list_versions(session, "supervision_notice")] == [1]


def test_a_one_click_form_returns_to_its_page(app: Flask, clock: Clock) -> None:
    """This test ensures that a one-click form posted late keeps nothing and returns after sign-in to the page it was on, never to another site."""
    admin = signed_in_as(app, "管理员", "admin")
    clock.advance(minutes=31)
    referred = {"Referer": "http://localhost/admin/users"}
    response = admin.post("/admin/users/1/active", data={"active": "0"}, headers=referred)
    assert response.headers["Location"] == "/login?next=%2Fadmin%2Fusers"
    elsewhere = {"Referer": "https://evil.example/admin/users"}
    response = admin.post("/admin/users/1/active", data={"active": "0"}, headers=elsewhere)
    assert response.headers["Location"] == "/login?next=%2F"
    assert kept_rows(app) == []


def test_chromium_gives_back_a_form_typed_past_the_idle_limit(
    tmp_path: Path, office_pool: OfficePool, page: Page
) -> None:
    """This test ensures that in Chromium typing keeps the session alive, and a form submitted after the limit, with the browser's cookie gone, comes back after signing in, with no policy violation."""
    app: Flask = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})
    clock = clocked(app)
    shots = tmp_path / "shots"
    shots.mkdir()
    violations = Violations(page)
    page.clock.install()
    with serving(app) as address:
        sign_in_page(page, address)
        start = clock.now
        page.goto(address + FORM)
        page.clock.pause_at(dt.datetime.now() + dt.timedelta(minutes=1))  # timers wait for us

        def alive(response: Response) -> bool:
            return response.url == address + "/session/alive"

        clock.advance(minutes=20)
        with page.expect_response(alive) as first:
            page.fill("#party_name", HOSTILE)
        assert first.value.status == 204
        assert last_seen(app) == start + dt.timedelta(minutes=20)
        page.fill("#facts", LONG_TEXT.replace("\r\n", "\n"))
        page.fill("#bank", "中国工商银行岳阳君山支行")
        page.fill("#officers-0-name", "李卫东")
        page.select_option("#tier", "从轻")
        clock.advance(minutes=20)
        with page.expect_response(alive) as trailing:  # the last keystroke's, two minutes on
            page.clock.run_for(2 * 60 * 1000)
        assert trailing.value.status == 204
        assert last_seen(app) == start + dt.timedelta(minutes=40)

        clock.advance(minutes=31)
        page.context.clear_cookies(name="session")  # the browser drops it at the idle limit
        page.click("button[value=review]")
        page.wait_for_url(re.compile(r"/login\?next="))
        assert KEPT in page.inner_text("main")
        photograph(page, shots / "login-kept")
        page.fill("input[name=username]", CLERK)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(address + FORM)
        assert RESTORED in page.inner_text("main")
        assert page.input_value("#party_name") == HOSTILE
        assert page.input_value("#facts") == LONG_TEXT_SHOWN
        assert page.input_value("#bank") == "中国工商银行岳阳君山支行"
        assert page.input_value("#officers-0-name") == "李卫东"
        assert page.input_value("#tier") == "从轻"
        assert page.evaluate("() => window.hacked") is None
        assert count(app, Document) == 0
        photograph(page, shots / "form-restored")
        assert violations.take() == []
    app.extensions["wenshu"].database.dispose()
