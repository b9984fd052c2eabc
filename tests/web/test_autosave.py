"""Tests of the form's autosave: one draft per form as the clerk types, kept past the session's end."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from service import create_app
from service.database.models import Draft
from service.render.office.converter import Converter
from tests.conftest import PASSWORD, add_user, sample
from tests.web.clock import clocked
from tests.web.conftest import CLERK
from tests.web.issuing import issue_at
from tests.web.test_kept_submissions import (
    FORM,
    RESTORED,
    assert_shows_as_typed,
    field_of,
    kept_rows,
    opened,
    post_late,
    sign_in,
    signed_in_as,
    typed_penalty_decision,
)

AUTOSAVE = "/drafts/autosave"
EXPIRED = "登录已过期，已输入的内容已保存，请重新登录"


@pytest.fixture
def csrf_app(tmp_path: Path, converter: Converter, prepared_instance: Path) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    shutil.copytree(prepared_instance, tmp_path / "instance")
    app = create_app(
        {"TESTING": True, "instance_path": tmp_path / "instance", "converter": converter}
    )
    yield app
    app.extensions["wenshu"].database.dispose()


def autosave(
    client: FlaskClient, page: MultiDict[str, str], typed: Any, kind: str = "penalty_decision",
    draft_id: int | None = None, **headers: str,
) -> Any:  # fmt: skip
    """Post the form's fields to the autosave as autosave.js does: form-encoded, token in a header."""
    data = MultiDict(typed)
    data.add("kind", kind)
    data.add("form_owner", page["form_owner"])
    data.add("csrf_token", page["csrf_token"])
    if draft_id is not None:
        data.add("draft_id", str(draft_id))
    return client.post(AUTOSAVE, data=data, headers={"X-CSRFToken": page["csrf_token"], **headers})


def drafts(app: Flask) -> list[Draft]:
    """Return every draft in the database, oldest first."""
    with app.extensions["wenshu"].database.session() as session:
        return list(session.scalars(select(Draft).order_by(Draft.id)))


def test_a_form_keeps_one_autosaved_draft_as_it_is_typed(csrf_app: Flask) -> None:
    """This test ensures that the autosave keeps the typed fields in one autosaved draft per form, answers its id and time, and that 保存草稿 makes it an ordinary draft."""
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    shown = client.get(FORM).get_data(as_text=True)
    assert 'src="/static/autosave.js"' in shown and 'data-kind="penalty_decision"' in shown
    first = autosave(client, page, {"party_name": "岳阳君信公司", "facts": "第一稿"})
    assert first.status_code == 200 and "no-store" in first.headers["Cache-Control"]
    answer = first.get_json()
    assert set(answer) == {"draft_id", "saved_at"}
    assert len(answer["saved_at"]) == 5 and answer["saved_at"][2] == ":"
    second = autosave(client, page, {"party_name": "岳阳君信公司", "facts": "第二稿"},
                      draft_id=answer["draft_id"])  # fmt: skip
    assert second.get_json()["draft_id"] == answer["draft_id"]
    [draft] = drafts(csrf_app)
    assert draft.autosaved and draft.kind == "penalty_decision"
    assert draft.fields == [["party_name", "岳阳君信公司"], ["facts", "第二稿"]]
    resumed = client.get(f"{FORM}?draft={draft.id}").get_data(as_text=True)
    assert "第二稿" in resumed and f'name="draft_id" value="{draft.id}"' in resumed

    form = MultiDict(page)
    form.update({"party_name": "岳阳君信公司", "action": "draft", "draft_id": str(draft.id)})
    assert client.post(FORM, data=form).status_code == 302
    [draft] = drafts(csrf_app)
    assert not draft.autosaved and draft.fields == [["party_name", "岳阳君信公司"]]


def test_the_autosave_never_writes_into_another_clerks_draft(csrf_app: Flask) -> None:
    """This test ensures that a draft id of another clerk starts a new draft, and an unknown kind is refused in JSON."""
    owner = signed_in_as(csrf_app)
    theirs = autosave(owner, opened(owner, FORM), {"party_name": "甲"}).get_json()["draft_id"]
    other = signed_in_as(csrf_app, "李办事")
    page = opened(other, FORM)
    mine = autosave(other, page, {"party_name": "乙"}, draft_id=theirs).get_json()["draft_id"]
    assert mine != theirs
    assert [d.fields for d in drafts(csrf_app)] == [[["party_name", "甲"]], [["party_name", "乙"]]]
    unknown = autosave(other, page, {"party_name": "乙"}, kind="no_such_kind")
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "没有这种文书"


def test_an_autosave_after_the_idle_limit_keeps_what_was_typed(csrf_app: Flask) -> None:
    """This test ensures that an autosave after the session ended answers 401 with the sign-in address back to the draft, keeps what was typed, and signing in returns to the form with all of it."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    draft_id = autosave(client, page, {"party_name": "第一稿"}).get_json()["draft_id"]
    clock.advance(minutes=31)
    typed = typed_penalty_decision()
    late = autosave(client, page, typed, draft_id=draft_id)
    assert late.status_code == 401
    answer = late.get_json()
    assert answer["error"] == EXPIRED
    login = urlsplit(answer["login"])
    assert login.path == "/login"
    assert parse_qs(login.query)["next"] == [f"{FORM}?draft={draft_id}"]
    assert [row.endpoint for row in kept_rows(csrf_app)] == ["autosave.save"]
    assert sign_in(client).headers["Location"] == FORM
    restored = client.get(FORM).get_data(as_text=True)
    assert RESTORED in restored and f'name="draft_id" value="{draft_id}"' in restored
    assert_shows_as_typed(restored, typed)


def test_an_autosave_whose_cookie_the_browser_dropped_is_kept(csrf_app: Flask) -> None:
    """This test ensures that an autosave posted after the browser dropped its cookie, and with it the CSRF token's pair, answers the same 401 and keeps what was typed."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    client.delete_cookie("session")
    late = autosave(client, page, typed_penalty_decision())
    assert late.status_code == 401 and late.get_json()["error"] == EXPIRED
    assert parse_qs(urlsplit(late.get_json()["login"]).query)["next"] == [FORM]
    assert len(kept_rows(csrf_app)) == 1 and drafts(csrf_app) == []
    forged = MultiDict(page)
    forged["form_owner"] = "forged"
    refused = autosave(client, forged, {"party_name": "乙"})
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "登录已过期，最近输入的内容未能保存，请重新登录"
    assert len(kept_rows(csrf_app)) == 1


def test_the_forms_own_post_after_the_end_replaces_the_kept_autosave(csrf_app: Flask) -> None:
    """This test ensures that when the form itself is posted after an autosave was kept, the post is what comes back, and nothing older waits for the same page."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    clock.advance(minutes=31)
    autosave(client, page, {"party_name": "自动保存的"})
    typed = typed_penalty_decision()
    post_late(client, FORM, page, MultiDict([*typed.items(multi=True), ("action", "review")]))
    assert [row.endpoint for row in kept_rows(csrf_app)] == ["documents.new"]
    assert sign_in(client).headers["Location"] == FORM
    restored = client.get(FORM).get_data(as_text=True)
    assert "另有" not in restored
    assert_shows_as_typed(restored, typed)


def test_a_page_from_before_signing_in_again_autosaves_with_a_new_token(csrf_app: Flask) -> None:
    """This test ensures that a page whose token is stale because its clerk signed in again in another tab is still saved, and gets a token to send from then on; another user's page is not."""
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    sign_in(client)
    stale = autosave(client, page, {"party_name": "甲"})
    assert stale.status_code == 200
    answer = stale.get_json()
    assert answer["csrf_token"] and [d.fields for d in drafts(csrf_app)] == [[["party_name", "甲"]]]
    page["csrf_token"] = answer["csrf_token"]
    assert (
        autosave(client, page, {"party_name": "乙"}, draft_id=answer["draft_id"]).status_code == 200
    )

    add_user(csrf_app, "李办事", "clerk")
    sign_in(client, "李办事")
    stale = autosave(client, page, {"party_name": "丁"})
    assert stale.status_code == 400 and stale.get_json()["error"] == "页面已过期，请刷新页面"
    assert [d.fields for d in drafts(csrf_app)] == [[["party_name", "乙"]]]


def test_the_case_opening_returns_to_the_cases_page(csrf_app: Flask) -> None:
    """This test ensures that the 立案审批表 autosaves too and its sign-in address returns to its own page."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app, CLERK + "2")
    page = opened(client, "/cases/new")
    saved = autosave(client, page, {"cause": "未按规定移交档案"}, kind="case_opening")
    draft_id = saved.get_json()["draft_id"]
    clock.advance(minutes=31)
    late = autosave(client, page, {"cause": "改"}, kind="case_opening", draft_id=draft_id)
    assert parse_qs(urlsplit(late.get_json()["login"]).query)["next"] == [
        f"/cases/new?draft={draft_id}"
    ]
    assert sign_in(client, CLERK + "2").headers["Location"] == "/cases/new"


def test_a_sign_in_page_left_open_past_the_limit_still_returns_to_the_draft(
    csrf_app: Flask,
) -> None:
    """This test ensures that a sign-in page that outlived its cookie, and with it the kept form, is shown again instead of 页面已过期, and signing in returns to the form's autosaved draft."""
    clock = clocked(csrf_app)
    client = signed_in_as(csrf_app)
    page = opened(client, FORM)
    draft_id = autosave(client, page, {"party_name": "岳阳君信公司"}).get_json()["draft_id"]
    clock.advance(minutes=31)
    client.delete_cookie("session")
    typed = MultiDict({"party_name": "岳阳君信公司", "draft_id": str(draft_id), "action": "review"})
    login_url = post_late(client, FORM, page, typed).headers["Location"]
    assert parse_qs(urlsplit(login_url).query)["next"] == [f"{FORM}?draft={draft_id}"]
    token = field_of(client.get(login_url).get_data(as_text=True), "csrf_token")
    clock.advance(minutes=31)
    client.delete_cookie("session")  # the sign-in page was left open past the idle limit
    signing_in = {"username": CLERK, "password": PASSWORD, "csrf_token": token}
    again = client.post(login_url, data=signing_in)
    assert again.status_code == 302
    assert parse_qs(urlsplit(again.headers["Location"]).query)["next"] == [
        f"{FORM}?draft={draft_id}"
    ]
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "登录页面停留过久已过期，请重新输入用户名和密码" in shown
    signing_in["csrf_token"] = field_of(shown, "csrf_token")
    signed_in = client.post(login_url, data=signing_in)
    assert signed_in.headers["Location"] == f"{FORM}?draft={draft_id}"
    assert 'value="岳阳君信公司"' in client.get(signed_in.headers["Location"]).get_data(
        as_text=True
    )


def test_issuing_the_form_deletes_its_autosaved_draft(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the draft a form autosaved is carried through the review and deleted once the document is issued."""
    kind = "supervision_notice"
    url = f"/documents/new/{kind}"
    typed = {key: str(value) for key, value in sample(kind).items()}
    draft_id = autosave(client, opened(client, url), typed, kind=kind).get_json()["draft_id"]
    assert [draft.id for draft in drafts(app)] == [draft_id]
    issued = issue_at(client, f"{url}?draft={draft_id}", typed | {"draft_id": str(draft_id)})
    assert issued.status_code == 302, issued.get_data(as_text=True)
    assert drafts(app) == []
