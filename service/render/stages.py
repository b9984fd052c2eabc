"""Time spent in each stage of one document's way to the archive, for benchmarks; nothing by default."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager

# The stages a single document passes through, in order, as bench/single.py prints them.
STAGES = (
    "facts", "fill", "fit", "convert", "metadata", "seal", "sign", "ofd", "archive", "database",
)  # fmt: skip

_NOTHING: AbstractContextManager[None] = contextlib.nullcontext()


class StageTimer:
    """Sums the wall-clock seconds spent in each named stage: `with timer.stage("convert"): …`.

    A stage entered several times (a conversion repeated to fit the pages) is summed. Not
    meant to be shared between threads: one timer for one document at a time.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        """Add the time spent inside the block to the stage's total."""
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.seconds[name] = self.seconds.get(name, 0.0) + elapsed

    def stage(self, name: str) -> AbstractContextManager[None]:
        """Return a context manager timing one passage through the named stage."""
        return self._timed(name)


class _NoTimer(StageTimer):
    """The timer of every render nobody measures: each stage costs one method call."""

    def stage(self, name: str) -> AbstractContextManager[None]:
        """Return a context manager that does nothing."""
        return _NOTHING


NO_TIMER: StageTimer = _NoTimer()
