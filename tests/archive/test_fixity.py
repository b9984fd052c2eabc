"""Tests of fixity verification: changed, missing and extra files, leftovers, the verify command, the schedule."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from service.archive.fixity import verify_archive
from service.background import scheduled_check
from service.background.scheduled_check import ScheduledCheck
from service.commands.cli import main
from service.custody.checks import last_check, run_check
from service.database.models import ArchiveCheck, AuditEvent, Document
from service.services import Wenshu
from tests.archive.conftest import flip_byte

pytestmark = pytest.mark.office


def test_intact_archive_verifies(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that freshly issued documents verify with no problem and no leftover."""
    report = verify_archive(wenshu.database, wenshu.archive)
    assert report.ok
    assert (report.documents, report.files) == (3, 6)  # a PDF and an OFD each
    assert report.problems == report.leftovers == []


def test_changed_byte_is_reported_by_number_and_path(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that one changed byte is reported with the document's 文号 and path."""
    flip_byte(wenshu, notices[1])
    report = verify_archive(wenshu.database, wenshu.archive)
    assert not report.ok
    [problem] = report.problems
    assert (problem.kind, problem.number, problem.path) == (
        "changed", "君档监通〔2026〕2号", notices[1].pdf_path,
    )  # fmt: skip
    assert problem.message == "SHA-256、SM3与登记不符"


def test_missing_file_is_reported(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a deleted file is reported as missing, by 文号 and path."""
    wenshu.archive.absolute(notices[0].pdf_path).unlink()
    [problem] = verify_archive(wenshu.database, wenshu.archive).problems
    assert (problem.kind, problem.number, problem.path) == (
        "missing", "君档监通〔2026〕1号", notices[0].pdf_path,
    )  # fmt: skip


def test_extra_file_is_reported(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a file under pdf/ no record refers to is reported, with its path."""
    extra = wenshu.archive.root / "pdf" / "00" / "00" / "planted.pdf"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(b"%PDF-1.7\n")
    report = verify_archive(wenshu.database, wenshu.archive)
    [problem] = report.problems
    assert (problem.kind, problem.number, problem.path) == ("extra", "", "pdf/00/00/planted.pdf")
    assert report.files == 7


def test_incoming_leftovers_are_reported_apart(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that temporary files in .incoming/ are listed apart and are no problem."""
    leftover = wenshu.archive.root / ".incoming" / "tmpabc.part"
    leftover.write_bytes(b"half a pdf")
    report = verify_archive(wenshu.database, wenshu.archive)
    assert report.ok
    assert [(p.kind, p.path) for p in report.leftovers] == [("leftover", ".incoming/tmpabc.part")]


def test_verify_command_exit_status_and_lines(
    wenshu: Wenshu, notices: list[Document], cli: CliRunner
) -> None:
    """This test ensures that verify exits 0 when all is well and 1 with one line per problem."""
    ok = cli.invoke(main, ["archive", "verify"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("ok: 3 份文书的文件与登记一致")
    flip_byte(wenshu, notices[0])
    wenshu.archive.absolute(notices[2].pdf_path).unlink()
    bad = cli.invoke(main, ["archive", "verify"])
    assert bad.exit_code == 1
    lines = bad.output.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["changed", "君档监通〔2026〕1号", notices[0].pdf_path],
        ["missing", "君档监通〔2026〕3号", notices[2].pdf_path],
    ]


def test_verify_command_json(wenshu: Wenshu, notices: list[Document], cli: CliRunner) -> None:
    """This test ensures that verify --json gives counts, the chain head and each problem."""
    (wenshu.archive.root / ".incoming" / "x.part").write_bytes(b"")
    flip_byte(wenshu, notices[2])
    result = cli.invoke(main, ["archive", "verify", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert (report["documents"], report["files"]) == (3, 6)
    assert report["audit_events"] == 3  # the three issues; this check is recorded after
    assert len(report["chain_head"]) == 64
    assert report["problems"] == [
        {"kind": "changed", "number": "君档监通〔2026〕3号", "path": notices[2].pdf_path,
         "message": "SHA-256、SM3与登记不符"},
    ]  # fmt: skip
    assert [leftover["path"] for leftover in report["leftovers"]] == [".incoming/x.part"]


def test_verify_reports_a_broken_chain(
    wenshu: Wenshu, notices: list[Document], cli: CliRunner
) -> None:
    """This test ensures that verify exits 1 when an audit entry was edited, naming the entry."""
    with wenshu.database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor = '李四' WHERE id = 2"))
    result = cli.invoke(main, ["archive", "verify"])
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    kind, number, path, message = line.split("\t")
    assert (kind, number, path) == ("chain", "-", "audit_events/2")
    assert "记录被改动" in message


def test_check_is_stored_and_recorded(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that a check keeps its result as the latest and records itself in the chain."""
    flip_byte(wenshu, notices[0])
    result = run_check(wenshu, "管理员", "web")
    stored = last_check(wenshu)
    assert stored is not None
    assert (stored.trigger, stored.actor, stored.documents, stored.files) == ("web", "管理员", 3, 6)
    assert stored.problems == [problem.to_json() for problem in result.problems]
    with wenshu.database.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.actor, event.subject) == ("verify", "管理员", "archive")
        assert event.details["problems"] == 1


def test_scheduled_check_runs_in_the_background(
    wenshu: Wenshu, notices: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the scheduled thread runs a check and stores it, then waits an interval."""
    monkeypatch.setattr(scheduled_check, "FIRST_DELAY", dt.timedelta(0))
    scheduled = ScheduledCheck(wenshu, dt.timedelta(hours=24))
    scheduled.start()
    try:
        deadline = time.monotonic() + 30
        while last_check(wenshu) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        scheduled.stop()
    stored = last_check(wenshu)
    assert stored is not None
    assert (stored.trigger, stored.actor, stored.problems) == ("schedule", "system", [])
    # Due an interval after the stored check, reckoned from its own time, not the wall clock.
    finished = stored.finished_at
    assert scheduled.next_due(finished) == finished + dt.timedelta(hours=24)
    later = finished + dt.timedelta(hours=23)
    assert scheduled.next_due(later) == finished + dt.timedelta(hours=24)
    with wenshu.database.session() as session:
        assert len(session.scalars(select(ArchiveCheck)).all()) == 1
