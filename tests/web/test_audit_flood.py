"""Tests of the archive page's audit entries after a flood of failed logins by anyone at all."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from service.acts.issuing import issue_document
from service.archive.audit import record_event, verify_chain
from tests.conftest import sample, signed_in

FLOOD = 10_000


def audit_rows(page: str) -> list[str]:
    """Return the rows of the audit table on the archive page, as text without tags."""
    table = page.split('id="audit-title"', 1)[1]
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", table, re.S)
    return [re.sub(r"<[^>]+>", " ", row) for row in rows]


@pytest.mark.slow  # ten thousand chained audit entries: ten seconds, too long for make check
def test_real_entries_stay_in_view_after_ten_thousand_failed_logins(app: Flask) -> None:
    """This test ensures that after 10,000 failed logins for unknown users the archive page still
    lists the issue, the download and the sign-in before them, summarises the failed logins with
    their count and the newest, lists them on asking, and that the chain still verifies."""
    services = app.extensions["wenshu"]
    admin = signed_in(app, "admin")
    document = issue_document(
        services, "supervision_notice", sample("supervision_notice"), "王文书"
    )
    admin.get(f"/documents/{document.id}/pdf").close()
    wrong = app.test_client().post("/login", data={"username": "nobody", "password": "x" * 10})
    assert wrong.status_code == 401  # the sign-in page records it as anyone's would be
    for start in range(0, FLOOD - 1, 250):  # short transactions, as separate requests make
        with services.database.session() as session:
            for n in range(start, min(start + 250, FLOOD - 1)):
                address = f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
                record_event(session, "login_failed", f"猜测{n}", f"猜测{n}", {"address": address})

    page = admin.get("/archive").get_data(as_text=True)
    rows = audit_rows(page)
    assert [row for row in rows if "登录失败" in row] == []
    assert any("下载 PDF" in row and document.number in row for row in rows)
    assert any("发文" in row and document.number in row for row in rows)
    assert any("登录" in row and "admin-" in row for row in rows)
    assert (
        f"共 {FLOOD:,} 条" in page
    )  # counts written as the locale writes them and f"用户名“猜测{FLOOD - 2}”" in page

    failed = audit_rows(admin.get("/archive?audit=failed_logins").get_data(as_text=True))
    assert len(failed) == 20 and all("登录失败" in row for row in failed)
    assert f"猜测{FLOOD - 2}" in failed[0]
    documents = audit_rows(admin.get("/archive?audit=documents").get_data(as_text=True))
    assert len(documents) == 2 and all(document.number in row for row in documents)
    with services.database.session() as session:
        assert verify_chain(session) == []


def test_a_failed_login_name_cannot_reorder_the_archive_page(app: Flask) -> None:
    """This test ensures that a typed user name with bidi controls is shown with them as escapes."""
    typed = "admin\u202e1nimda\u2066"
    wrong = app.test_client().post("/login", data={"username": typed, "password": "x" * 10})
    assert wrong.status_code == 401
    admin = signed_in(app, "admin")
    for query in ("", "?audit=failed_logins"):
        page = admin.get("/archive" + query).get_data(as_text=True)
        assert "\u202e" not in page and "\u2066" not in page
        assert "admin\\u202e1nimda\\u2066" in page
