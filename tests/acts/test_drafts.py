"""Tests of drafts: saved as typed, replaced on saving again, listed and loaded only for their owner."""

from __future__ import annotations

import datetime as dt

import pytest

from service.accounts.users import create_user
from service.acts.drafts import DraftSummary, delete_draft, list_drafts, load_draft, save_draft
from service.database.engine import Database

TYPED = [
    ("inspected_body", "岳阳市君山区钱粮湖镇人民政府"),
    ("deadline", "2026-02-30"),  # not a date: a draft keeps it as typed
    ("officers-0-name", "李明"),
    ("officers-1-name", "张华"),
]


@pytest.fixture
def clerks(database: Database) -> tuple[int, int]:
    """The ids of two clerks."""
    with database.session() as session:
        first = create_user(session, "王文书", "correct-horse-9", "clerk")
        second = create_user(session, "赵文书", "correct-horse-9", "clerk")
    return first.id, second.id


def test_saved_exactly_as_typed(database: Database, clerks: tuple[int, int]) -> None:
    """This test ensures that a draft keeps every field as typed, repeated and invalid ones included."""
    clerk, _ = clerks
    with database.session() as session:
        draft_id = save_draft(session, clerk, "supervision_notice", TYPED)
    with database.session() as session:
        draft = load_draft(session, clerk, draft_id)
        assert draft is not None
        assert draft.kind == "supervision_notice"
        assert [tuple(pair) for pair in draft.fields] == TYPED


def test_saving_again_replaces_the_draft(database: Database, clerks: tuple[int, int]) -> None:
    """This test ensures that saving with the draft's id updates it instead of adding another."""
    clerk, _ = clerks
    with database.session() as session:
        draft_id = save_draft(session, clerk, "supervision_notice", TYPED)
        first_saved = list_drafts(session, clerk)[0].updated_at
    with database.session() as session:
        again = save_draft(session, clerk, "supervision_notice", [("facts", "补充")], draft_id)
    assert again == draft_id
    with database.session() as session:
        drafts = list_drafts(session, clerk)
        draft = load_draft(session, clerk, draft_id)
        assert draft is not None and draft.fields == [["facts", "补充"]]
    assert [d.id for d in drafts] == [draft_id]
    assert drafts[0].updated_at >= first_saved


def test_only_the_owner_sees_a_draft(database: Database, clerks: tuple[int, int]) -> None:
    """This test ensures that another clerk can neither list, load, overwrite nor delete a draft."""
    clerk, other = clerks
    with database.session() as session:
        draft_id = save_draft(session, clerk, "supervision_notice", TYPED)
    with database.session() as session:
        assert list_drafts(session, other) == []
        assert load_draft(session, other, draft_id) is None
        assert delete_draft(session, other, draft_id) is False
        # Saving with someone else's id starts a draft of one's own.
        own = save_draft(session, other, "supervision_notice", [("facts", "x")], draft_id)
    assert own != draft_id
    with database.session() as session:
        draft = load_draft(session, clerk, draft_id)
        assert draft is not None and [tuple(pair) for pair in draft.fields] == TYPED


def test_listing_newest_first_with_title_and_recipient(
    database: Database, clerks: tuple[int, int]
) -> None:
    """This test ensures that drafts are listed newest first with the instrument's title and addressee."""
    clerk, _ = clerks
    with database.session() as session:
        older = save_draft(session, clerk, "supervision_notice", TYPED)
    with database.session() as session:
        newer = save_draft(session, clerk, "correction_order", [("facts", "")])
    with database.session() as session:
        drafts = list_drafts(session, clerk)
    assert [d.id for d in drafts] == [newer, older]
    assert drafts[1].title == "执法监督通知（决定）书"
    assert drafts[1].recipient == "岳阳市君山区钱粮湖镇人民政府"
    assert drafts[0].recipient == ""


def test_a_different_kind_starts_a_new_draft(database: Database, clerks: tuple[int, int]) -> None:
    """This test ensures that a draft id sent with another instrument's form does not overwrite it."""
    clerk, _ = clerks
    with database.session() as session:
        draft_id = save_draft(session, clerk, "supervision_notice", TYPED)
        other = save_draft(session, clerk, "correction_order", [("facts", "x")], draft_id)
    assert other != draft_id


def test_delete(database: Database, clerks: tuple[int, int]) -> None:
    """This test ensures that the owner can delete a draft, once."""
    clerk, _ = clerks
    with database.session() as session:
        draft_id = save_draft(session, clerk, "supervision_notice", TYPED)
    with database.session() as session:
        assert delete_draft(session, clerk, draft_id) is True
    with database.session() as session:
        assert delete_draft(session, clerk, draft_id) is False
        assert list_drafts(session, clerk) == []


def test_saved_at_is_beijing_time() -> None:
    """This test ensures that the time a draft was saved is shown in Beijing time, naive values read as UTC."""
    aware = DraftSummary(1, "k", "t", "", dt.datetime(2026, 3, 4, 17, 5, tzinfo=dt.UTC))
    naive = DraftSummary(1, "k", "t", "", dt.datetime(2026, 3, 4, 17, 5))
    assert aware.saved_at == naive.saved_at == "2026-03-05 01:05"
