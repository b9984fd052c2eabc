"""Where batch jobs run: a thread of this process (the default) or Celery workers over a broker.

The web service hands every job to a Dispatcher and reads progress from the database,
so it does not matter which process, or which machine, advances the job. Both end the
same way: run_job, then the job's outputs written (complete_job).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Protocol

from service.acts.errors import NotIssued
from service.batch.executor import JobStopped, run_job
from service.batch.jobs import (
    held_by_live_runner,
    load_job,
    mark_handed_over,
    orphaned_jobs,
    release_job,
)
from service.batch.submission import outputs_ready, write_job_outputs
from service.database.batch_models import DONE, PENDING, RUNNING, BatchJob
from service.services import Wenshu

log = logging.getLogger(__name__)


class DispatchFailed(RuntimeError):
    """Raised when a job could not be handed to its workers (the broker is unreachable)."""


class Dispatcher(Protocol):
    """Takes jobs to run in the background and says whether one is being taken care of."""

    # How long a pending job may wait after it was handed over before it counts as lost:
    # at once for a thread of this process (its queue dies with it), longer for a broker.
    pending_lost_after: dt.timedelta

    def submit(self, job_id: int) -> None:
        """Have the job run to the end and its outputs written; raise DispatchFailed if not."""
        ...

    def active(self, job: BatchJob) -> bool:
        """Return whether the job is waiting for or held by a runner now."""
        ...

    def close(self) -> None:
        """Stop taking jobs."""
        ...


def complete_job(wenshu: Wenshu, job_id: int, stop: threading.Event | None = None) -> BatchJob:
    """Run the job to the end, writing its outputs before it is marked done; skip what is done.

    Raises JobStopped, the job pending again, when stop is set before the end.
    """
    job = load_job(wenshu, job_id)
    if job.status != DONE:
        write = partial(write_job_outputs, wenshu, job_id)
        return run_job(wenshu, job_id, finish=write, stop=stop)
    if not outputs_ready(wenshu, job):  # removed since, or the job was run by `wenshu batch`
        write_job_outputs(wenshu, job_id)
    return job


class InProcessDispatcher:
    """Runs jobs one at a time on a thread of this process, with this process's LibreOffice."""

    pending_lost_after = dt.timedelta(0)

    def __init__(self, wenshu: Wenshu) -> None:
        self.wenshu = wenshu
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wenshu-batch-job")
        self._futures: dict[int, Future[None]] = {}
        self._stop = threading.Event()

    def submit(self, job_id: int) -> None:
        """Queue the job unless this process has it queued or running already."""
        if self._running(job_id):
            return
        self._futures[job_id] = self._pool.submit(self._complete, job_id)

    def _complete(self, job_id: int) -> None:
        """Run one job; its error stays recorded on the job."""
        try:
            complete_job(self.wenshu, job_id, self._stop)
        except JobStopped as stopped:  # pending again; the next start takes it up
            log.info("%s", stopped)
        except NotIssued as error:  # foreseen, and its message is recorded on the job
            log.warning("batch job %s stopped: %s", job_id, error)
        except Exception:
            log.exception("batch job %s stopped", job_id)

    def _running(self, job_id: int) -> bool:
        """Return whether this process has the job queued or running."""
        future = self._futures.get(job_id)
        return future is not None and not future.done()

    def active(self, job: BatchJob) -> bool:
        """Return whether this process has the job queued or running."""
        return self._running(job.id)

    def close(self) -> None:
        """Record the running job's chunks under way and stop; it and queued ones stay pending."""
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)


class QueueDispatcher:
    """Sends jobs to Celery workers (`wenshu worker`) through the broker."""

    # A broker may lose a queued job (Redis restarted without persistence); sending one
    # again that it did keep does no harm: the second delivery finds the job held or done.
    pending_lost_after = dt.timedelta(minutes=10)

    def __init__(self, wenshu: Wenshu) -> None:
        from service.batch.queue import make_celery

        self.wenshu = wenshu
        self.celery = make_celery(wenshu.settings.broker_url)

    def submit(self, job_id: int) -> None:
        """Put the job on the queue; raise DispatchFailed when the broker cannot be reached."""
        from service.batch.queue import send_job

        try:
            send_job(self.celery, job_id)
        except Exception as error:  # kombu raises its own and socket errors alike
            raise DispatchFailed(f"无法连接任务队列（{self._where()}）：{error}") from error
        mark_handed_over(self.wenshu, job_id)

    def _where(self) -> str:
        """Return the broker's address without its password."""
        return str(self.celery.connection_for_write().as_uri())

    def active(self, job: BatchJob) -> bool:
        """Return whether the job waits in the queue or a live worker holds it."""
        if job.status == PENDING:
            return True
        return job.status == RUNNING and held_by_live_runner(job)

    def close(self) -> None:
        """Close the broker connections."""
        self.celery.close()


def dispatcher_for(wenshu: Wenshu) -> Dispatcher:
    """Return Celery dispatch when a broker is configured, else this process's own thread."""
    if wenshu.settings.broker_url:
        return QueueDispatcher(wenshu)
    return InProcessDispatcher(wenshu)


def submit_or_record(dispatcher: Dispatcher, wenshu: Wenshu, job_id: int) -> str:
    """Submit the job; if that fails, record why on the job (so it can be resumed) and return it."""
    try:
        dispatcher.submit(job_id)
    except DispatchFailed as error:
        log.warning("batch job %s not dispatched: %s", job_id, error)
        release_job(wenshu, job_id, str(error))
        return str(error)
    return ""


def resume_orphans(dispatcher: Dispatcher, wenshu: Wenshu) -> list[int]:
    """Submit every job whose runner died, and pending ones taken as lost; return them.

    A job that cannot be submitted is marked failed with the reason, to be resumed by hand.
    """
    resumed = []
    for job_id in orphaned_jobs(wenshu, pending_after=dispatcher.pending_lost_after):
        log.info("resuming batch job %s, left by a runner that is gone", job_id)
        if not submit_or_record(dispatcher, wenshu, job_id):
            resumed.append(job_id)
    return resumed
