"""Tests of drafts on the web: save as typed, resume, save again, list at home, delete, issue."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.database.models import Draft
from tests.conftest import sample, signed_in
from tests.web.issuing import issue_via_form

URL = "/documents/new/supervision_notice"


def typed_form(**changes: str) -> dict[str, str]:
    """Return the supervision notice's sample facts as the browser form submits them."""
    return {key: str(value) for key, value in (sample("supervision_notice") | changes).items()}


def save(client: FlaskClient, url: str = URL, **data: str) -> int:
    """Save a draft from the form and return its id."""
    response = client.post(url, data={**data, "action": "draft"})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"[?&]draft=(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def draft_count(app: Flask) -> int:
    """Return how many drafts the database holds."""
    with app.extensions["wenshu"].database.session() as session:
        return session.scalar(select(func.count()).select_from(Draft)) or 0


def test_a_draft_is_saved_unchecked_and_resumed_as_typed(client: FlaskClient) -> None:
    """This test ensures that an incomplete, invalid form is saved without errors and comes back as typed."""
    draft_id = save(client, inspected_body="钱粮湖镇<政府>", deadline="2026-13-45", facts="")
    response = client.get(f"{URL}?draft={draft_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "草稿已保存" in page
    assert 'value="钱粮湖镇&lt;政府&gt;"' in page
    assert 'value="2026-13-45"' in page  # as typed, not judged
    assert 'class="error"' not in page
    assert f'name="draft_id" value="{draft_id}"' in page


def test_saving_again_updates_the_same_draft(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the hidden draft id makes a second save update the draft."""
    draft_id = save(client, inspected_body="第一稿")
    again = save(client, inspected_body="第二稿", draft_id=str(draft_id))
    assert again == draft_id
    assert draft_count(app) == 1
    assert 'value="第二稿"' in client.get(f"{URL}?draft={draft_id}").get_data(as_text=True)


def test_repeated_rows_are_restored(client: FlaskClient) -> None:
    """This test ensures that repeated rows (officers) come back in their places when resumed."""
    url = "/documents/new/inspection_record"
    draft_id = save(
        client,
        url,
        **{"officers-0-name": "李明", "officers-0-certificate": "湘档执字001",
           "officers-1-name": "张华", "officers-1-certificate": "",
           "officers-2-name": "陈静", "officers-2-certificate": "湘档执字003"},
    )  # fmt: skip
    page = client.get(f"{url}?draft={draft_id}").get_data(as_text=True)
    for name, value in (("officers-0-name", "李明"), ("officers-0-certificate", "湘档执字001"),
                        ("officers-1-name", "张华"), ("officers-2-name", "陈静"),
                        ("officers-2-certificate", "湘档执字003")):  # fmt: skip
        assert re.search(rf'name="{name}"[^>]*value="{value}"', page), name
    assert "第3项" in page


def test_home_lists_only_ones_own_drafts_and_deletes(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the home page lists the clerk's drafts with a resume link, and delete removes one."""
    draft_id = save(client, inspected_body="岳阳市君山区钱粮湖镇人民政府")
    home = client.get("/").get_data(as_text=True)
    assert "我的草稿" in home
    assert f"{URL}?draft={draft_id}" in home
    assert "岳阳市君山区钱粮湖镇人民政府" in home
    assert f"/drafts/{draft_id}/delete" in home

    other = signed_in(app, "clerk")
    assert "我的草稿" not in other.get("/").get_data(as_text=True)

    response = client.post(f"/drafts/{draft_id}/delete")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "草稿已删除" in home and "我的草稿" not in home
    assert draft_count(app) == 0


def test_another_clerk_gets_404(app: Flask, client: FlaskClient) -> None:
    """This test ensures that another clerk can neither resume nor delete someone's draft (404), nor overwrite it."""
    draft_id = save(client, inspected_body="别人的草稿")
    other = signed_in(app, "clerk")
    assert other.get(f"{URL}?draft={draft_id}").status_code == 404
    assert other.post(f"/drafts/{draft_id}/delete").status_code == 404
    own = save(other, inspected_body="我的", draft_id=str(draft_id))
    assert own != draft_id
    page = client.get(f"{URL}?draft={draft_id}").get_data(as_text=True)
    assert 'value="别人的草稿"' in page


def test_a_draft_resumed_with_another_form_is_404(client: FlaskClient) -> None:
    """This test ensures that a draft opens only with the form of its own instrument."""
    draft_id = save(client, inspected_body="某单位")
    assert client.get(f"/documents/new/correction_order?draft={draft_id}").status_code == 404
    assert client.get(f"{URL}?draft=999").status_code == 404


def test_maintainer_cannot_save_drafts(app: Flask) -> None:
    """This test ensures that a role that may not issue may not save a draft either."""
    maintainer = signed_in(app, "maintainer")
    response = maintainer.post(URL, data={"action": "draft", "inspected_body": "x"})
    assert response.status_code == 403


@pytest.mark.office
def test_issuing_from_a_draft_deletes_it(app: Flask, client: FlaskClient) -> None:
    """This test ensures that once a draft is issued it is gone from the drafts."""
    draft_id = save(client, **typed_form())
    response = issue_via_form(
        client, "supervision_notice", {**typed_form(), "draft_id": str(draft_id)}
    )
    assert response.status_code == 302
    assert "/documents/" in response.headers["Location"]
    assert draft_count(app) == 0
    assert "我的草稿" not in client.get("/").get_data(as_text=True)


@pytest.mark.office
def test_an_invalid_issue_keeps_the_draft(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a refused issue leaves the draft and its id on the page."""
    draft_id = save(client, **typed_form())
    response = issue_via_form(
        client,
        "supervision_notice",
        {**typed_form(deadline="2026-03-01"), "draft_id": str(draft_id)},
    )
    assert response.status_code == 422
    assert f'name="draft_id" value="{draft_id}"' in response.get_data(as_text=True)
    assert draft_count(app) == 1
