"""Tests of a review's confirmation: taken once, even by two posts at the same instant."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import update

from service.acts.confirmations import claim_review, release_review, settle_review
from service.database.engine import Database
from service.database.models import ReviewConfirmation


def test_a_review_is_claimed_once_then_leads_where_it_led(database: Database) -> None:
    """This test ensures that a second claim gets "" while issuing runs, then the page it led to."""
    assert claim_review(database, "token-a", 1) is None
    assert claim_review(database, "token-a", 1) == ""
    settle_review(database, "token-a", "/documents/7")
    assert claim_review(database, "token-a", 1) == "/documents/7"
    assert claim_review(database, "token-b", 1) is None  # another review is its own


def test_a_released_review_may_be_confirmed_again(database: Database) -> None:
    """This test ensures that a review whose issuing failed is given back."""
    assert claim_review(database, "token-a", 1) is None
    release_review(database, "token-a")
    assert claim_review(database, "token-a", 1) is None


def test_the_token_itself_is_not_stored_and_old_claims_are_pruned(database: Database) -> None:
    """This test ensures that only a digest is kept, and claims older than a day are forgotten."""
    claim_review(database, "token-a", 1)
    with database.session() as session:
        (kept,) = session.query(ReviewConfirmation).all()
        assert kept.token_sha256 != "token-a" and len(kept.token_sha256) == 64
        session.execute(
            update(ReviewConfirmation).values(
                confirmed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
            )
        )
    claim_review(database, "token-b", 1)
    with database.session() as session:
        assert session.query(ReviewConfirmation).count() == 1


def test_two_posts_at_the_same_instant_take_one_claim(database: Database) -> None:
    """This test ensures that of many confirmations racing each other exactly one wins."""
    start = threading.Barrier(6)
    answers: list[str | None] = []

    def confirm() -> None:
        start.wait()
        answers.append(claim_review(database, "token-race", 1))

    threads = [threading.Thread(target=confirm) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(None) == 1 and answers.count("") == 5
