"""Tests that pages show times and take default dates in the bureau's zone, whatever the server's."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app
from service.acts.issuing import issue_document
from tests.conftest import sample, signed_in
from tests.fake_office import BlankPageOffice
from tests.web.clock import clocked

# 16:30 UTC on 5 March is 00:30 on 6 March in Beijing: a server in UTC is still on the 5th.
NEAR_MIDNIGHT = dt.datetime(2026, 3, 5, 16, 30, tzinfo=dt.UTC)


@pytest.fixture
def server_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test in a process whose own time zone is UTC, as many servers' is."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def zoned_app(tmp_path: Path, prepared_instance: Path, zone: str) -> Flask:
    """Return an app on a copy of the prepared instance, in the bureau's zone given."""
    shutil.copytree(prepared_instance, tmp_path / zone.replace("/", "-"))
    return create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "instance_path": tmp_path / zone.replace("/", "-"),
            "converter": BlankPageOffice(),
            "timezone": zone,
        }
    )


@pytest.mark.usefixtures("server_in_utc")
def test_a_blank_form_is_dated_the_bureaus_today(app: Flask) -> None:
    """This test ensures that a blank form and the deadlines page take the bureau's date near midnight."""
    clock = clocked(app)
    clock.now = NEAR_MIDNIGHT
    client = signed_in(app, "clerk")
    form = client.get("/documents/new/supervision_notice").get_data(as_text=True)
    assert 'value="2026-03-06"' in form
    assert 'value="2026-03-05"' not in form
    deadlines = client.get("/deadlines").get_data(as_text=True)
    assert "截至 2026-03-06" in deadlines


@pytest.mark.usefixtures("server_in_utc")
def test_times_on_pages_are_in_the_configured_zone(tmp_path: Path, prepared_instance: Path) -> None:
    """This test ensures that a document's times are shown in the configured zone, with no UTC ones."""
    shown = {}
    for zone in ("Asia/Shanghai", "UTC"):
        app = zoned_app(tmp_path, prepared_instance, zone)
        document = issue_document(
            app.extensions["wenshu"], "supervision_notice", sample("supervision_notice"), "王文书"
        )
        issued_at = document.issued_at
        page = signed_in(app, "clerk").get(f"/documents/{document.id}").get_data(as_text=True)
        assert "UTC" not in page
        found = re.search(r"<th>生成时间</th><td>([^<]+)</td>", page)
        assert found is not None
        shown[zone] = found.group(1)
        app.extensions["wenshu"].database.dispose()
        expected = issued_at.astimezone(dt.timezone(dt.timedelta(hours=8 if zone != "UTC" else 0)))
        assert shown[zone] == expected.strftime("%Y-%m-%d %H:%M:%S")
