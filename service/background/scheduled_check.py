"""The archive check on a schedule: a daemon thread that runs `wenshu archive verify` in a child process.

The child is started as check_child starts every check (apart from the web process, at a
lower priority, one at a time); it stores and records its result exactly as any check does
(trigger "schedule", by "system"), and the thread only waits for it and says in the log
what it found. When a check started from the archive page is under way, the thread waits
for that one instead: its result is the newest, and the next is due an interval after it.

A slice a day (part of the archive each day) was not chosen: a stored check would then
speak for files it never read that day, and the check's result, its counts and its audit
entry would no longer mean "the whole archive was found intact at this time".
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess

from service.background.check_child import CheckRunning, finish_check, running_check, start_check
from service.custody.checks import last_check
from service.database.models import utcnow
from service.foundations.periodic import Periodic
from service.services import Wenshu

FIRST_DELAY = dt.timedelta(minutes=10)  # after a start, when no check was ever run
WATCH_SECONDS = 5  # how often the thread looks whether another's check has ended
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
        settings = self.wenshu.settings
        try:
            child = start_check(settings, "system", "schedule")
        except CheckRunning:
            while running_check(settings) is not None and not self._stop.wait(WATCH_SECONDS):
                pass
            return  # its result is stored as the last check: the next is due after it
        self._child = child
        try:
            _out, err = child.communicate()
        finally:
            self._child = None
            finish_check(settings, child)
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
