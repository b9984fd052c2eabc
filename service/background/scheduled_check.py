"""The archive check on a schedule: a daemon thread that runs `wenshu archive verify` in a child process.

The check reads every record and hashes every archived file: hours of disk reading and
hashing for a large archive. Run inside the web process, it would hold that work (and
whatever memory it needs) in the process that answers the bureau's pages, competing with
them for the interpreter. So the thread runs the very command an operator runs,
`python -m service.commands archive verify --as system`, in a child process at a lower
priority, handing it the service's instance, database, archive and templates through its
environment; the child stores and records its result exactly as any check does (trigger
"schedule", by "system"), and the thread only waits for it and says in the log what it found.

A slice a day (part of the archive each day) was not chosen: a stored check would then
speak for files it never read that day, and the check's result, its counts and its audit
entry would no longer mean "the whole archive was found intact at this time".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import subprocess
import sys

from service.custody.checks import last_check
from service.database.models import utcnow
from service.foundations.config import PROJECT_ROOT, Settings
from service.foundations.periodic import Periodic
from service.services import Wenshu

FIRST_DELAY = dt.timedelta(minutes=10)  # after a start, when no check was ever run
# The child runs at this lower priority, so that pages keep answering while it hashes.
NICENESS = 10
log = logging.getLogger(__name__)


class ScheduledCheck(Periodic):
    """A daemon thread running the check every interval, continuing from the last stored check."""

    def __init__(self, wenshu: Wenshu, interval: dt.timedelta) -> None:
        super().__init__("wenshu-archive-check", retry_after=600)
        self.wenshu = wenshu
        self.interval = interval
        self._child: subprocess.Popen[bytes] | None = None

    def next_due(self, now: dt.datetime) -> dt.datetime:
        """Return when the next check is due: an interval after the last, or soon after a start."""
        latest = last_check(self.wenshu)
        if latest is None:
            return now + FIRST_DELAY
        return max(latest.finished_at + self.interval, now + dt.timedelta(seconds=30))

    def wait_seconds(self) -> float:
        """Return the seconds until the next check is due."""
        return (self.next_due(utcnow()) - utcnow()).total_seconds()

    def work(self) -> None:
        """Run the check in a child process and wait for it; say so in the log when it found problems.

        Raises RuntimeError when the child stored no check (it could not open the database,
        say, or was stopped): the thread logs it and tries again later.
        """
        before = last_check(self.wenshu)
        child = subprocess.Popen(
            verify_command(), env=child_environment(self.wenshu.settings),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._child = child
        # Should the child have ended already, or the system refuse, it runs at our priority.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, child.pid, NICENESS)
        try:
            _out, err = child.communicate()
        finally:
            self._child = None
        if self._stop.is_set():
            return  # stopped with the service: the check was cut short and is not kept
        stored = last_check(self.wenshu)
        # An uncaught error ends Python with status 1 too: a new stored check tells them apart.
        if stored is None or (before is not None and stored.id == before.id):
            said = err.decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(
                f"archive check exited with status {child.returncode}: {' | '.join(said)}"
            )
        if stored.problems:
            log.warning("archive check found %d problems", len(stored.problems))

    def stop(self) -> None:
        """Stop a check under way (its result is not kept), then the thread."""
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
        super().stop()


def verify_command() -> list[str]:
    """Return the command line of the scheduled check: `wenshu archive verify` as the system."""
    return [
        sys.executable, "-m", "service.commands", "archive", "verify",
        "--as", "system", "--trigger", "schedule",
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
