"""A rendered chunk stored and recorded: numbers, documents, audit entries and items in one transaction.

Exactly once, whatever stops the run: a chunk's block of numbers (compare-and-set), its
documents, their audit entries and its items marked done are one transaction. Its files
are stored before that transaction, named on the items first, and removed if it fails;
a runner killed in between leaves the names, and the next runner removes those files.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.acts.drawing import kept_draw
from service.acts.due_table import record_due_all
from service.acts.errors import archive_refusal
from service.acts.issuing import document_record
from service.acts.ofd_files import ArchivedOfd, ofd_event
from service.archive.audit import record_events
from service.archive.discard import discard_unrecorded
from service.archive.numbering import NumberTaken, claim_block
from service.archive.templates import LoadedTemplate
from service.batch.jobs import JobBusy
from service.batch.rendering import RenderedCopy
from service.database.batch_models import DONE, PENDING, BatchItem, BatchJob
from service.database.models import Document, utcnow
from service.instruments.registry import Instrument, get_instrument
from service.services import Wenshu

STORING_THREADS = 8  # files of a chunk waiting for their fsync at once


def record_chunk(
    wenshu: Wenshu, job: BatchJob, template: LoadedTemplate, rendered: Sequence[RenderedCopy]
) -> None:
    """Store the chunk's files and record its documents in one transaction, or leave nothing.

    Raises NumberTaken when another writer took one of its numbers since they were peeked,
    ArchiveUnwritable when the archive's disk refuses a file.
    """
    paths = [wenshu.archive.path_for(copy.fixity.sha256) for copy in rendered]
    ofd_paths = [_ofd_path(wenshu, copy) for copy in rendered]
    with wenshu.database.session() as session:
        # Named before they are stored: a runner killed before committing leaves the names.
        session.execute(
            update(BatchItem),
            [
                {"id": c.plan.item_id, "staged_path": p, "staged_ofd_path": o}
                for c, p, o in zip(rendered, paths, ofd_paths, strict=True)
            ],
        )
        session.execute(update(BatchJob).where(BatchJob.id == job.id).values(heartbeat_at=utcnow()))
    try:
        stored = _store_all(wenshu, rendered)
        with wenshu.database.session() as session:
            _record(session, job, template, rendered, stored)
    except (NumberTaken, IntegrityError) as error:
        _discard(wenshu, [*paths, *filter(None, ofd_paths)])
        raise NumberTaken(str(error)) from error
    except BaseException:
        # Whichever of the chunk's files were stored; none of them is recorded.
        _discard(wenshu, [*paths, *filter(None, ofd_paths)])
        raise


def _ofd_path(wenshu: Wenshu, copy: RenderedCopy) -> str:
    """Return where a copy's OFD is stored ("" for a copy without one)."""
    if copy.ofd_fixity is None:
        return ""
    return wenshu.archive.path_for(copy.ofd_fixity.sha256, "ofd")


def _store_all(wenshu: Wenshu, rendered: Sequence[RenderedCopy]) -> list[tuple[str, str]]:
    """Store the chunk's files side by side and return each copy's PDF and OFD paths, or raise the first error.

    Each file waits for its fsync; several of them waiting at once share the disk's journal
    commits, which makes a chunk's storing several times faster than one file after another.
    """
    with ThreadPoolExecutor(STORING_THREADS, thread_name_prefix="wenshu-store") as pool:
        pdfs = [
            pool.submit(_store, wenshu, copy.pdf.data, copy.fixity.sha256, "pdf")
            for copy in rendered
        ]
        ofds = [
            pool.submit(_store, wenshu, copy.ofd, copy.ofd_fixity.sha256, "ofd")
            if copy.ofd_fixity is not None
            else None
            for copy in rendered
        ]
        return [
            (pdf.result(), ofd.result() if ofd is not None else "")
            for pdf, ofd in zip(pdfs, ofds, strict=True)
        ]


def _store(wenshu: Wenshu, data: bytes, sha256: str, suffix: str) -> str:
    """Store one file and return its path, or raise ArchiveUnwritable saying why not."""
    try:
        return wenshu.archive.put(data, sha256, suffix)
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
    stored: Sequence[tuple[str, str]],
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
    # The chunk's entries appended together, and its items marked in one statement.
    record_events(
        session,
        [
            ("issue", job.issued_by, document.number,
             {"document_id": document.id, "kind": instrument.kind, "sha256": document.sha256,
              "sm3": document.sm3, "path": document.pdf_path, **ofd_event(document),
              "batch_job": job.id, "row": copy.plan.row_number}
             | ({"copy_number": document.copy_number} if document.copy_number else {})
             | kept_draw(instrument, copy.plan.facts))
            for copy, document in zip(rendered, documents, strict=True)
        ],
    )  # fmt: skip
    _mark_done(session, job, rendered, documents)
    record_due_all(session, documents)
    session.execute(
        update(BatchJob)
        .where(BatchJob.id == job.id)
        .values(done=BatchJob.done + len(rendered), heartbeat_at=utcnow())
    )


def _mark_done(
    session: Session, job: BatchJob, rendered: Sequence[RenderedCopy], documents: list[Document]
) -> None:
    """Mark the chunk's items done with their documents; raise JobBusy if another runner did one."""
    items = cast(Table, BatchItem.__table__)
    marked = session.connection().execute(
        update(items)
        .where(items.c.id == bindparam("item"), items.c.status == PENDING)
        .values(status=DONE, document_id=bindparam("document"), staged_path="", staged_ofd_path=""),
        [
            {"item": copy.plan.item_id, "document": document.id}
            for copy, document in zip(rendered, documents, strict=True)
        ],
    )
    if marked.rowcount == len(rendered):
        return
    done = set(
        session.scalars(
            select(BatchItem.id).where(
                BatchItem.id.in_([copy.plan.item_id for copy in rendered]),
                or_(
                    BatchItem.document_id.is_(None),
                    BatchItem.document_id.not_in([document.id for document in documents]),
                ),
            )
        )
    )
    row = next((c.plan.row_number for c in rendered if c.plan.item_id in done), "?")
    raise JobBusy(f"批量任务 #{job.id} 第{row}行已由另一进程完成")


def _document(
    job: BatchJob,
    instrument: Instrument,
    template: LoadedTemplate,
    copy: RenderedCopy,
    paths: tuple[str, str],
) -> Document:
    """Return the record of one copy: what service.acts.issuing records for a single document."""
    plan = copy.plan
    path, ofd_path = paths
    ofd = ArchivedOfd(ofd_path, copy.ofd_fixity) if copy.ofd_fixity is not None else None
    return document_record(
        instrument, plan.facts, template, year=plan.year, sequence=plan.sequence,
        number=plan.number, recipient=plan.recipient[:200], pdf=copy.pdf, fixity=copy.fixity,
        path=path, issued_by=job.issued_by, issued_at=plan.issued_at, context=copy.context,
        copy_number=plan.copy_number, ofd=ofd,
    )  # fmt: skip
