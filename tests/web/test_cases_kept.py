"""Tests of the case forms that outlive their session: the 立案审批表 and the extension come back as typed."""

from __future__ import annotations

from flask import Flask

from service.database.models import Case, Submission
from tests.conftest import sample
from tests.web.clock import clocked
from tests.web.test_cases import approved_case, count, posted, with_directory
from tests.web.test_kept_submissions import (
    RESTORED,
    TIMED_OUT_KEPT,
    FormFields,
    login_page_after,
    opened,
    post_late,
    sign_in,
    signed_in_as,
)


def test_a_case_opening_posted_late_comes_back_as_typed(app: Flask) -> None:
    """This test ensures that a 立案审批表 posted after the idle limit opens nothing and comes back filled after signing in."""
    clock = clocked(app)
    with_directory(app)
    client = signed_in_as(app)
    page = opened(client, "/cases/new")
    typed = posted(sample("case_opening") | {"cause": "未按规定<移交>档案案"})
    clock.advance(minutes=31)
    response = post_late(client, "/cases/new", page, typed)
    assert TIMED_OUT_KEPT in login_page_after(client, response)
    assert count(app, Case) == 0
    assert sign_in(client).headers["Location"] == "/cases/new"
    shown = client.get("/cases/new").get_data(as_text=True)
    assert RESTORED in shown
    assert FormFields(shown).values["cause"] == ["未按规定<移交>档案案"]
    assert FormFields(shown).values["officers-1-name"] == ["彭丽君"]


def test_an_extension_posted_late_comes_back_in_its_form(app: Flask) -> None:
    """This test ensures that an extension request posted after the idle limit requests nothing and comes back in the open form."""
    clock = clocked(app)
    client = signed_in_as(app)
    case_id = approved_case(app, client)
    url = f"/cases/{case_id}"
    page = opened(client, url)
    clock.advance(minutes=31)
    response = post_late(client, f"{url}/extension", page, {"days": "30", "reason": "调取外地证据"})
    assert TIMED_OUT_KEPT in login_page_after(client, response)
    assert sign_in(client).headers["Location"] == url
    shown = client.get(url).get_data(as_text=True)
    assert RESTORED in shown and '<details class="extension" id="extension" open>' in shown
    assert FormFields(shown).values["days"] == ["30"]
    assert FormFields(shown).values["reason"] == ["调取外地证据"]
    assert count(app, Submission) == 1  # the approved 立案审批表 only
