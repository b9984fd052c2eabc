"""Background work on a schedule: a daemon thread that waits, works, and repeats until stopped."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Periodic:
    """Waits as long as wait_seconds says, runs work, repeats; an error is logged and waited out.

    Subclasses say what to do (work) and when (wait_seconds); runs counts the attempts so far.
    """

    def __init__(self, name: str, retry_after: float = 0.0) -> None:
        self.name = name
        self.retry_after = (
            retry_after  # seconds to wait after a failed attempt, before waiting again
        )
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def wait_seconds(self) -> float:
        """Return how long to wait before the next run."""
        raise NotImplementedError

    def work(self) -> None:
        """Do one run's work."""
        raise NotImplementedError

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        """Wait, work, repeat until stopped; never let an error end the thread."""
        while True:
            try:
                if self._stop.wait(max(self.wait_seconds(), 0)):
                    return
                self.runs += 1
                self.work()
            except Exception:
                log.exception("%s failed", self.name)
                if self._stop.wait(self.retry_after):
                    return


class Every(Periodic):
    """Runs work at once, then every interval seconds."""

    def __init__(self, name: str, interval: float) -> None:
        super().__init__(name)
        self.interval = interval

    def wait_seconds(self) -> float:
        """Return nothing before the first run, then the interval."""
        return 0.0 if self.runs == 0 else self.interval
