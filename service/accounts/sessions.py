"""Browser sessions kept on the server: opened at sign-in, ended by signing out, idling or disabling."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.database.models import LoginSession

# last_seen_at is written at most this often, so that a page and its images cost one write,
# not one each; a session may therefore end up to this much before its idle limit, never after.
RENEW_AFTER = dt.timedelta(minutes=1)


class SessionState(enum.Enum):
    """What a browser's session key stands for now."""

    ACTIVE = "active"
    TIMED_OUT = "timed_out"
    ENDED = "ended"  # signed out, disabled, or never opened here


def _digest(key: str) -> str:
    """Return the SHA-256 under which a session key is kept."""
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(session: Session, user_id: int, now: dt.datetime) -> str:
    """Record a new signed-in session of the user and return its key, for the browser's cookie."""
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(key_sha256=_digest(key), user_id=user_id, created_at=now,
                             last_seen_at=now))  # fmt: skip
    return key


def resume_session(
    session: Session, key: str, user_id: int, now: dt.datetime, idle: dt.timedelta
) -> SessionState:
    """Return whether the key is a live session of the user, renewing it; a timed-out one ends."""
    row = session.scalar(select(LoginSession).where(LoginSession.key_sha256 == _digest(key)))
    if row is None or row.user_id != user_id:
        return SessionState.ENDED
    if now - row.last_seen_at >= idle:
        session.delete(row)
        return SessionState.TIMED_OUT
    if now - row.last_seen_at >= RENEW_AFTER:
        row.last_seen_at = now
    return SessionState.ACTIVE


def end_session(session: Session, key: str) -> None:
    """End one session: its cookie, wherever copied, no longer signs anybody in."""
    session.execute(delete(LoginSession).where(LoginSession.key_sha256 == _digest(key)))


def end_user_sessions(session: Session, user_id: int) -> None:
    """End every session of a user (disabled, or a new password)."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))


def forget_idle_sessions(session: Session, now: dt.datetime, idle: dt.timedelta) -> int:
    """Remove the records of sessions idle past their limit; return how many."""
    result = session.execute(delete(LoginSession).where(LoginSession.last_seen_at <= now - idle))
    return int(result.rowcount)  # type: ignore[attr-defined]
