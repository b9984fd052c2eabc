"""Trying a LibreOffice conversion again: a private folder per attempt, a deadline, dead workers told apart."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from service.foundations.config import Settings

if TYPE_CHECKING:
    from service.render.office.process import OfficeWorker

# A worker that does not answer "info" within this many seconds is taken for dead; a live one
# answers in milliseconds even on a busy machine, since the caller holds it and it is idle.
HEALTH_PROBE_TIMEOUT = 5.0
# Pauses between attempts on workers that answer but keep failing, so a stubborn fault does
# not turn into a busy loop until the deadline; the first retry goes at once.
RETRY_PAUSES = (0.0, 0.25, 0.5, 1.0, 2.0)

# A conversion during which this many workers died stops there: three deaths in the seconds
# one document takes are the document crashing LibreOffice, and trying on until the deadline
# would take every worker down, one after the other, for everyone.
DEATHS_PER_CONVERSION = 3

# The worker's words for a document LibreOffice cannot read (unoserver's, which uno_worker.py
# keeps); any other fault (a UNO RuntimeException or DisposedException from a dying soffice)
# is not the document's.
INPUT_FAULTS = ("Could not load document", "does not exist", "There is no")


class OfficeError(RuntimeError):
    """Raised when LibreOffice could not convert a document: the document's fault, or none of the
    attempts until the conversion's deadline succeeded."""


class OutputUnusable(OfficeError):
    """Raised when the folder of the requested PDF cannot take an attempt's output or its result."""


class NothingWritten(Exception):
    """Raised when a worker reported success but left no complete PDF: the attempt failed."""


def conversion_deadline(settings: Settings) -> float:
    """Return the seconds one conversion may take, attempts and waits for a worker included.

    Enough for an attempt to hang until its timeout, its worker to be started again, and the
    conversion to run once more; a worker that is only busy frees up well within that.
    """
    return 2 * settings.office_timeout + settings.office_start_timeout


def retry_pause(failures: int) -> float:
    """Return the pause before the next attempt after failures attempts on answering workers."""
    return RETRY_PAUSES[min(failures, len(RETRY_PAUSES)) - 1] if failures else 0.0


def blames_document(error: BaseException) -> bool:
    """Return whether a failed attempt's error blames the document rather than the worker."""
    return isinstance(error, xmlrpc.client.Fault) and any(
        words in str(error.faultString) for words in INPUT_FAULTS
    )


def describe_failure(error: BaseException) -> str:
    """Return the first line of a failed attempt's error, short enough for a message or a log."""
    if isinstance(error, xmlrpc.client.Fault):
        text = str(error.faultString).strip()
    else:
        text = f"{type(error).__name__}: {error}".strip() if str(error).strip() else ""
    first = text.splitlines()[0] if text else type(error).__name__
    return first if len(first) <= 160 else first[:157] + "…"


def worker_died(worker: OfficeWorker, error: BaseException) -> bool:
    """Return whether the worker of a failed attempt is dead and must be started again.

    Dead is: its process exited, it does not answer a short health probe, or the attempt
    passed its timeout (the worker then kills its soffice and exits, and a hung one never
    comes back by itself). A worker that answers failed only this attempt and goes on serving.
    """
    if isinstance(error, TimeoutError):  # our socket timed out: the conversion hung
        return True
    if isinstance(error, xmlrpc.client.Fault) and "TimeoutError" in str(error.faultString):
        return True
    return not worker.healthy(timeout=HEALTH_PROBE_TIMEOUT)


@contextlib.contextmanager
def private_output(pdf_path: Path) -> Iterator[Path]:
    """Yield the path one attempt writes to, in a fresh folder of its own beside pdf_path.

    A soffice killed while writing leaves a .~lock file and a lu*.tmp part beside its output,
    and another soffice then refuses to write that path; so no attempt writes beside the
    target. When the block ends without error, a complete PDF is moved onto pdf_path in one
    atomic step (same folder, same file system); the folder and whatever a dying soffice left
    in it are removed in every case. Raises NothingWritten when the result is missing, empty
    or cut short, and OutputUnusable when pdf_path's folder cannot hold the attempt.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=".office-", dir=pdf_path.parent))
    except OSError as error:
        raise OutputUnusable(_unusable(pdf_path, error)) from error
    try:
        produced = folder / pdf_path.name
        yield produced
        if not complete_pdf(produced):
            raise NothingWritten(f"no complete PDF was written for {pdf_path.name}")
        try:
            os.replace(produced, pdf_path)
        except OSError as error:
            raise OutputUnusable(_unusable(pdf_path, error)) from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def complete_pdf(path: Path) -> bool:
    """Return whether path holds a whole PDF: not empty, and ending in its %%EOF marker."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 1024))
            return size > 0 and b"%%EOF" in handle.read()
    except OSError:
        return False


def _unusable(pdf_path: Path, error: OSError) -> str:
    """Return the message for a target folder that cannot take a conversion's result."""
    return (
        f"转换结果无法写入 {pdf_path.parent}（{error.strerror or error}）；"
        "请检查该文件夹是否存在、可写且磁盘尚有空间"
    )
