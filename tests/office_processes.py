"""A LibreOffice worker's soffice processes, found and killed reliably by the tests that crash them."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Collection, Sequence
from pathlib import Path

import pytest

from service.render.office.process import OfficeWorker

# Far longer than a worker needs to start (soffice takes seconds) even on a loaded machine;
# only there to keep a broken test from hanging.
PATIENCE = 180.0


def alive(pid: int) -> bool:
    """Return whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def soffice_pids(worker: OfficeWorker) -> list[int]:
    """Return the live soffice processes of a worker's process group right now."""
    found = []
    for pid in worker.pids():
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:  # it ended between the listing and this read
            continue
        if name.startswith("soffice") and alive(pid):
            found.append(pid)
    return found


def wait_for_soffice(worker: OfficeWorker, other_than: Collection[int] = ()) -> list[int]:
    """Return the worker's soffice processes once it runs one (none of other_than) and answers.

    A worker that is being restarted has no soffice yet, or one that does not answer; killing
    then would kill nothing, or a process the pool is about to replace anyway.
    """
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        pids = [pid for pid in soffice_pids(worker) if pid not in other_than]
        if pids and worker.healthy():
            return pids
        time.sleep(0.05)
    pytest.fail(f"{worker.name} ran no answering LibreOffice within {PATIENCE:.0f} s")


def kill_soffice(worker: OfficeWorker) -> list[int]:
    """Kill -9 the soffice of a running, answering worker; return the pids killed."""
    pids = wait_for_soffice(worker)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


def writing_into(
    workers: Sequence[OfficeWorker], folder: Path, other_than: Collection[int] = ()
) -> tuple[OfficeWorker, list[int]]:
    """Return the worker whose soffice is writing a file under folder, and its soffice pids.

    Writing means: it has a file there open (its lu*.tmp part) and has taken the output's
    .~lock file beside it, the state a kill leaves behind. soffice is in it only while it
    exports, so this finds the worker in the middle of writing, whichever one the pool chose.
    Processes in other_than (killed a moment ago, perhaps not yet gone) are not counted.
    """
    inside = str(folder.resolve()) + os.sep
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        for worker in workers:
            pids = [pid for pid in soffice_pids(worker) if pid not in other_than]
            if any(_locked(directory) for pid in pids for directory in _writing(pid, inside)):
                return worker, pids
        time.sleep(0.005)
    pytest.fail(f"no LibreOffice started writing into {folder} within {PATIENCE:.0f} s")


def _writing(pid: int, prefix: str) -> set[Path]:
    """Return the folders in which a process has files open whose paths start with prefix."""
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return set()
    folders = set()
    for descriptor in descriptors:
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{descriptor}")
            if target.startswith(prefix):
                folders.add(Path(target).parent)
    return folders


def _locked(directory: Path) -> bool:
    """Return whether a folder holds a LibreOffice .~lock file."""
    with contextlib.suppress(OSError):
        return any(name.startswith(".~lock.") for name in os.listdir(directory))
    return False
