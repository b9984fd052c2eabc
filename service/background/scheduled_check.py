"""The archive check on a schedule: a daemon thread that runs it every interval."""

from __future__ import annotations

import datetime as dt
import logging

from service.custody.checks import last_check, run_check
from service.database.models import utcnow
from service.foundations.periodic import Periodic
from service.services import Wenshu

FIRST_DELAY = dt.timedelta(minutes=10)  # after a start, when no check was ever run
log = logging.getLogger(__name__)


class ScheduledCheck(Periodic):
    """A daemon thread running the check every interval, continuing from the last stored check."""

    def __init__(self, wenshu: Wenshu, interval: dt.timedelta) -> None:
        super().__init__("wenshu-archive-check", retry_after=600)
        self.wenshu = wenshu
        self.interval = interval

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
        """Run the check and keep it; say so in the log when it found problems."""
        result = run_check(self.wenshu, "system", "schedule")
        if not result.ok:
            log.warning("archive check found %d problems", len(result.problems))
