"""The due items of voided documents: removed, and what a voided follow-up settled unsettled."""

from __future__ import annotations

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from service.database.models import DueItemRow


def forget_voided(session: Session, voided: Select[int]) -> list[int]:
    """Remove the items the voided documents set; return the ids of those they had settled, now unsettled.

    A voided document counts for nothing: what it made due is no longer due, and what its
    issue had settled is due again, unless another follow-up settles it
    (service.acts.due_table.resettle, which the caller runs when it can).
    """
    ids = list(session.scalars(voided))
    if not ids:
        return []
    session.execute(
        delete(DueItemRow)
        .where(DueItemRow.document_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    unsettled = list(
        session.scalars(select(DueItemRow.id).where(DueItemRow.settled_by_document_id.in_(ids)))
    )
    if unsettled:
        session.execute(
            update(DueItemRow)
            .where(DueItemRow.id.in_(unsettled))
            .values(settled_at=None, settled_by_document_id=None)
            .execution_options(synchronize_session=False)
        )
    return unsettled
