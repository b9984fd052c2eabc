"""The audit chain: every business action appended as an entry whose hash covers the one before."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, not_, select, true
from sqlalchemy.orm import Session

from service.archive.access import Visibility
from service.database.models import AuditChainHead, AuditEvent, Document, utcnow

GENESIS = "0" * 64  # the previous hash of the first entry
HEAD_ID = 1
# What each action is called on the pages.
ACTIONS = {
    "issue": "发文",
    "void": "作废",
    "serve": "送达",
    "draw": "抽取（双随机）",
    "template_publish": "发布模板",
    "template_activate": "启用模板",
    "template_refuse": "停用模板",
    "seal_install": "安装电子印章",
    "login": "登录",
    "login_failed": "登录失败",
    "download": "下载 PDF",
    "batch_download": "下载批量输出",
    "export": "导出",
    "verify": "检测",
}
# Entries anyone can cause without signing in: a failed login names whatever user was typed.
# The audit views list them apart and summarise them, so that a flood of them cannot push the
# entries of signed-in users out of view; any other action of that sort belongs here too.
UNAUTHENTICATED_ACTIONS = frozenset({"login_failed"})
# Said of a break in the chain at an entry about a document the reader may not see: the break
# is shown to all who see the chain's check, the document it concerns to none of them.
UNNAMED_BREAK = "审计记录被改动、删除或调换了次序"


@dataclass(frozen=True)
class Category:
    """A kind of entries the audit views may be narrowed to."""

    title: str
    actions: frozenset[str]


CATEGORIES = {
    "documents": Category(
        "文书", frozenset({"issue", "void", "serve", "draw", "download", "batch_download"})
    ),
    "templates": Category(
        "模板", frozenset({"template_publish", "template_activate", "template_refuse"})
    ),
    "seal": Category("电子印章", frozenset({"seal_install"})),
    "logins": Category("登录", frozenset({"login"})),
    "failed_logins": Category("登录失败", UNAUTHENTICATED_ACTIONS),
    "archive": Category("检测与导出", frozenset({"export", "verify"})),
}


@dataclass(frozen=True)
class ChainProblem:
    """Something wrong with one entry of the chain (or with its end, entry_id being the last id)."""

    entry_id: int
    message: str


def _text(value: str, limit: int) -> str:
    """Return value without control characters (PostgreSQL refuses NUL), cut to limit."""
    kept = "".join(c for c in str(value) if unicodedata.category(c) != "Cc")
    return kept[:limit]


def _utc_text(at: dt.datetime) -> str:
    """Return a time as naive UTC ISO text with microseconds, as both databases give it back."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def canonical_json(event: AuditEvent) -> str:
    """Return the entry's content as canonical JSON: sorted keys, no spaces, UTF-8 text."""
    content = {
        "id": event.id,
        "at": _utc_text(event.at),
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "details": event.details,
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(previous_hash: str, event: AuditEvent) -> str:
    """Return SHA-256 over the previous entry's hash and this entry's canonical JSON."""
    return hashlib.sha256((previous_hash + canonical_json(event)).encode("utf-8")).hexdigest()


def record_event(
    session: Session, action: str, actor: str, subject: str, details: dict[str, Any] | None = None
) -> AuditEvent:
    """Append an entry to the chain inside the caller's transaction and return it.

    The head row is read with FOR UPDATE, so on PostgreSQL concurrent appends queue on
    it until the appending transaction ends; on SQLite every write transaction already
    begins IMMEDIATE and so holds the database's write lock. Either way the previous hash
    is the one the entry before committed, and the entry commits or rolls back together
    with the action it records.
    """
    return record_events(session, [(action, actor, subject, details)])[0]


def record_events(
    session: Session, entries: Sequence[tuple[str, str, str, dict[str, Any] | None]]
) -> list[AuditEvent]:
    """Append entries (action, actor, subject, details) to the chain in order, and return them.

    The same entries as record_event called for each in turn, with the head read and
    written once and the entries inserted together: a batch records a chunk's issues so.
    """
    head = session.scalar(
        select(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if head is None:  # a database migrated before the head row existed
        head = AuditChainHead(id=HEAD_ID, last_id=0, last_hash=GENESIS)
        session.add(head)
    events = []
    last_id, last_hash = head.last_id, head.last_hash
    for action, actor, subject, details in entries:
        # Stored as it will read back, so that the hash verifies later.
        stored_details = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
        event = AuditEvent(
            id=last_id + 1,
            at=utcnow(),
            actor=_text(actor, 64),
            action=_text(action, 32),
            subject=_text(subject, 200),
            details=stored_details,
            previous_hash=last_hash,
        )
        event.hash = entry_hash(event.previous_hash, event)
        events.append(event)
        last_id, last_hash = event.id, event.hash
    session.add_all(events)
    head.last_id, head.last_hash = last_id, last_hash
    session.flush()
    return events


def verify_chain(session: Session) -> list[ChainProblem]:
    """Return every break in the chain: an edited, deleted or reordered entry, or a cut tail."""
    problems: list[ChainProblem] = []
    previous_hash, expected_id = GENESIS, 1
    entries = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000)
    for event in entries:
        if event.id != expected_id:
            missing = (
                f"第{expected_id}条" if event.id == expected_id + 1
                else f"第{expected_id}至{event.id - 1}条"
            )  # fmt: skip
            problems.append(ChainProblem(event.id, f"{missing}记录缺失：审计记录被删除"))
        if event.previous_hash != previous_hash:
            problems.append(
                ChainProblem(
                    event.id,
                    f"第{event.id}条记录所链接的前一哈希与前一条记录不符："
                    "之前的记录被删除、改动或调换了次序",
                )
            )
        if entry_hash(event.previous_hash, event) != event.hash:
            problems.append(
                ChainProblem(
                    event.id, f"第{event.id}条记录（{_label(event)}）的内容与其哈希不符：记录被改动"
                )
            )
        previous_hash, expected_id = event.hash, event.id + 1
    head = session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    last_id = expected_id - 1
    if head is None:
        problems.append(ChainProblem(last_id, "审计链的链头记录缺失"))
    elif head.last_id != last_id or head.last_hash != previous_hash:
        problems.append(
            ChainProblem(
                last_id,
                f"审计链应当到第{head.last_id}条为止，实际到第{last_id}条："
                "末尾的记录被删除，或链头被改动",
            )
        )
    return problems


def _label(event: AuditEvent) -> str:
    """Return an entry's action and subject, for messages."""
    return f"{ACTIONS.get(event.action, event.action)} {event.subject}".strip()


def chain_head(session: Session) -> tuple[int, str]:
    """Return the last entry's id and hash, to be written down outside the database."""
    head = session.get(AuditChainHead, HEAD_ID)
    return (head.last_id, head.last_hash) if head else (0, GENESIS)


def count_events(session: Session) -> int:
    """Return how many entries the chain has."""
    return session.scalar(select(func.count(AuditEvent.id))) or 0


def recent_events(
    session: Session,
    limit: int = 20,
    *,
    actions: Collection[str] | None = None,
    classifications: Visibility = None,
) -> list[AuditEvent]:
    """Return the newest entries, newest first, as a reader may see them.

    Without actions, every action but the UNAUTHENTICATED_ACTIONS: ten thousand failed logins
    leave the entries of signed-in users in view. Entries about a document whose 密级 is
    not among classifications (None: all) are left out, as if it did not exist.
    """
    query = select(AuditEvent).where(_shown_event(classifications))
    if actions is None:
        query = query.where(AuditEvent.action.not_in(UNAUTHENTICATED_ACTIONS))
    else:
        query = query.where(AuditEvent.action.in_(actions))
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def _shown_event(classifications: Visibility) -> ColumnElement[bool]:
    """Return the condition that an entry is not about a document the reader may not see."""
    if classifications is None:
        return true()
    hidden = select(Document.number).where(Document.classification.not_in(classifications))
    return AuditEvent.subject.not_in(hidden)


@dataclass(frozen=True)
class Attempts:
    """The entries anyone could cause without signing in, summarised: how many, and the newest."""

    count: int
    latest: AuditEvent | None


def unauthenticated_attempts(session: Session) -> Attempts:
    """Return how many UNAUTHENTICATED_ACTIONS entries the chain holds, and the newest one."""
    of_sort = AuditEvent.action.in_(UNAUTHENTICATED_ACTIONS)
    count = session.scalar(select(func.count(AuditEvent.id)).where(of_sort)) or 0
    latest = session.scalar(
        select(AuditEvent).where(of_sort).order_by(AuditEvent.id.desc()).limit(1)
    )
    return Attempts(count, latest)


def hidden_events_before(session: Session, last_id: int, classifications: Visibility) -> int:
    """Return how many entries up to last_id are about documents the reader may not see."""
    if classifications is None:
        return 0
    return (
        session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.id <= last_id, not_(_shown_event(classifications))
            )
        )
        or 0
    )
