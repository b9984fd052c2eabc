"""Tests that no page shows a link its reader is refused: every link of every page, for each role."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.accounts.users import ISSUE, list_users
from service.acts.approving import return_submission
from service.acts.drafts import save_draft
from service.acts.issuing import issue_document
from service.acts.opening import open_approved_case, open_case
from service.archive.voiding import void_document
from service.web.formdata import facts_as_formdata
from tests.casework import approval, with_directory
from tests.conftest import PASSWORD, add_user, sample

ROLES = ("clerk", "head", "maintainer", "admin")
LIMIT = 400  # pages a walk visits at most: one of each kind of address is enough


def archive_with_work(app: Flask, walker: str) -> None:
    """Fill the archive as a working bureau's: documents, one voided, an open case, one waiting,
    reports overdue; and the walker's own draft and returned submission where the role issues.
    """
    wenshu = app.extensions["wenshu"]
    with_directory(wenshu)
    for kind in ("supervision_notice", "audit_summary", "correction_order", "annual_report"):
        issue_document(wenshu, kind, sample(kind), "李卫东")
    voided = issue_document(wenshu, "enforcement_notice", sample("enforcement_notice"), "李卫东")
    with wenshu.database.session() as session:
        void_document(session, voided.id, "改正期限写错", "李卫东")
    open_approved_case(wenshu, sample("case_opening"), "李卫东", approval())
    open_case(wenshu, sample("case_opening"), "李卫东")  # a second case, waiting for the head
    user_id, role = signed_account(app, walker)
    if role in ISSUE:
        _, returned = open_case(wenshu, sample("case_opening"), walker)
        return_submission(wenshu, returned.id, "刘建平", "请补充案件来源")
        with wenshu.database.session() as session:
            facts = facts_as_formdata(sample("supervision_notice"))
            save_draft(session, user_id, "supervision_notice", facts.items(multi=True))


def signed_account(app: Flask, username: str) -> tuple[int, str]:
    """Return a user's id and role."""
    with app.extensions["wenshu"].database.session() as session:
        user = next(user for user in list_users(session) if user.username == username)
        return user.id, user.role


def shape(url: str) -> str:
    """Return the address without its language: the page in English links as the page does."""
    parts = urlsplit(url)
    query = "&".join(pair for pair in parts.query.split("&") if not pair.startswith("lang="))
    return f"{parts.path}?{query}"


def links(page: str) -> list[str]:
    """Return the site's own addresses a page links to or loads (links, images, scripts, styles)."""
    found = re.findall(r'<(?:a|link)\b[^>]*\bhref="([^"#]*)', page)
    found += re.findall(r'<(?:img|script)\b[^>]*\bsrc="([^"]*)', page)
    return [unescape(url) for url in found if url.startswith("/") and not url.startswith("//")]


def walk(client: FlaskClient) -> dict[str, tuple[int, str]]:
    """Follow every link from the home page; return each address visited with its status and referrer."""
    seen: dict[str, tuple[int, str]] = {}
    shapes: set[str] = set()
    queue = deque([("/", "")])
    while queue and len(seen) < LIMIT:
        url, referrer = queue.popleft()
        if url in seen or shape(url) in shapes:
            continue
        shapes.add(shape(url))
        response = client.get(url)
        seen[url] = (response.status_code, referrer)
        if response.status_code == 200 and response.mimetype == "text/html":
            queue.extend((link, url) for link in links(response.get_data(as_text=True)))
        response.close()
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_to_a_page_its_reader_is_refused(app: Flask, role: str) -> None:
    """This test ensures that for each role every link of every page reached answers without 403, 404 or 500."""
    add_user(app, f"{role}-walker", role)
    archive_with_work(app, f"{role}-walker")
    app.config["TODAY"] = dt.date(2026, 11, 20)  # the year's reports overdue, a case running
    client = app.test_client()
    response = client.post("/login", data={"username": f"{role}-walker", "password": PASSWORD})
    assert response.status_code == 302
    visited = walk(client)
    # No 403 (a link to a page the role may not see), and no 404 or 500 either.
    refused = {url: seen for url, seen in visited.items() if seen[0] >= 400}
    assert refused == {}
    assert len(visited) > 8  # the walk went beyond the home page
