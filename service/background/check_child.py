"""The archive check in a child process: `wenshu archive verify`, one at a time per instance.

The check reads every record and hashes every archived file: hours of disk reading and
hashing for a large archive. Run inside the web process, it would hold that work (and
whatever memory it needs) in the process that answers the bureau's pages, competing with
them for the interpreter. So the schedule and the archive page's 立即检测 both run the
very command an operator runs, `python -m service.commands archive verify`, in a child
process at a lower priority, handing it the service's instance, database, archive and
templates through its environment; the child stores and records its result exactly as any
check does.

One check runs at a time: the parent that starts a child writes `<instance>/archive-check.json`
(the child's pid, who asked, how, when) before anything else may start one, and removes it
once the child has ended. A marker whose process is gone (the service was killed) is stale
and replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from service.foundations.config import PROJECT_ROOT, Settings

MARKER = "archive-check.json"
# The child runs at this lower priority, so that pages keep answering while it hashes.
NICENESS = 10
log = logging.getLogger(__name__)
_starting = threading.Lock()  # two requests of one process: the marker is made under it


class CheckRunning(RuntimeError):
    """A check is already under way on this instance."""

    def __init__(self, running: RunningCheck) -> None:
        super().__init__(f"archive check under way since {running.started_at:%H:%M:%S}")
        self.running = running


@dataclass(frozen=True)
class RunningCheck:
    """A check under way: its child's pid, who asked for it, how, and when it started (UTC)."""

    pid: int
    actor: str
    trigger: str
    started_at: dt.datetime


def verify_command(actor: str, trigger: str) -> list[str]:
    """Return the command line of a check run for actor, recorded with its trigger."""
    return [
        sys.executable, "-m", "service.commands", "archive", "verify",
        "--as", actor, "--trigger", trigger,
    ]  # fmt: skip


def child_environment(settings: Settings) -> dict[str, str]:
    """Return the environment that gives the child the service's own instance, database and files.

    Settings the service was given in code (not in wenshu.toml or the environment) reach the
    child this way; the child reads the instance's wenshu.toml itself. It never converts a
    document, so it is given no LibreOffice workers.
    """
    environment = dict(os.environ)
    source = str(PROJECT_ROOT)
    path = environment.get("PYTHONPATH", "")
    environment["PYTHONPATH"] = f"{source}{os.pathsep}{path}" if path else source
    environment.update(
        WENSHU_INSTANCE=str(settings.instance_path),
        WENSHU_DATABASE_URL=settings.resolved_database_url,
        WENSHU_ARCHIVE=str(settings.archive_path),
        WENSHU_TEMPLATES=str(settings.templates_path),
        WENSHU_TIMEZONE=settings.timezone,
        WENSHU_OFFICE_ADDRESSES="",
    )
    return environment


def marker_path(settings: Settings) -> Path:
    """Return the file that says a check is under way on the instance."""
    return settings.instance_path / MARKER


def running_check(settings: Settings) -> RunningCheck | None:
    """Return the check under way on the instance, or None (no marker, or its process is gone)."""
    try:
        data = json.loads(marker_path(settings).read_text(encoding="utf-8"))
        running = RunningCheck(
            pid=int(data["pid"]), actor=str(data["actor"]), trigger=str(data["trigger"]),
            started_at=dt.datetime.fromisoformat(data["started_at"]),
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return running if _alive(running.pid) else None


def _alive(pid: int) -> bool:
    """Return whether pid is a process that has not ended (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def start_check(settings: Settings, actor: str, trigger: str) -> subprocess.Popen[bytes]:
    """Start a check for actor in a child process, marked as under way; return the child.

    Raises CheckRunning when one is under way already. The caller waits for the child
    (communicate or wait) and then calls finish_check.
    """
    marker = marker_path(settings)
    with _starting:
        running = running_check(settings)
        if running is not None:
            raise CheckRunning(running)
        child = subprocess.Popen(
            verify_command(actor, trigger), env=child_environment(settings),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        # Should the child have ended already, or the system refuse, it runs at our priority.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, child.pid, NICENESS)
        started = dt.datetime.now(dt.UTC).isoformat()
        record = {"pid": child.pid, "actor": actor, "trigger": trigger, "started_at": started}
        marker.parent.mkdir(parents=True, exist_ok=True)
        partial = marker.with_suffix(".part")
        partial.write_text(json.dumps(record), encoding="utf-8")
        partial.replace(marker)
    return child


def finish_check(settings: Settings, child: subprocess.Popen[bytes]) -> None:
    """Remove the marker of an ended child (one a later check wrote is left alone)."""
    with _starting:
        running = running_check(settings)
        if running is None or running.pid == child.pid:
            marker_path(settings).unlink(missing_ok=True)


def check_in_background(settings: Settings, actor: str, trigger: str) -> subprocess.Popen[bytes]:
    """Start a check and return at once; a daemon thread waits for it and clears its marker.

    Raises CheckRunning when one is under way already.
    """
    child = start_check(settings, actor, trigger)

    def wait() -> None:
        _out, err = child.communicate()
        finish_check(settings, child)
        if child.returncode not in (0, 1):  # 1: the check ran and found problems
            said = err.decode(errors="replace").strip().splitlines()[-3:]
            log.error("archive check exited with status %s: %s", child.returncode, " | ".join(said))

    threading.Thread(target=wait, name="wenshu-archive-check-now", daemon=True).start()
    return child
