"""Tests of access by 密级: a classified document is shown only to the roles allowed to see it."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.acts.issuing import issue_document
from service.archive.access import may_see, visible_classifications
from service.archive.audit import AuditEvent
from service.background.check_child import running_check
from service.database.models import Document, DueItemRow
from tests.conftest import sample, signed_in
from tests.web.test_api import bearer, token_for

KIND = "supervision_notice"


def classify(app: Flask, document: Document, classification: str = "秘密") -> None:
    """Mark an issued document's record, and the due items it set, with a 密级, as issuing it
    with that 密级 would have."""
    with app.extensions["wenshu"].database.session() as session:
        session.execute(
            update(Document).where(Document.id == document.id).values(classification=classification)
        )
        session.execute(
            update(DueItemRow)
            .where(DueItemRow.document_id == document.id)
            .values(classification=classification)
        )


def issue_secret(app: Flask, kind: str = KIND, facts: dict[str, Any] | None = None) -> Document:
    """Return a document issued from the kind's sample facts and then marked 秘密."""
    document = issue_document(app.extensions["wenshu"], kind, facts or sample(kind), "王文书")
    classify(app, document)
    return document


@pytest.fixture
def secret(app: Flask) -> Document:
    """A supervision notice issued and then marked 秘密 in its record."""
    return issue_secret(app)


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


# The side doors: every other page that lists, counts or reports documents. The secret notice
# is 君档监通〔2026〕1号 to 岳阳市君山区钱粮湖镇人民政府, dated 2026-03-05, to be executed by
# 2026-04-10; its 复查 window ends 2026-03-16.
REVIEW_WINDOW_END = "2026-03-16"


def traces(document: Document) -> list[str]:
    """Return what would give a document away: its 文号, unit, dates and archived file."""
    dates = [document.document_date.isoformat(), *(str(v) for k, v in document.facts.items()
                                                    if k.endswith(("date", "deadline")))]  # fmt: skip
    return [document.number, document.recipient, document.pdf_path, *dates]


def text(client: FlaskClient, path: str) -> str:
    """Return the page at path, failing unless it answers 200."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def counts(page: str) -> dict[str, str]:
    """Return the counts of the last check as the archive page shows them."""
    pairs = re.findall(r"<dt>(文书|存档文件|审计记录)</dt><dd>([^<]*)</dd>", page)
    return dict(pairs)


def test_deadlines_and_home_page_count_without_a_secret_document(
    app: Flask, secret: Document
) -> None:
    """This test ensures that the deadlines page and the home page's due count leave out what a
    secret document makes due, for a clerk, and show it to an administrator."""
    app.config["TODAY"] = dt.date(2026, 3, 10)
    clerk, admin = signed_in(app, "clerk"), signed_in(app, "admin")
    hidden = text(clerk, "/deadlines")
    for trace in [secret.number, secret.recipient, REVIEW_WINDOW_END, secret.facts["deadline"]]:
        assert trace not in hidden, trace
    shown = text(admin, "/deadlines")
    for trace in [secret.number, secret.recipient, REVIEW_WINDOW_END, secret.facts["deadline"]]:
        assert trace in shown, trace
    assert "7 天内到期 0 项" in text(clerk, "/")
    assert "7 天内到期 1 项" in text(admin, "/")


def test_archive_page_shows_a_clerk_nothing_of_a_secret_document(
    app: Flask, secret: Document
) -> None:
    """This test ensures that the archive page's last check (problems, counts) and audit entries
    leave out a secret document for a clerk, a break in the chain at an entry about it being
    shown without naming it, while an administrator sees all."""
    services = app.extensions["wenshu"]
    public = issue_document(services, "enforcement_notice", sample("enforcement_notice"), "王文书")
    path = services.archive.absolute(secret.pdf_path)
    path.write_bytes(path.read_bytes() + b"\n")  # a fixity problem naming its 文号 and file
    with services.database.session() as session:  # an edited entry, named by its subject
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.subject == secret.number)
            .values(details={"kind": KIND, "edited": True})
        )
    admin = signed_in(app, "admin")
    admin.get(f"/documents/{secret.id}/pdf").close()  # a download entry naming its 文号
    assert admin.post("/archive/verify").status_code == 302
    deadline = time.monotonic() + 120  # the check runs in a child process
    while running_check(services.settings) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    clerk = signed_in(app, "clerk")

    seen = text(clerk, "/archive")
    for trace in traces(secret):
        assert trace not in seen, trace
    assert public.number in seen  # its issue entry
    assert "发现 1 个问题" in seen and "审计记录被改动、删除或调换了次序" in seen
    # Entries at the check: two issues, the admin's login, the download; two are the secret's.
    assert counts(seen) == {"文书": "1 份", "存档文件": "2 个", "审计记录": "2 条"}  # PDF and OFD

    everything = text(admin, "/archive")
    assert secret.number in everything and secret.pdf_path in everything
    assert "发现 2 个问题" in everything
    assert counts(everything) == {"文书": "2 份", "存档文件": "4 个", "审计记录": "4 条"}


def test_set_report_shows_a_clerk_nothing_of_a_secret_document(
    app: Flask, secret: Document
) -> None:
    """This test ensures that the 四性检测 set report, whole or by kind and year, neither lists a
    secret document for a clerk nor names it in its findings (its file is no stray), while an
    administrator's report has it."""
    services = app.extensions["wenshu"]
    public = issue_document(services, "enforcement_notice", sample("enforcement_notice"), "王文书")
    path = services.archive.absolute(secret.pdf_path)
    path.write_bytes(path.read_bytes() + b"\n")
    with services.database.session() as session:
        session.execute(
            update(AuditEvent).where(AuditEvent.subject == secret.number).values(details={})
        )
    clerk, admin = signed_in(app, "clerk"), signed_in(app, "admin")
    for query in ("", f"?kind={KIND}", "?year=2026", f"?kind={KIND}&year=2026"):
        report = text(clerk, "/archive/report" + query)
        for trace in traces(secret):
            assert trace not in report, (query, trace)
    whole = text(clerk, "/archive/report")
    assert public.number in whole and "共 1 份" in whole
    assert "存档中的文件都有登记" in whole  # the secret's file is recorded, not a stray
    assert "审计记录被改动、删除或调换了次序" in whole  # the break, unnamed
    assert "共 0 份" in text(clerk, f"/archive/report?kind={KIND}")
    full = text(admin, "/archive/report")
    assert secret.number in full and "共 2 份" in full and "文件被改动" not in whole


def test_years_offered_are_those_of_documents_the_reader_may_see(
    app: Flask, secret: Document
) -> None:
    """This test ensures that the archive page offers a clerk no year that only a secret document
    has, and offers it to an administrator."""
    option = '<option value="2026">'
    assert option not in text(signed_in(app, "clerk"), "/archive")
    assert option in text(signed_in(app, "admin"), "/archive")


@pytest.mark.parametrize(
    "query",
    [
        "number=〔2026〕1号",
        "number=君档监通",
        "recipient=钱粮湖镇",
        "text=行政执法案卷",
        "text=3家企业",
        "date_from=2026-03-05&date_to=2026-03-05",
        f"kind={KIND}",
        "status=issued",
        "kind=supervision_notice&status=issued&date_from=2026-01-01",
    ],
)
def test_register_filters_and_counts_leave_out_a_secret_document(
    app: Flask, secret: Document, query: str
) -> None:
    """This test ensures that no search of the register finds or counts a secret document for a
    clerk, by 文号, unit, text, date, kind or status, while an administrator's search does."""
    found = text(signed_in(app, "clerk"), f"/documents?{query}")
    assert "共 0 份文书" in found
    for trace in (secret.number, secret.recipient):
        assert trace not in found
    listed = text(signed_in(app, "admin"), f"/documents?{query}")
    assert "共 1 份文书" in listed and secret.number in listed


def test_audit_entries_about_a_secret_document_are_left_out_in_every_category(
    app: Flask, secret: Document
) -> None:
    """This test ensures that the audit listing, in every category, shows a clerk no entry about a
    secret document (its issue, its downloads) and shows them to an administrator."""
    admin = signed_in(app, "admin")
    admin.get(f"/documents/{secret.id}/pdf").close()
    clerk = signed_in(app, "clerk")
    for category in ("", "documents", "logins", "failed_logins", "archive", "templates", "x"):
        assert secret.number not in text(clerk, f"/archive?audit={category}"), category
    assert secret.number in text(admin, "/archive?audit=documents")
    assert secret.number in text(admin, "/archive")
