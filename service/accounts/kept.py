"""Forms posted after their session ended, kept an hour for the same user signing in again in that browser.

The browser gets a random token for each kept form and the server keeps only the token's
SHA-256, so that the table hands nothing to whoever reads it. A kept form is given back once,
to the user whose form it was, on the page it came from; another user signing in with the
token only discards it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.database.models import KeptSubmission, User

KEEP_FOR = dt.timedelta(hours=1)
# Far above any form typed by hand (a 行政处罚决定书 at every field's limit is some 40 KB),
# and with MOST_PER_USER it bounds what one user's browsers can leave on the server.
MOST_BYTES = 2 * 1024 * 1024
MOST_PER_USER = 5


class TooLargeToKeep(ValueError):
    """The typed fields exceed MOST_BYTES; nothing was kept."""


@dataclass(frozen=True)
class KeptForm:
    """A kept form: its route, the page that shows it again, and its fields as posted."""

    endpoint: str
    return_to: str
    fields: list[tuple[str, str]]
    files_dropped: bool


def _digest(token: str) -> str:
    """Return the SHA-256 under which a token is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def keep_form(
    session: Session,
    user_id: int,
    endpoint: str,
    return_to: str,
    fields: Iterable[tuple[str, str]],
    files_dropped: bool,
    now: dt.datetime,
) -> str | None:
    """Keep a posted form of an active user and return its token; None for an unknown or disabled user.

    Raise TooLargeToKeep when the fields exceed MOST_BYTES. Only the user's MOST_PER_USER
    newest kept forms stay.
    """
    rows = [[str(name), str(value)] for name, value in fields]
    if len(json.dumps(rows, ensure_ascii=False).encode()) > MOST_BYTES:
        raise TooLargeToKeep(f"填写的内容超过{MOST_BYTES // (1024 * 1024)} MB")
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        KeptSubmission(
            token_sha256=_digest(token), user_id=user_id, endpoint=endpoint,
            return_to=return_to, fields=rows, files_dropped=files_dropped, created_at=now,
        )
    )  # fmt: skip
    session.flush()
    newest = (
        select(KeptSubmission.id)
        .where(KeptSubmission.user_id == user_id)
        .order_by(KeptSubmission.created_at.desc(), KeptSubmission.id.desc())
        .limit(MOST_PER_USER)
    )
    session.execute(
        delete(KeptSubmission).where(
            KeptSubmission.user_id == user_id,
            KeptSubmission.id.not_in(list(session.scalars(newest))),
        )
    )
    return token


def _live_row(session: Session, token: str, now: dt.datetime) -> KeptSubmission | None:
    """Return the kept form a token names, unless it has expired (then it goes)."""
    row = session.scalar(
        select(KeptSubmission).where(KeptSubmission.token_sha256 == _digest(token))
    )
    if row is not None and now - row.created_at >= KEEP_FOR:
        session.delete(row)
        return None
    return row


def _as_kept(row: KeptSubmission) -> KeptForm:
    """Return the kept form a row holds."""
    fields = [(str(name), str(value)) for name, value in row.fields]
    return KeptForm(row.endpoint, row.return_to, fields, row.files_dropped)


def claim_kept_form(
    session: Session, token: str, user_id: int, now: dt.datetime
) -> KeptForm | None:
    """Return the kept form a token names if it is this user's and still kept; it stays to be taken.

    Another user's kept form is discarded: whoever signs in next in that browser never sees it.
    """
    row = _live_row(session, token, now)
    if row is None:
        return None
    if row.user_id != user_id:
        session.delete(row)
        return None
    return _as_kept(row)


def take_kept_form(
    session: Session, token: str, user_id: int, return_to: str, now: dt.datetime
) -> KeptForm | None:
    """Return and forget the user's kept form if it belongs on the page return_to; else None.

    A form kept for another page stays for that page.
    """
    row = _live_row(session, token, now)
    if row is None or row.user_id != user_id or row.return_to != return_to:
        return None
    session.delete(row)
    return _as_kept(row)


def discard_kept_form(session: Session, token: str) -> None:
    """Forget a kept form, e.g. one whose user may no longer use its route."""
    session.execute(delete(KeptSubmission).where(KeptSubmission.token_sha256 == _digest(token)))


def discard_replaced(
    session: Session, tokens: list[str], endpoints: frozenset[str], return_to: str
) -> list[str]:
    """Forget the kept forms among tokens posted to one of endpoints for the page return_to.

    Returns the tokens left: a later post of that page holds all that those held.
    """
    digests = {_digest(token): token for token in tokens}
    replaced = session.scalars(
        select(KeptSubmission.token_sha256).where(
            KeptSubmission.token_sha256.in_(list(digests)),
            KeptSubmission.endpoint.in_(list(endpoints)),
            KeptSubmission.return_to == return_to,
        )
    ).all()
    if replaced:
        session.execute(
            delete(KeptSubmission).where(KeptSubmission.token_sha256.in_(list(replaced)))
        )
    gone = {digests[digest] for digest in replaced}
    return [token for token in tokens if token not in gone]


def is_kept(session: Session, token: str, now: dt.datetime) -> bool:
    """Return whether a token still names a kept form."""
    return _live_row(session, token, now) is not None


def forget_expired_forms(session: Session, now: dt.datetime) -> int:
    """Remove kept forms older than KEEP_FOR; return how many."""
    result = session.execute(
        delete(KeptSubmission).where(KeptSubmission.created_at <= now - KEEP_FOR)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
