"""Tests of the retry rules of the LibreOffice pool: private attempt folders, blame, death."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path

import pytest

from service.foundations.config import load_settings
from service.render.office.retry import (
    NothingWritten,
    OutputUnusable,
    blames_document,
    conversion_deadline,
    describe_failure,
    private_output,
    worker_died,
)

WHOLE_PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def attempt_folders(folder: Path) -> list[str]:
    """Return the names of attempt folders left in folder."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".office-")]


def test_a_whole_result_replaces_the_target_and_the_attempt_leaves_nothing(tmp_path: Path) -> None:
    """This test ensures that a complete PDF is moved onto the target, replacing a partial file
    there, and that the lock file and part a soffice wrote beside it go with the attempt folder."""
    target = tmp_path / "notice.pdf"
    target.write_bytes(b"%PDF-1.7\n partial")
    with private_output(target) as produced:
        assert produced.parent.parent == tmp_path and produced.name == "notice.pdf"
        (produced.parent / ".~lock.notice.pdf#").write_text(",wenshu,host,01.01.2026 00:00,;")
        (produced.parent / "lu1234abcd.tmp").write_bytes(b"%PDF")
        produced.write_bytes(WHOLE_PDF)
    assert target.read_bytes() == WHOLE_PDF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notice.pdf"]


def test_each_attempt_gets_a_folder_of_its_own(tmp_path: Path) -> None:
    """This test ensures that two attempts at the same target, even at once, never share a folder."""
    target = tmp_path / "notice.pdf"
    with private_output(target) as first, private_output(target) as second:
        assert first.parent != second.parent
        first.write_bytes(WHOLE_PDF)
        second.write_bytes(WHOLE_PDF)
    assert attempt_folders(tmp_path) == []


@pytest.mark.parametrize(
    "written",
    [None, b"", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", b"%%EOF\n" + b"x" * 2048],
    ids=["nothing", "empty", "cut-short", "marker-not-at-the-end"],
)
def test_an_incomplete_result_never_reaches_the_target(
    tmp_path: Path, written: bytes | None
) -> None:
    """This test ensures that a missing, empty or cut-short result fails the attempt, leaves the
    target's earlier content alone, and removes the attempt folder."""
    target = tmp_path / "notice.pdf"
    target.write_bytes(b"earlier")
    with pytest.raises(NothingWritten), private_output(target) as produced:
        if written is not None:
            produced.write_bytes(written)
    assert target.read_bytes() == b"earlier"
    assert attempt_folders(tmp_path) == []


def test_a_failed_attempt_removes_its_folder_and_passes_its_error_on(tmp_path: Path) -> None:
    """This test ensures that an attempt that raises (its soffice died) leaves nothing behind,
    the target untouched, and its error unchanged for the pool to judge."""
    target = tmp_path / "notice.pdf"
    with pytest.raises(ConnectionResetError), private_output(target) as produced:
        produced.write_bytes(b"%PDF-1.7\n half")
        (produced.parent / ".~lock.notice.pdf#").write_text("lock")
        raise ConnectionResetError("soffice died")
    assert not target.exists()
    assert attempt_folders(tmp_path) == []


def test_a_target_folder_that_is_missing_is_a_clear_error(tmp_path: Path) -> None:
    """This test ensures that a target in a folder that does not exist fails at once with a
    Chinese message naming the folder, before any worker writes."""
    missing = tmp_path / "gone"
    with pytest.raises(OutputUnusable, match="gone") as raised, private_output(missing / "a.pdf"):
        pytest.fail("the attempt must not start")
    assert "请检查该文件夹是否存在" in str(raised.value)


def test_a_target_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    """This test ensures that a result that cannot be moved onto its target (a folder of that
    name) fails with OutputUnusable and leaves no attempt folder."""
    target = tmp_path / "notice.pdf"
    target.mkdir()
    (target / "inside").write_text("kept")
    with pytest.raises(OutputUnusable), private_output(target) as produced:
        produced.write_bytes(WHOLE_PDF)
    assert (target / "inside").read_text() == "kept"
    assert attempt_folders(tmp_path) == []


@pytest.mark.parametrize(
    ("error", "blamed"),
    [
        (xmlrpc.client.Fault(1, "<class 'RuntimeError'>:Could not load document x.docx"), True),
        (xmlrpc.client.Fault(1, "<class 'RuntimeError'>:Path /tmp/x.docx does not exist."), True),
        (xmlrpc.client.Fault(1, "There is no 'x' import filter."), True),
        (
            xmlrpc.client.Fault(
                1, "<class 'uno.com.sun.star.uno.RuntimeException'>:Couldn't convert"
            ),
            False,
        ),
        (xmlrpc.client.Fault(1, "<class 'uno.com.sun.star.lang.DisposedException'>:"), False),
        (ConnectionRefusedError("Could not load document"), False),
        (NothingWritten("no complete PDF was written"), False),
    ],
)
def test_only_a_fault_that_names_the_document_blames_it(error: Exception, blamed: bool) -> None:
    """This test ensures that only the worker's own words for an unreadable document blame the
    document; a dying soffice's faults and connection errors, whatever their text, do not."""
    assert blames_document(error) is blamed


class AnsweringWorker:
    """A worker that answers every health probe, and counts them."""

    def __init__(self) -> None:
        self.probes = 0

    def healthy(self, timeout: float = 5) -> bool:
        """Answer yes."""
        self.probes += 1
        return True


@pytest.mark.parametrize(
    "error",
    [TimeoutError("timed out"), xmlrpc.client.Fault(1, "<class 'TimeoutError'>:")],
    ids=["our-socket", "worker-conversion-timeout"],
)
def test_an_attempt_past_its_timeout_counts_as_dead_even_if_the_worker_answers(
    error: Exception,
) -> None:
    """This test ensures that a worker whose conversion hung past its timeout is taken for dead
    without asking it, since a hung soffice does not come back by itself."""
    worker = AnsweringWorker()
    assert worker_died(worker, error) is True  # type: ignore[arg-type]
    assert worker.probes == 0


def test_a_worker_that_answers_after_another_failure_lives() -> None:
    """This test ensures that a failure other than a timeout is judged by a health probe."""
    worker = AnsweringWorker()
    assert worker_died(worker, NothingWritten("none")) is False  # type: ignore[arg-type]
    assert worker.probes == 1


def test_the_deadline_leaves_room_for_a_hang_a_restart_and_another_attempt(tmp_path: Path) -> None:
    """This test ensures that a conversion's deadline follows the settings: two attempts'
    timeouts and one worker start."""
    settings = load_settings(
        {"instance_path": tmp_path, "office_timeout": 7, "office_start_timeout": 30}
    )
    assert conversion_deadline(settings) == 2 * 7 + 30


@pytest.mark.parametrize(
    ("error", "described"),
    [
        (
            xmlrpc.client.Fault(1, "<class 'RuntimeError'>:Could not load\nTraceback …"),
            "<class 'RuntimeError'>:Could not load",
        ),
        (
            ConnectionRefusedError(111, "Connection refused"),
            "ConnectionRefusedError: [Errno 111] Connection refused",
        ),
        (NothingWritten(""), "NothingWritten"),
        (xmlrpc.client.Fault(1, ""), "Fault"),
        (xmlrpc.client.Fault(1, "x" * 500), "x" * 157 + "…"),
    ],
    ids=["fault-first-line", "connection", "no-text", "empty-fault", "long"],
)
def test_a_failure_is_told_in_one_short_line(error: Exception, described: str) -> None:
    """This test ensures that an attempt's error reaches messages and logs as its first line,
    at most 160 characters, never as a multi-line pyuno traceback."""
    assert describe_failure(error) == described
