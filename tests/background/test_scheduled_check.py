"""Tests of the scheduled archive check: it runs `wenshu archive verify` in a child process, never in the service's own."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import service.custody.checks
from service.acts.issuing import issue_document
from service.background import check_child, scheduled_check
from service.background.check_child import child_environment, running_check
from service.background.scheduled_check import ScheduledCheck
from service.background.startup import prepare_service
from service.custody.checks import last_check
from service.foundations.config import load_settings
from service.services import Wenshu
from tests.conftest import sample
from tests.fake_office import BlankPageOffice


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Wenshu]:
    """Services on a fresh instance whose archive is kept apart, converting to blank pages."""
    settings = load_settings(
        {"instance_path": tmp_path / "instance", "archive_folder": str(tmp_path / "kept")}
    )
    wenshu = Wenshu.open(settings, BlankPageOffice())
    prepare_service(wenshu)
    yield wenshu
    wenshu.database.dispose()


def test_scheduled_check_runs_in_a_child_process(
    services: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the scheduled check verifies the service's own archive in a child process and stores its result as the schedule's."""
    notice = issue_document(services, "supervision_notice", sample("supervision_notice"), "王文书")
    path = services.archive.root / notice.pdf_path
    path.write_bytes(path.read_bytes() + b"%")

    def in_this_process(*_args: object) -> None:
        raise AssertionError("the check ran inside the service's process")

    monkeypatch.setattr(service.custody.checks, "run_check", in_this_process)
    ScheduledCheck(services, dt.timedelta(hours=24)).work()
    stored = last_check(services)
    assert stored is not None
    assert (stored.trigger, stored.actor, stored.documents, stored.files) == (
        "schedule", "system", 1, 2,
    )  # fmt: skip
    assert [(p["kind"], p["number"]) for p in stored.problems] == [("changed", notice.number)]


def test_child_is_given_the_service_settings(services: Wenshu) -> None:
    """This test ensures that the child is told the service's instance, database and archive, whatever the environment says."""
    environment = child_environment(services.settings)
    settings = services.settings
    assert environment["WENSHU_INSTANCE"] == str(settings.instance_path)
    assert environment["WENSHU_DATABASE_URL"] == settings.resolved_database_url
    assert environment["WENSHU_ARCHIVE"] == str(settings.archive_path)
    assert environment["WENSHU_OFFICE_ADDRESSES"] == ""


def test_failed_child_is_an_error(services: Wenshu, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that a child that stored no check (exiting 1 as an uncaught error does) is an error the thread logs and retries."""
    failing = [sys.executable, "-c", "import sys; sys.exit('no database')"]
    monkeypatch.setattr(check_child, "verify_command", lambda *_: failing)
    with pytest.raises(RuntimeError, match="exited with status 1: no database"):
        ScheduledCheck(services, dt.timedelta(hours=24)).work()
    assert last_check(services) is None


def test_stopping_the_service_stops_a_check_under_way(
    services: Wenshu, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """This test ensures that stopping the scheduled thread ends the child it waits for, quietly, keeping no check."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(check_child, "verify_command", lambda *_: sleeper)
    monkeypatch.setattr(scheduled_check, "FIRST_DELAY", dt.timedelta(0))
    check = ScheduledCheck(services, dt.timedelta(hours=24))
    check.start()
    deadline = time.monotonic() + 30
    while check._child is None and time.monotonic() < deadline:
        time.sleep(0.05)
    child = check._child
    assert child is not None
    check.stop()
    assert child.wait(10) != 0  # ended by the stop, long before its minute
    assert not check._thread.is_alive()
    assert "failed" not in caplog.text
    assert last_check(services) is None


def test_schedule_waits_for_a_check_under_way(
    services: Wenshu, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the scheduled check starts no second child while another check runs, and returns once that one has ended."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(1.5)"]
    monkeypatch.setattr(check_child, "verify_command", lambda *_: sleeper)
    monkeypatch.setattr(scheduled_check, "WATCH_SECONDS", 0.1)
    other = check_child.check_in_background(services.settings, "admin", "web")
    started: list[object] = []
    monkeypatch.setattr(check_child.subprocess, "Popen", lambda *a, **k: started.append(a))
    ScheduledCheck(services, dt.timedelta(hours=24)).work()
    assert started == []  # waited for the other, started nothing
    assert other.wait(10) == 0
    assert running_check(services.settings) is None
