"""Signing in, below the web layer: sessions kept on the server, failed attempts counted, forms kept."""

from __future__ import annotations

import datetime as dt

from service.accounts.kept import forget_expired_forms
from service.accounts.sessions import forget_idle_sessions
from service.accounts.throttle import forget_quiet_limits
from service.database.engine import Database


def forget_stale_sign_ins(database: Database, now: dt.datetime, idle: dt.timedelta) -> None:
    """Remove sessions idle past their end, failure counts untouched for a day, expired kept forms."""
    with database.session() as session:
        forget_idle_sessions(session, now, idle)
        forget_quiet_limits(session, now)
        forget_expired_forms(session, now)
