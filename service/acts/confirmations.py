"""A review's confirmation is taken once: a second post of the same review issues nothing more."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from service.database.engine import Database
from service.database.models import ReviewConfirmation, utcnow

# A confirmation is remembered well past the review token's own life (two hours), then pruned.
KEPT_FOR = dt.timedelta(days=1)


def _key(token: str) -> str:
    """Return the SHA-256 of a review token: the token itself is never stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def claim_review(database: Database, token: str, user_id: int) -> str | None:
    """Take a review's confirmation; return None when it is taken now, else what became of it.

    What became of an earlier confirmation is the page its issuing led to, or "" while that
    issuing is still under way. Two posts of one review racing each other cannot both win:
    the token's digest is the table's key.
    """
    key = _key(token)
    try:
        with database.session() as session:
            session.execute(
                delete(ReviewConfirmation).where(
                    ReviewConfirmation.confirmed_at < utcnow() - KEPT_FOR
                )
            )
            session.add(ReviewConfirmation(token_sha256=key, user_id=user_id, outcome=""))
    except IntegrityError:
        with database.session() as session:
            earlier = session.get(ReviewConfirmation, key)
            return earlier.outcome if earlier is not None else ""
    return None


def settle_review(database: Database, token: str, outcome: str) -> None:
    """Record the page a confirmed review's issuing led to."""
    with database.session() as session:
        session.execute(
            update(ReviewConfirmation)
            .where(ReviewConfirmation.token_sha256 == _key(token))
            .values(outcome=outcome[:255])
        )


def release_review(database: Database, token: str) -> None:
    """Give a review back after its issuing failed, so that the clerk may confirm it again."""
    with database.session() as session:
        session.execute(
            delete(ReviewConfirmation).where(ReviewConfirmation.token_sha256 == _key(token))
        )
