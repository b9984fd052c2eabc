"""Runs a batch job in this process: numbered chunks rendered in parallel, recorded in order.

Both LibreOffice workers are kept busy with a chunk each while the next one is filled;
chunks are recorded strictly in number order (service.batch.recording), so the numbers
stay gapless. Numbers are peeked, not held, while LibreOffice works: another writer
issuing from the same series meanwhile makes a chunk fail its compare-and-set, and the
pending rows are numbered again. Every executor runs a job this way, through run_job:
the command line, the web service's own thread, a Celery worker (service.batch.dispatch).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from service.acts.errors import NumbersBusy, nothing_used
from service.acts.sealing import bureau_seal
from service.archive.numbering import NumberTaken
from service.archive.templates import template_of
from service.batch.jobs import claim_job, job_items, load_job, release_job
from service.batch.leftovers import sweep_incoming
from service.batch.planning import ChunkPlanner
from service.batch.recording import record_chunk
from service.batch.rendering import ChunkRenderer, RenderedCopy
from service.database.batch_models import PENDING, BatchItem, BatchJob
from service.instruments.registry import Instrument, get_instrument
from service.services import Wenshu

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 50  # copies per LibreOffice call; a merged conversion of 50 peaks near 200 MB
MAX_RENUMBERING = 10
Progress = Callable[[int, int], None]  # (copies done, copies in the job)


class JobStopped(RuntimeError):
    """Raised when the runner was asked to stop: chunks under way are recorded, the job waits again."""


def run_job(
    wenshu: Wenshu,
    job_id: int,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    finish: Callable[[], object] | None = None,
    stop: threading.Event | None = None,
) -> BatchJob:
    """Issue every pending copy of the job and return it, done; raise if it had to stop.

    finish, if given, runs after the last copy and before the job is marked done (writing
    the job's outputs, say), so that a done job has them. Raises JobBusy when a live runner
    holds the job, and NotIssued (service.acts.errors) for every expected failure of the
    copies not yet issued: RowsInvalid when a row no longer passes its rules and the job
    does not skip such rows, TemplateUnusable, ConversionFailed, ArchiveUnwritable or
    NumbersBusy. What is recorded stays; the copies not recorded used no number and left no
    file. After any error the job is left "failed" with the error, and run_job on it again
    goes on where it stopped. When stop is set (the service shutting down), the
    chunks under way are recorded and JobStopped raised; the job is left pending.
    """
    job = claim_job(wenshu, job_id)
    try:
        with nothing_used():
            _advance(wenshu, job, chunk_size, progress, stop)
        if finish is not None:
            finish()
    except JobStopped:
        release_job(wenshu, job_id, requeue=True)
        raise
    except BaseException as error:
        release_job(wenshu, job_id, _describe(error))
        raise
    finally:
        sweep_incoming(wenshu.archive)
    return release_job(wenshu, job_id)


def _describe(error: BaseException) -> str:
    """Return the error as the job records it."""
    if isinstance(error, KeyboardInterrupt | SystemExit):
        return "已中断"
    return str(error) or type(error).__name__


def _advance(
    wenshu: Wenshu,
    job: BatchJob,
    chunk_size: int,
    progress: Progress | None,
    stop: threading.Event | None,
) -> None:
    """Render and record pending items until none is left, renumbering after a lost claim.

    Only lost claims in a row count against MAX_RENUMBERING: a long job in a busy series
    loses many, but records chunks in between.
    """
    instrument = get_instrument(job.kind)
    with wenshu.database.session() as session:
        template = template_of(session, wenshu.templates, job.template_id)
    seal = bureau_seal(wenshu, instrument)
    renderer = ChunkRenderer(instrument, template, wenshu.settings.bureau, wenshu.converter, seal)
    in_a_row = 0
    while in_a_row < MAX_RENUMBERING:
        job = load_job(wenshu, job.id)  # done and total as recorded so far
        pending = job_items(wenshu, job.id, PENDING)
        if not pending:
            return
        try:
            _run_pipeline(wenshu, job, instrument, renderer, pending, chunk_size, progress, stop)
            return
        except NumberTaken as taken:
            log.info("batch %s: numbers taken meanwhile (%s); renumbering", job.id, taken)
            in_a_row = 0 if load_job(wenshu, job.id).done > job.done else in_a_row + 1
    raise NumbersBusy(f"另有文书同时取号，{MAX_RENUMBERING}次重排文号仍未成功，请稍后继续")


def _run_pipeline(
    wenshu: Wenshu,
    job: BatchJob,
    instrument: Instrument,
    renderer: ChunkRenderer,
    pending: Sequence[BatchItem],
    chunk_size: int,
    progress: Progress | None,
    stop: threading.Event | None,
) -> None:
    """Keep every LibreOffice worker busy with a chunk, and record chunks in number order."""
    planner = ChunkPlanner(wenshu, job, instrument)
    chunks = planner.chunks(pending, chunk_size)
    # One chunk more than there are workers: it is being filled while the others convert.
    depth = (len(getattr(wenshu.converter, "workers", ())) or 1) + 1
    done = job.done
    if progress:
        progress(done, job.total)
    in_flight: deque[Future[list[RenderedCopy]]] = deque()
    with ThreadPoolExecutor(max_workers=depth, thread_name_prefix="wenshu-batch") as pool:

        def fill() -> None:
            while len(in_flight) < depth and not stopping() and (chunk := next(chunks, None)):
                in_flight.append(pool.submit(renderer.render, chunk))

        def stopping() -> bool:
            return stop is not None and stop.is_set()

        try:
            fill()
            while in_flight:
                rendered = in_flight.popleft().result()
                record_chunk(wenshu, job, renderer.template, rendered)
                done += len(rendered)
                if progress:
                    progress(done, job.total - planner.invalidated)
                fill()
        finally:
            for future in in_flight:
                future.cancel()
            renderer.close()
    if stopping() and next(chunks, None):
        raise JobStopped(f"批量任务 #{job.id} 随服务停止而暂停，已生成 {done} 份")
