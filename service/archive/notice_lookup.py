"""The supervision notices a 复查决定书 may name, as a picker offers them while the clerk types."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.review_decision import NOTICE_KIND
from service.archive.access import Visibility, shown
from service.database.models import Document

# The most notices a lookup answers with: a picker shows a short list as the clerk types.
NOTICE_LIMIT = 20


@dataclass(frozen=True)
class NoticeChoice:
    """One issued supervision notice as the picker shows it and fills the form from it."""

    id: int
    number: str
    inspected_body: str
    issuer: str
    issue_date: str  # ISO 8601, as archived


def _choice(document: Document) -> NoticeChoice:
    """Return the picker's view of a notice's record."""
    facts = document.facts
    issued = facts.get("issue_date") or document.document_date.isoformat()
    return NoticeChoice(
        document.id,
        document.number,
        str(facts.get("inspected_body") or ""),
        str(facts.get("issuer") or ""),
        str(issued),
    )


def reviewable_notices(
    session: Session, text: str, classifications: Visibility, limit: int = NOTICE_LIMIT
) -> list[NoticeChoice]:
    """Return the issued, not voided supervision notices the reader may see, newest first.

    text matches a part of the 文号 or of the inspected body's name (empty: every notice).
    A notice sent in copies is offered once, as its first copy: the 文号 names it.
    """
    documents = session.scalars(
        select(Document)
        .where(Document.kind == NOTICE_KIND, Document.status == "issued")
        .where(shown(classifications))
        .order_by(Document.id.desc(), Document.copy_number)
    )
    wanted = text.strip()
    found: dict[str, NoticeChoice] = {}
    for document in documents:
        choice = _choice(document)
        if choice.number in found or (
            wanted and wanted not in choice.number and wanted not in choice.inspected_body
        ):
            continue
        found[choice.number] = choice
        if len(found) >= limit:
            break
    return list(found.values())
