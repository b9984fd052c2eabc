"""Tests of the audit chain: what is recorded, the hash definition, tampering detected, concurrent appends."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from service.archive.audit import GENESIS, entry_hash, record_event, verify_chain
from service.archive.voiding import void_document
from service.database.models import AuditEvent, Document
from service.layouts.lint import read_sample
from service.layouts.versions import activate_version, publish_version
from service.services import Wenshu

ROOT = Path(__file__).resolve().parents[2]


def events(wenshu: Wenshu) -> list[tuple[int, str, str, str]]:
    """Return every entry as (id, action, actor, subject), in order."""
    with wenshu.database.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.id, e.action, e.actor, e.subject) for e in rows]


def problems(wenshu: Wenshu) -> list[tuple[int, str]]:
    """Return the chain's problems as (entry id, message)."""
    with wenshu.database.session() as session:
        return [(p.entry_id, p.message) for p in verify_chain(session)]


def execute(wenshu: Wenshu, statement: str) -> None:
    """Run raw SQL, as someone with access to the database could, bypassing the service."""
    with wenshu.database.engine.begin() as connection:
        connection.execute(text(statement))


def append(wenshu: Wenshu, count: int) -> None:
    """Append count login entries."""
    for n in range(count):
        with wenshu.database.session() as session:
            record_event(session, "login", f"用户{n}", f"用户{n}", {"address": "127.0.0.1"})


@pytest.mark.office
def test_issue_void_and_templates_are_recorded(wenshu: Wenshu, notices: list[Document]) -> None:
    """This test ensures that issuing, voiding, publishing and activating each append an entry."""
    with wenshu.database.session() as session:
        void_document(session, notices[1].id, "主送单位写错", "李科长")
    template = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    sample = read_sample("supervision_notice", ROOT / "samples")
    with wenshu.database.session() as session:
        publish_version(session, wenshu.templates, "supervision_notice", template, sample,
                        "维护员", "同第1版", activate=True)  # fmt: skip
    with wenshu.database.session() as session:
        activate_version(session, "supervision_notice", 1, by="维护员")
    assert events(wenshu) == [
        (1, "issue", "王文书", "君档监通〔2026〕1号"),
        (2, "issue", "王文书", "君档监通〔2026〕2号"),
        (3, "issue", "王文书", "君档监通〔2026〕3号"),
        (4, "void", "李科长", "君档监通〔2026〕2号"),
        (5, "template_publish", "维护员", "supervision_notice v2"),
        (6, "template_activate", "维护员", "supervision_notice v2"),
        (7, "template_activate", "维护员", "supervision_notice v1"),
    ]
    with wenshu.database.session() as session:
        issued = session.get(AuditEvent, 1)
        voided = session.get(AuditEvent, 4)
        assert issued is not None and voided is not None
        assert issued.details["sha256"] == notices[0].sha256
        assert issued.details["sm3"] == notices[0].sm3
        assert voided.details == {"document_id": notices[1].id, "reason": "主送单位写错"}
    assert problems(wenshu) == []


def test_hash_covers_previous_hash_and_canonical_json(wenshu: Wenshu) -> None:
    """This test ensures that each hash is SHA-256 of the previous hash and the entry's canonical JSON."""
    append(wenshu, 2)
    with wenshu.database.session() as session:
        first, second = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        at = first.at.astimezone(dt.UTC) if first.at.tzinfo else first.at  # SQLite: naive UTC
        canonical = json.dumps(
            {"action": "login", "actor": "用户0", "details": {"address": "127.0.0.1"}, "id": 1,
             "at": at.replace(tzinfo=None).isoformat(timespec="microseconds"), "subject": "用户0"},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )  # fmt: skip
        assert first.previous_hash == GENESIS
        assert first.hash == hashlib.sha256((GENESIS + canonical).encode()).hexdigest()
        assert second.previous_hash == first.hash
        assert second.hash == entry_hash(first.hash, second)


def test_edited_entry_is_detected(wenshu: Wenshu) -> None:
    """This test ensures that an entry edited with raw SQL is named as changed."""
    append(wenshu, 4)
    execute(wenshu, "UPDATE audit_events SET subject = '别人' WHERE id = 3")
    [(entry, message)] = problems(wenshu)
    assert entry == 3
    assert "内容与其哈希不符" in message


def test_edited_entry_with_recomputed_hash_is_detected(wenshu: Wenshu) -> None:
    """This test ensures that rewriting an entry together with its hash breaks the link to the next."""
    append(wenshu, 4)
    with wenshu.database.session() as session:
        entry = session.get(AuditEvent, 2)
        assert entry is not None
        entry.actor = "冒名"
        new_hash = entry_hash(entry.previous_hash, entry)
    execute(wenshu, f"UPDATE audit_events SET actor = '冒名', hash = '{new_hash}' WHERE id = 2")
    [(entry_id, message)] = problems(wenshu)
    assert entry_id == 3
    assert "前一哈希与前一条记录不符" in message


def test_deleted_entry_is_detected(wenshu: Wenshu) -> None:
    """This test ensures that an entry deleted from the middle leaves a reported gap."""
    append(wenshu, 5)
    execute(wenshu, "DELETE FROM audit_events WHERE id = 3")
    found = problems(wenshu)
    assert found[0] == (4, "第3条记录缺失：审计记录被删除")
    assert "前一哈希与前一条记录不符" in found[1][1]


def test_deleted_last_entry_is_detected(wenshu: Wenshu) -> None:
    """This test ensures that cutting the chain's tail is detected through its head row."""
    append(wenshu, 3)
    execute(wenshu, "DELETE FROM audit_events WHERE id = 3")
    [(entry, message)] = problems(wenshu)
    assert entry == 2
    assert "末尾的记录被删除" in message


def test_reordered_entries_are_detected(wenshu: Wenshu) -> None:
    """This test ensures that swapping two entries' places is detected."""
    append(wenshu, 4)
    execute(wenshu, "UPDATE audit_events SET id = 100 WHERE id = 2")
    execute(wenshu, "UPDATE audit_events SET id = 2 WHERE id = 3")
    execute(wenshu, "UPDATE audit_events SET id = 3 WHERE id = 100")
    found = problems(wenshu)
    assert {entry for entry, _ in found} == {2, 3, 4}
    assert any("前一哈希" in message for _, message in found)


def test_rolled_back_action_leaves_no_entry(wenshu: Wenshu) -> None:
    """This test ensures that an entry is part of its action's transaction: a rollback removes both."""
    append(wenshu, 1)
    with pytest.raises(RuntimeError), wenshu.database.session() as session:
        record_event(session, "export", "cli", "archive", {})
        raise RuntimeError("the export failed after the entry was appended")
    append(wenshu, 1)
    assert [entry[0] for entry in events(wenshu)] == [1, 2]
    assert problems(wenshu) == []


def test_concurrent_appends_form_one_chain(wenshu: Wenshu) -> None:
    """This test ensures that entries appended from six threads at once form one unbroken chain."""
    failures: list[Exception] = []

    def append_ten() -> None:
        try:
            append(wenshu, 10)
        except Exception as error:  # collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=append_ten) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [entry[0] for entry in events(wenshu)] == list(range(1, 61))
    assert problems(wenshu) == []
