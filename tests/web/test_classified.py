"""Tests of access by 密级: a classified document is shown only to the roles allowed to see it."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, update

from service.archive.access import may_see, visible_classifications
from service.archive.audit import AuditEvent
from service.archive.models import Document
from service.issuing import issue_document
from tests.conftest import sample, signed_in
from tests.web.test_api import bearer, token_for

KIND = "supervision_notice"


@pytest.fixture
def secret(app: Flask) -> Document:
    """A document issued and then marked 秘密 in its record."""
    services = app.extensions["wenshu"]
    document = issue_document(services, KIND, sample(KIND), "王文书")
    with services.database.session() as session:
        session.execute(
            update(Document).where(Document.id == document.id).values(classification="秘密")
        )
    return document


def paths(document: Document) -> list[str]:
    """Return every page and file of one document."""
    base = f"/documents/{document.id}"
    return [
        base,
        base + "/pdf",
        base + "/pages/1.png",
        f"/archive/documents/{document.id}",
        f"/documents/new/{KIND}?from={document.id}",
    ]


def test_default_policy() -> None:
    """This test ensures that 公开 and 内部 are for every role and higher 密级 for admins only,
    unless the bureau's policy says otherwise."""
    assert may_see("clerk", "公开", {}) and may_see("maintainer", "内部", {})
    assert not may_see("clerk", "秘密", {}) and may_see("admin", "绝密", {})
    assert not may_see("clerk", "未知密级", {})
    assert may_see("clerk", "秘密", {"classified_roles": {"秘密": ["clerk", "admin"]}})
    assert visible_classifications("admin", {}) is None
    assert visible_classifications("clerk", {}) == {"公开", "内部"}


def test_clerk_cannot_see_a_secret_document(app: Flask, secret: Document) -> None:
    """This test ensures that a clerk gets 404 for every page, file and image of a 秘密
    document, and that the register and home page do not list it."""
    clerk = signed_in(app, "clerk")
    for path in paths(secret):
        assert clerk.get(path).status_code == 404, path
    assert clerk.post(f"/documents/{secret.id}/void", data={"reason": "误发"}).status_code == 404
    assert secret.number not in clerk.get("/documents").get_data(as_text=True)
    assert secret.number not in clerk.get("/").get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        downloads = session.scalars(select(AuditEvent).where(AuditEvent.action == "download"))
        assert list(downloads) == []


def test_admin_sees_a_secret_document(app: Flask, secret: Document) -> None:
    """This test ensures that an administrator sees the 秘密 document, its PDF, its image
    and its place in the register, and that the download is in the audit log."""
    admin = signed_in(app, "admin")
    for path in paths(secret)[:4]:
        response = admin.get(path)
        response.close()  # a file response holds its file open until closed
        assert response.status_code == 200, path
    assert secret.number in admin.get("/documents").get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        downloads = session.scalars(select(AuditEvent).where(AuditEvent.action == "download"))
        assert [event.subject for event in downloads] == [secret.number]


def test_api_hides_a_secret_document_from_a_clerk(app: Flask, secret: Document) -> None:
    """This test ensures that the API answers a clerk's token 404, as for a document that does
    not exist, and an administrator's token the document and its PDF."""
    api = app.test_client()
    clerk, admin = bearer(token_for(app, "clerk")), bearer(token_for(app, "admin"))
    for path in (f"/api/documents/{secret.id}", f"/api/documents/{secret.id}/pdf"):
        hidden = api.get(path, headers=clerk)
        assert hidden.status_code == 404 and hidden.is_json, path
        shown = api.get(path, headers=admin)
        shown.close()
        assert shown.status_code == 200, path
