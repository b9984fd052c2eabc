"""A clock the tests move by hand, for the session idle limit and the login limits."""

from __future__ import annotations

import datetime as dt

from flask import Flask


class Clock:
    """The current UTC time as the app sees it, standing still until moved."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the time forward, e.g. advance(minutes=29)."""
        self.now += dt.timedelta(**delta)


def clocked(app: Flask) -> Clock:
    """Give the app a hand-moved clock and return it."""
    clock = Clock()
    app.extensions["clock"] = clock
    return clock
