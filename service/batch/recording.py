"""A rendered chunk stored and recorded: numbers, documents, audit entries and items in one transaction.

Exactly once, whatever stops the run: a chunk's block of numbers (compare-and-set), its
documents, their audit entries and its items marked done are one transaction. Its files
are stored before that transaction, named on the items first, and removed if it fails;
a runner killed in between leaves the names, and the next runner removes those files.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.acts.drawing import kept_draw
from service.acts.due_table import record_due
from service.acts.errors import archive_refusal
from service.acts.issuing import document_record
from service.archive.audit import record_event
from service.archive.discard import discard_unrecorded
from service.archive.numbering import NumberTaken, claim_block
from service.archive.templates import LoadedTemplate
from service.batch.jobs import JobBusy
from service.batch.rendering import RenderedCopy
from service.database.batch_models import DONE, PENDING, BatchItem, BatchJob
from service.database.models import Document, utcnow
from service.instruments.registry import Instrument, get_instrument
from service.services import Wenshu


def record_chunk(
    wenshu: Wenshu, job: BatchJob, template: LoadedTemplate, rendered: Sequence[RenderedCopy]
) -> None:
    """Store the chunk's files and record its documents in one transaction, or leave nothing.

    Raises NumberTaken when another writer took one of its numbers since they were peeked,
    ArchiveUnwritable when the archive's disk refuses a file.
    """
    paths = [wenshu.archive.path_for(copy.fixity.sha256) for copy in rendered]
    with wenshu.database.session() as session:
        # Named before they are stored: a runner killed before committing leaves the names.
        session.execute(
            update(BatchItem),
            [
                {"id": c.plan.item_id, "staged_path": p}
                for c, p in zip(rendered, paths, strict=True)
            ],
        )
        session.execute(update(BatchJob).where(BatchJob.id == job.id).values(heartbeat_at=utcnow()))
    stored: list[str] = []
    try:
        for copy in rendered:
            stored.append(_store(wenshu, copy))
        with wenshu.database.session() as session:
            _record(session, job, template, rendered, stored)
    except (NumberTaken, IntegrityError) as error:
        _discard(wenshu, stored)
        raise NumberTaken(str(error)) from error
    except BaseException:
        _discard(wenshu, stored)
        raise


def _store(wenshu: Wenshu, copy: RenderedCopy) -> str:
    """Store one copy's file and return its path, or raise ArchiveUnwritable saying why not."""
    try:
        return wenshu.archive.put(copy.pdf.data, copy.fixity.sha256)
    except OSError as error:
        raise archive_refusal(wenshu.archive.root, error) from error


def _discard(wenshu: Wenshu, stored: Sequence[str]) -> None:
    """Remove the chunk's files that no committed record refers to."""
    discard_unrecorded(wenshu.database, wenshu.archive, stored)


def _record(
    session: Session,
    job: BatchJob,
    template: LoadedTemplate,
    rendered: Sequence[RenderedCopy],
    stored: Sequence[str],
) -> None:
    """Claim the chunk's numbers, insert its documents and audit entries, mark its items done.

    Copies numbered on their own claim a block, one number each; copies of a document sent
    to many units claim its one 文号 with the chunk that holds the first copy, and no other.
    """
    instrument = get_instrument(job.kind)
    claiming = [copy.plan for copy in rendered if copy.plan.claims]
    if claiming:
        first = claiming[0]
        claim_block(session, instrument.series, first.year, first.sequence, len(claiming))
    documents = [
        _document(job, instrument, template, copy, path)
        for copy, path in zip(rendered, stored, strict=True)
    ]
    session.add_all(documents)
    session.flush()
    for copy, document in zip(rendered, documents, strict=True):
        record_event(
            session, "issue", job.issued_by, document.number,
            {"document_id": document.id, "kind": instrument.kind, "sha256": document.sha256,
             "sm3": document.sm3, "path": document.pdf_path, "batch_job": job.id,
             "row": copy.plan.row_number}
            | ({"copy_number": document.copy_number} if document.copy_number else {})
            | kept_draw(instrument, copy.plan.facts),
        )  # fmt: skip
        marked = session.execute(
            update(BatchItem)
            .where(BatchItem.id == copy.plan.item_id, BatchItem.status == PENDING)
            .values(status=DONE, document_id=document.id, staged_path="")
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            raise JobBusy(f"批量任务 #{job.id} 第{copy.plan.row_number}行已由另一进程完成")
    for document in documents:
        record_due(session, document)
    session.execute(
        update(BatchJob)
        .where(BatchJob.id == job.id)
        .values(done=BatchJob.done + len(rendered), heartbeat_at=utcnow())
    )


def _document(
    job: BatchJob, instrument: Instrument, template: LoadedTemplate, copy: RenderedCopy, path: str
) -> Document:
    """Return the record of one copy: what service.acts.issuing records for a single document."""
    plan = copy.plan
    return document_record(
        instrument, plan.facts, template, year=plan.year, sequence=plan.sequence,
        number=plan.number, recipient=plan.recipient[:200], pdf=copy.pdf, fixity=copy.fixity,
        path=path, issued_by=job.issued_by, issued_at=plan.issued_at, context=copy.context,
        copy_number=plan.copy_number,
    )  # fmt: skip
