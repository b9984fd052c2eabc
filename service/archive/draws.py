"""Recorded draws (双随机): every draw an entry of the audit chain, kept by the document issued from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.archive.audit import record_event
from service.database.models import AuditEvent, Document

DRAW_ACTION = "draw"
# The entry's own keys beside the record of the draw.
_OWN_KEYS = ("kind", "replaces")


@dataclass(frozen=True)
class RecordedDraw:
    """One draw as the audit chain holds it: who drew, when, for which kind, and what."""

    id: int
    kind: str
    actor: str
    at: dt.datetime
    record: dict[str, Any]  # seed, method, percent, register, pool and result
    replaces: int | None  # the draw of the same form it was drawn again in place of


def record_draw(
    session: Session,
    kind: str,
    title: str,
    actor: str,
    record: Mapping[str, Any],
    replaces: int | None = None,
) -> RecordedDraw:
    """Append the draw to the audit chain inside the caller's transaction and return it.

    Every draw is recorded as it is made, before anyone sees its result, so that a draw
    made again in place of an unwelcome one leaves both in the chain.
    """
    details = {"kind": kind, **record}
    if replaces is not None:
        details["replaces"] = replaces
    event = record_event(
        session, DRAW_ACTION, actor, f"{title}抽取（随机种子{record.get('seed', '')}）", details
    )
    return _recorded(event)


def find_draw(session: Session, draw_id: int) -> RecordedDraw | None:
    """Return the recorded draw with this id, or None when no draw entry has it."""
    event = session.get(AuditEvent, draw_id)
    if event is None or event.action != DRAW_ACTION or not isinstance(event.details, dict):
        return None
    return _recorded(event)


def keeping_document(session: Session, kind: str, draw_field: str, draw_id: int) -> str | None:
    """Return the 文号 of the document issued from the draw (voided or not), or None if none was."""
    number: str | None = session.scalar(
        select(Document.number)
        .where(Document.kind == kind, Document.facts[draw_field].as_integer() == draw_id)
        .order_by(Document.id)
        .limit(1)
    )
    return number


def _recorded(event: AuditEvent) -> RecordedDraw:
    """Return the draw an audit entry records."""
    details = dict(event.details)
    replaces = details.get("replaces")
    return RecordedDraw(
        id=event.id,
        kind=str(details.get("kind", "")),
        actor=event.actor,
        at=event.at,
        record={key: value for key, value in details.items() if key not in _OWN_KEYS},
        replaces=replaces if isinstance(replaces, int) else None,
    )
