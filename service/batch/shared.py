"""One document sent to many units: its 文号 claimed once, its content filled once, each copy a 份号.

A batch of a kind numbered Numbering.SHARED is one document whose 主送 is the 统称 the
office gives, or else names every unit of the batch, in row order. Its 文号 is peeked like
any other and claimed by the chunk that holds copy 1, in the transaction that records that chunk; a run cut before
then used no number, and a run cut after it goes on from the copies recorded: the same
文号 and the very context they were filled with (a draw is not drawn again), the next 份号.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from forms.fields import ArchiveView
from service.archive.numbering import peek_next_sequence
from service.batch.main_recipients import main_recipients
from service.database.batch_models import DONE, BatchItem
from service.database.models import Document
from service.foundations.formatting import format_copy_number, format_document_number
from service.instruments.context import build_context
from service.instruments.facts import Facts
from service.instruments.registry import Instrument
from service.instruments.request import agency_code, computed_values
from service.services import Wenshu

COPY_NUMBER = "copy_number"  # the context value a template prints the 份号 with


@dataclass(frozen=True)
class SharedDocument:
    """The document every copy of a job is: its 文号, its filled context, the next 份号 to give."""

    year: int
    sequence: int
    number: str
    context: Mapping[str, Any]
    next_copy: int

    @property
    def claimed(self) -> bool:
        """Return whether its 文号 is recorded already (some copy is)."""
        return self.next_copy > 1

    def copy_context(self, copy_number: int) -> dict[str, Any]:
        """Return the context of one copy: the document's, with its 份号."""
        return {**self.context, COPY_NUMBER: format_copy_number(copy_number)}


def recorded_document(wenshu: Wenshu, job_id: int) -> SharedDocument | None:
    """Return the document of the job's copies recorded so far, or None if none is."""
    with wenshu.database.session() as session:
        first = session.scalars(
            _of_job(select(Document), job_id).order_by(Document.copy_number).limit(1)
        ).first()
        if first is None:
            return None
        last = session.scalar(
            _of_job(select(func.max(Document.copy_number)).select_from(Document), job_id)
        )
        context = first.context
    if context is None:  # every copy keeps its context; a record without one was altered
        raise ValueError(f"{first.number} 第{format_copy_number(first.copy_number)}份缺少填充内容")
    return SharedDocument(first.year, first.sequence, first.number, context, (last or 0) + 1)


def _of_job(statement: Select[Any], job_id: int) -> Select[Any]:
    """Return the statement narrowed to the documents the job has recorded."""
    return statement.join(BatchItem, BatchItem.document_id == Document.id).where(
        BatchItem.job_id == job_id, BatchItem.status == DONE
    )


def new_document(
    wenshu: Wenshu,
    instrument: Instrument,
    copies: Sequence[Facts],
    archive: ArchiveView,
    collective: str | None = None,
) -> SharedDocument:
    """Return the document the copies will be, under the next 文号 of its series (peeked).

    The copies differ only in their recipient (service.batch.validation sees to it): the
    first one's facts fill the document, with the 统称 given as its 主送, or else the
    recipients of all listed (service.batch.main_recipients).
    """
    facts = copies[0]
    year: int = facts.values[instrument.date_field].year
    with wenshu.database.session() as session:
        sequence = peek_next_sequence(session, instrument.series, year)
    bureau = wenshu.settings.bureau
    number = format_document_number(agency_code(instrument, bureau), year, sequence)
    recipients = [str(copy.values.get(instrument.recipient_field) or "") for copy in copies]
    computed = computed_values(instrument, facts, archive)
    computed[instrument.recipient_field] = main_recipients(collective, recipients)
    context = build_context(instrument, facts, number, bureau, computed)
    return SharedDocument(year, sequence, number, context, 1)


def shared_number(wenshu: Wenshu, job_id: int) -> str:
    """Return the 文号 a job's copies share once it is claimed, else ""."""
    copies = _of_job(select(Document.number), job_id).where(Document.copy_number > 0)
    with wenshu.database.session() as session:
        return session.scalar(copies.limit(1)) or ""
