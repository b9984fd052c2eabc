"""Tests of the audit views: failed logins kept apart from real entries, hidden documents left out."""

from __future__ import annotations

from sqlalchemy import update

from service.archive.access import visible_classifications
from service.archive.audit import (
    CATEGORIES,
    UNAUTHENTICATED_ACTIONS,
    hidden_events_before,
    recent_events,
    record_event,
    unauthenticated_attempts,
    verify_chain,
)
from service.database.models import Document
from service.services import Wenshu

CLERK_SEES = visible_classifications("clerk", {})


def flood(wenshu: Wenshu, count: int) -> None:
    """Append count failed logins for names that do not exist, from one address."""
    with wenshu.database.session() as session:
        for n in range(count):
            record_event(session, "login_failed", f"guess{n}", f"guess{n}", {"address": "10.0.0.9"})


def test_failed_logins_do_not_push_real_entries_out_of_view(wenshu: Wenshu) -> None:
    """This test ensures that after many failed logins the newest entries listed are still the real
    ones, that the failed ones are listed apart and counted, and that the chain verifies."""
    with wenshu.database.session() as session:
        record_event(session, "login", "王文书", "王文书", {"address": "127.0.0.1"})
        record_event(session, "issue", "王文书", "君档监通〔2026〕1号", {"document_id": 1})
        record_event(session, "verify", "system", "archive", {"problems": 0})
    flood(wenshu, 300)
    with wenshu.database.session() as session:
        listed = recent_events(session, 20)
        apart = recent_events(session, 20, actions=CATEGORIES["failed_logins"].actions)
        documents = recent_events(session, 20, actions=CATEGORIES["documents"].actions)
        attempts = unauthenticated_attempts(session)
        assert verify_chain(session) == []
    assert [(e.action, e.subject) for e in listed] == [
        ("verify", "archive"), ("issue", "君档监通〔2026〕1号"), ("login", "王文书"),
    ]  # fmt: skip
    assert len(apart) == 20 and {e.action for e in apart} == UNAUTHENTICATED_ACTIONS
    assert apart[0].actor == "guess299"  # newest first
    assert [e.action for e in documents] == ["issue"]
    assert attempts.count == 300 and attempts.latest is not None
    assert attempts.latest.actor == "guess299"


def test_entries_about_a_hidden_document_are_left_out(
    wenshu: Wenshu, notices: list[Document]
) -> None:
    """This test ensures that a reader who may not see a document's 密级 is listed no entry about
    it, and that those entries are counted as hidden, while a reader who sees all is listed them."""
    secret = notices[1]
    with wenshu.database.session() as session:
        session.execute(
            update(Document).where(Document.id == secret.id).values(classification="秘密")
        )
        record_event(session, "download", "管理员", secret.number, {"document_id": secret.id})
        record_event(session, "download", "管理员", notices[0].number, {"document_id": 1})
    with wenshu.database.session() as session:
        for_clerk = [e.subject for e in recent_events(session, 20, classifications=CLERK_SEES)]
        for_all = [e.subject for e in recent_events(session, 20)]
        hidden = hidden_events_before(session, 5, CLERK_SEES)
        none_hidden = hidden_events_before(session, 5, None)
    assert secret.number not in for_clerk
    assert for_clerk == [notices[0].number, notices[2].number, notices[0].number]
    assert for_all.count(secret.number) == 2
    assert (hidden, none_hidden) == (2, 0)  # its issue and its download, of the first five
