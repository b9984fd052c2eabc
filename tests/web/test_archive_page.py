"""Tests of the archive page: roles, the check on demand, 四性检测 reports, audit entries, the schedule, print."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

import service.custody.checks
from service import create_app
from service.accounts.users import create_token
from service.acts.issuing import issue_document
from service.background import check_child
from service.background.check_child import running_check
from service.database.models import AuditEvent, Document
from service.render.office.pool import OfficePool
from tests.conftest import CHROMIUM, FLAGS, PASSWORD, add_user, sample, signed_in

pytestmark = pytest.mark.office


def issue(app: Flask, kind: str = "supervision_notice") -> Document:
    """Issue one document of a kind with its sample facts."""
    return issue_document(app.extensions["wenshu"], kind, sample(kind), "王文书")


def entries(app: Flask) -> list[tuple[str, str, str]]:
    """Return the audit chain's entries as (action, actor, subject)."""
    with app.extensions["wenshu"].database.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.actor, e.subject) for e in rows]


def checked(app: Flask, admin: FlaskClient) -> str:
    """Ask for a check as admin, wait for its child process to end, and return the archive page."""
    said = admin.post("/archive/verify", follow_redirects=True).get_data(as_text=True)
    assert "检测已开始，在后台进行" in said
    settings = app.extensions["wenshu"].settings
    deadline = time.monotonic() + 120
    while running_check(settings) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running_check(settings) is None, "the check did not end in two minutes"
    return admin.get("/archive").get_data(as_text=True)


def test_clerks_and_administrators_only(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that clerks and administrators see the page and its link; maintainers do not."""
    document = issue(app)
    paths = ["/archive", "/archive/report", f"/archive/documents/{document.id}"]
    for role in ("clerk", "admin"):
        client = signed_in(app, role)
        for path in paths:
            assert client.get(path).status_code == 200, (role, path)
        assert 'href="/archive">档案检测</a>' in client.get("/").get_data(as_text=True)
        page = client.get(f"/documents/{document.id}").get_data(as_text=True)
        assert f'href="/archive/documents/{document.id}">四性检测</a>' in page
    maintainer = signed_in(app, "maintainer")
    for path in paths:
        assert maintainer.get(path).status_code == 403, path
    assert "档案检测" not in maintainer.get("/").get_data(as_text=True)
    for path in paths:
        assert anonymous.get(path).headers["Location"].startswith("/login")


def test_only_an_administrator_runs_the_check(app: Flask) -> None:
    """This test ensures that an administrator can run the check now and a clerk cannot."""
    issue(app)
    clerk = signed_in(app, "clerk")
    assert "还没有检测过" in clerk.get("/archive").get_data(as_text=True)
    assert "立即检测" not in clerk.get("/archive").get_data(as_text=True)
    assert clerk.post("/archive/verify").status_code == 403
    admin = signed_in(app, "admin")
    page = checked(app, admin)
    assert "全部正常" in page and "<dd>1 份</dd>" in page
    assert "网页上手动检测" in page
    assert "全部正常" in clerk.get("/archive").get_data(as_text=True)  # the last result, for all


def test_problems_are_shown_by_number_and_path(app: Flask) -> None:
    """This test ensures that the page lists a changed file by 文号 and path after a check."""
    document = issue(app)
    path = app.extensions["wenshu"].archive.absolute(document.pdf_path)
    path.write_bytes(path.read_bytes() + b"\n")
    admin = signed_in(app, "admin")
    page = checked(app, admin)
    assert "发现 1 个问题" in page
    assert "文件被改动" in page
    assert document.number in page and document.pdf_path in page
    assert "SHA-256、SM3、大小与登记不符" in page


def test_check_runs_apart_from_the_web_process_one_at_a_time(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that 立即检测 runs the check in a child process, that a second request while it runs starts none, and that the page says one is under way."""
    issue(app)

    def in_this_process(*_args: object) -> None:
        raise AssertionError("the check ran inside the web process")

    monkeypatch.setattr(service.custody.checks, "run_check", in_this_process)
    settings = app.extensions["wenshu"].settings
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(check_child, "verify_command", lambda *_: sleeper)
    admin = signed_in(app, "admin")
    admin.post("/archive/verify")
    running = running_check(settings)
    assert running is not None and running.actor.startswith("admin") and running.trigger == "web"
    again = admin.post("/archive/verify", follow_redirects=True).get_data(as_text=True)
    assert "已有一次检测正在进行" in again
    assert running_check(settings) == running  # no second child
    assert "检测进行中：" in again and "网页上手动检测" in again
    assert "立即检测</button>" not in again
    os.kill(running.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while running_check(settings) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running_check(settings) is None
    assert not check_child.marker_path(settings).exists()  # cleared by the thread that waited
    assert "立即检测</button>" in admin.get("/archive").get_data(as_text=True)


def test_marker_of_an_ended_check_is_stale(app: Flask) -> None:
    """This test ensures that a marker left by a check whose process is gone (a killed service) neither blocks a check nor shows one under way."""
    issue(app)
    settings = app.extensions["wenshu"].settings
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    check_child.marker_path(settings).write_text(json.dumps({
        "pid": ended.pid, "actor": "admin", "trigger": "web", "started_at": "2026-01-01T00:00:00+00:00",
    }), encoding="utf-8")  # fmt: skip
    assert running_check(settings) is None
    admin = signed_in(app, "admin")
    assert "检测进行中" not in admin.get("/archive").get_data(as_text=True)
    assert "全部正常" in checked(app, admin)


def test_set_report_with_filters(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the set report filters by kind and year and refuses bad filters."""
    notice = issue(app)
    other = issue(app, "enforcement_notice")
    page = client.get("/archive/report?kind=supervision_notice&year=2026").get_data(as_text=True)
    assert notice.number in page and other.number not in page
    assert "执法监督通知（决定）书，2026年，共 1 份" in page
    assert "真实性 1/1" in page
    whole = client.get("/archive/report").get_data(as_text=True)
    assert notice.number in whole and other.number in whole
    assert "无登记外文件" in whole
    assert client.get("/archive/report?kind=nope").status_code == 404
    assert client.get("/archive/report?year=twenty").status_code == 400
    assert "没有符合条件的文书" in client.get("/archive/report?year=2020").get_data(as_text=True)


def test_document_report(app: Flask, client: FlaskClient) -> None:
    """This test ensures that one document's report shows the four properties and their checks."""
    document = issue(app)
    page = client.get(f"/archive/documents/{document.id}").get_data(as_text=True)
    for name in ("真实性", "完整性", "可用性", "安全性", "固化信息", "PDF/A-2b", "无 JavaScript"):
        assert name in page
    assert "✗" not in page
    assert client.get("/archive/documents/999").status_code == 404


def test_sign_in_and_downloads_are_recorded(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that sign-in, a failed sign-in and PDF downloads (web and API) are recorded."""
    document = issue(app)
    add_user(app, "王文书", "clerk")
    anonymous.post("/login", data={"username": "王文书", "password": "wrong-password"})
    anonymous.post("/login", data={"username": "王文书", "password": PASSWORD})
    with anonymous.get(f"/documents/{document.id}/pdf") as pdf:
        assert pdf.status_code == 200
    with app.extensions["wenshu"].database.session() as session:
        token = create_token(session, "王文书")
    api = app.test_client()
    with api.get(
        f"/api/documents/{document.id}/pdf", headers={"Authorization": f"Bearer {token}"}
    ) as pdf:
        assert pdf.status_code == 200
    assert entries(app) == [
        ("issue", "王文书", document.number),
        ("login_failed", "王文书", "王文书"),
        ("login", "王文书", "王文书"),
        ("download", "王文书", document.number),
        ("download", "王文书", document.number),
    ]
    with app.extensions["wenshu"].database.session() as session:
        vias = [e.details.get("via") for e in session.scalars(select(AuditEvent))]
    assert vias[-2:] == ["web", "api"]
    page = signed_in(app, "admin").get("/archive").get_data(as_text=True)
    assert "登录失败" in page and "下载 PDF" in page


def test_schedule_starts_only_outside_tests(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that the background check starts with the service, not in tests or at 0 hours."""
    base = {"converter": office_pool}
    testing = create_app({**base, "TESTING": True, "instance_path": tmp_path / "a"})
    disabled = create_app({**base, "instance_path": tmp_path / "b", "verify_interval_hours": 0})
    served = create_app({**base, "instance_path": tmp_path / "c", "verify_interval_hours": 6})
    try:
        assert "archive_check" not in testing.extensions
        assert "archive_check" not in disabled.extensions
        check = served.extensions["archive_check"]
        assert check.interval.total_seconds() == 6 * 3600
        assert check._thread.is_alive()
    finally:
        served.extensions["archive_check"].stop()
        for each in (testing, disabled, served):
            each.extensions["wenshu"].database.dispose()


@pytest.fixture
def served(tmp_path: Path, office_pool: OfficePool) -> Iterator[tuple[str, Flask]]:
    """The app on a loopback port with an administrator 档案管理员 and two documents."""
    app = create_app(
        {"instance_path": tmp_path / "instance", "converter": office_pool,
         "verify_interval_hours": 0}
    )  # fmt: skip
    add_user(app, "档案管理员", "admin")
    issue(app)
    issue(app, "enforcement_notice")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", app
    server.shutdown()
    app.extensions["wenshu"].database.dispose()


def test_pages_in_a_browser_and_in_print(served: tuple[str, Flask], tmp_path: Path) -> None:
    """This test ensures that an administrator runs the check in Chromium and the report prints cleanly."""
    url, _app = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="zh-CN"
        ).new_page()
        page.goto(url + "/login")
        page.fill("input[name=username]", "档案管理员")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/")
        page.click("text=档案检测")
        with page.expect_navigation():
            page.click('button:has-text("立即检测")')
        assert "检测已开始，在后台进行" in page.inner_text("main")
        deadline = time.monotonic() + 120
        while "检测进行中" in page.inner_text(".check-summary") and time.monotonic() < deadline:
            page.screenshot(path=str(tmp_path / "archive-running.png"), full_page=True)
            time.sleep(0.5)
            with page.expect_navigation():
                page.click('.check-summary a:has-text("刷新")')
        assert "全部正常" in page.inner_text(".check-summary")
        page.screenshot(path=str(tmp_path / "archive.png"), full_page=True)
        page.select_option("#kind", "supervision_notice")
        page.click("text=检测并生成报告")
        page.wait_for_url("**/archive/report?*")
        assert "真实性 1/1" in page.inner_text("main")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.click("table.four a")
        assert "电子文件四性检测报告" in page.inner_text("h1")
        page.emulate_media(media="print")
        assert not page.is_visible(".bar")
        assert not page.is_visible("text=打印报告")
        page.screenshot(path=str(tmp_path / "document-print.png"), full_page=True)
        page.pdf(path=str(tmp_path / "document-report.pdf"), format="A4")
        browser.close()
