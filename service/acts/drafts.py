"""Drafts: a clerk's unfinished form, kept exactly as typed until it is resumed or issued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.database.models import Draft, utcnow
from service.foundations.formatting import BEIJING
from service.instruments.registry import INSTRUMENTS

# Drafts are listed in the bureau's time; China keeps UTC+8 all year.


@dataclass(frozen=True)
class DraftSummary:
    """One draft as the home page lists it."""

    id: int
    kind: str
    title: str
    recipient: str  # the addressee as typed so far, to tell drafts of one kind apart
    updated_at: dt.datetime
    autosaved: bool = False  # kept by the form as the clerk typed, not saved on purpose

    @property
    def saved_at(self) -> str:
        """Return when the draft was last saved, in Beijing time: 2026-03-05 10:13."""
        return self.updated_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def save_draft(
    session: Session,
    user_id: int,
    kind: str,
    fields: Iterable[tuple[str, str]],
    draft_id: int | None = None,
) -> int:
    """Save the fields as typed, unchecked, on purpose (保存草稿); return the draft's id.

    With the id of one of the user's drafts of this kind, that draft is replaced; any
    other id (another clerk's, a deleted draft's) starts a new draft, so that saving
    never touches someone else's draft and never loses what was typed.
    """
    draft = _written(session, user_id, kind, fields, draft_id)
    draft.autosaved = False
    session.flush()
    return draft.id


def autosave_draft(
    session: Session,
    user_id: int,
    kind: str,
    fields: Iterable[tuple[str, str]],
    draft_id: int | None = None,
) -> Draft:
    """Keep the fields as the form holds them while the clerk types; return the draft.

    The form names its draft once it has one, so that a form keeps one draft however often
    it is saved. A draft the clerk saved on purpose stays one: what is typed into it later
    updates it, as 保存草稿 would have. Ids are taken as save_draft takes them.
    """
    draft = _written(session, user_id, kind, fields, draft_id, autosaved=True)
    session.flush()
    return draft


def _written(
    session: Session,
    user_id: int,
    kind: str,
    fields: Iterable[tuple[str, str]],
    draft_id: int | None,
    autosaved: bool = False,
) -> Draft:
    """Write the fields into the user's draft of this kind with that id, or into a new draft."""
    rows = [[str(name), str(value)] for name, value in fields]
    draft = _owned(session, user_id, draft_id) if draft_id is not None else None
    if draft is None or draft.kind != kind:
        draft = Draft(user_id=user_id, kind=kind, fields=rows, autosaved=autosaved)
        session.add(draft)
    else:
        draft.fields = rows
    draft.updated_at = utcnow()
    return draft


def list_drafts(session: Session, user_id: int) -> list[DraftSummary]:
    """Return the user's drafts, the most recently saved first."""
    drafts = session.scalars(
        select(Draft)
        .where(Draft.user_id == user_id)
        .order_by(Draft.updated_at.desc(), Draft.id.desc())
    )
    return [_summary(draft) for draft in drafts]


def load_draft(session: Session, user_id: int, draft_id: int) -> Draft | None:
    """Return the draft if it exists and belongs to the user, else None."""
    return _owned(session, user_id, draft_id)


def delete_draft(session: Session, user_id: int, draft_id: int) -> bool:
    """Delete one of the user's drafts; return False if the user has no such draft."""
    draft = _owned(session, user_id, draft_id)
    if draft is None:
        return False
    session.delete(draft)
    return True


def _owned(session: Session, user_id: int, draft_id: int) -> Draft | None:
    """Return the draft with this id if the user owns it."""
    draft = session.get(Draft, draft_id)
    return draft if draft is not None and draft.user_id == user_id else None


def _summary(draft: Draft) -> DraftSummary:
    """Return the listing view of a draft."""
    instrument = INSTRUMENTS.get(draft.kind)
    recipient = ""
    if instrument is not None:
        typed = dict(draft.fields)
        recipient = typed.get(instrument.recipient_field, "").strip()
    title = instrument.title if instrument is not None else draft.kind
    return DraftSummary(
        draft.id, draft.kind, title, recipient, draft.updated_at, bool(draft.autosaved)
    )
