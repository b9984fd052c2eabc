"""`wenshu worker`: a Celery worker with its own LibreOffice pool that runs batch jobs to the end.

Each worker takes one job at a time from the broker and runs it as every executor does
(service.batch.dispatch.complete_job), keeping all of its own LibreOffice workers busy.
A worker told to stop (SIGTERM) records the chunks under way and sends its job back to
the queue for another worker. Jobs left by a worker that died (kill -9, a lost machine)
are sent to the queue again by whichever worker notices first: when it starts, and once
a minute after that.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from typing import Any

from celery.signals import worker_ready, worker_shutting_down

from service.acts.errors import NotIssued
from service.background.startup import prepare_service
from service.batch.dispatch import QueueDispatcher, complete_job, resume_orphans, submit_or_record
from service.batch.executor import JobStopped
from service.batch.jobs import JobBusy, UnknownJob
from service.batch.queue import QUEUE, TASK
from service.foundations.config import Settings
from service.foundations.periodic import Every
from service.render.office.pool import OfficePool
from service.services import Wenshu

log = logging.getLogger(__name__)
ORPHAN_CHECK_SECONDS = 60.0


def default_name() -> str:
    """Return the worker's Celery node name on this machine."""
    return f"wenshu@{socket.gethostname()}"


def add_task(dispatcher: QueueDispatcher, wenshu: Wenshu, stop: threading.Event) -> None:
    """Define the batch task, running jobs with these services until stop is set."""

    # Not shared: the task runs with these services, so it belongs to this worker's app alone.
    @dispatcher.celery.task(name=TASK, shared=False)
    def complete(job_id: int) -> str:
        """Run one job to the end and write its outputs; the outcome is recorded on the job."""
        try:
            return complete_job(wenshu, job_id, stop).status
        except JobStopped:  # this worker is shutting down: another one goes on with the job
            log.info("batch job %s handed back to the queue", job_id)
            submit_or_record(dispatcher, wenshu, job_id)
            return "handed back"
        except JobBusy as busy:  # a duplicate delivery; the live runner finishes the job
            log.info("batch job %s: %s", job_id, busy)
            return "busy"
        except UnknownJob:
            log.warning("batch job %s is not in this worker's database", job_id)
            return "unknown"
        except NotIssued as error:  # foreseen: recorded on the job, waiting to be resumed
            log.warning("batch job %s stopped: %s", job_id, error)
            return "failed"
        except Exception:  # recorded on the job; it waits to be resumed, not redelivered
            log.exception("batch job %s stopped", job_id)
            return "failed"


class OrphanWatch(Every):
    """Sends jobs whose runner died (or that the broker lost) back to the queue, now and every interval."""

    def __init__(self, dispatcher: QueueDispatcher, wenshu: Wenshu, interval: float) -> None:
        super().__init__("wenshu-orphan-watch", interval)
        self.dispatcher = dispatcher
        self.wenshu = wenshu

    def work(self) -> None:
        """Look for jobs left behind once."""
        resume_orphans(self.dispatcher, self.wenshu)


def run_worker(settings: Settings, name: str, loglevel: str = "INFO") -> None:
    """Start this machine's LibreOffice pool, then serve batch jobs from the broker until stopped."""
    logging.basicConfig(level=loglevel, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The pool's profiles are named after the worker, so that a worker restarted under the
    # same name kills the LibreOffice its killed predecessor left, and no other's.
    pool = OfficePool(settings, name=re.sub(r"[^A-Za-z0-9_.-]+", "-", name))
    wenshu = Wenshu.open(settings, pool)
    try:
        prepare_service(wenshu)
        pool.wait_ready()
        dispatcher = QueueDispatcher(wenshu)
        stop = threading.Event()
        add_task(dispatcher, wenshu, stop)
        watch = OrphanWatch(dispatcher, wenshu, ORPHAN_CHECK_SECONDS)

        def start_watch(**_: Any) -> None:
            watch.start()

        def stop_job(**_: Any) -> None:
            stop.set()  # the job at hand records its chunks under way and goes back to the queue

        worker_ready.connect(start_watch, weak=False)
        worker_shutting_down.connect(stop_job, weak=False)
        try:
            dispatcher.celery.worker_main(
                ["worker", "--pool=solo", "--concurrency=1", f"--hostname={name}", f"--loglevel={loglevel}",
                 f"--queues={QUEUE}", "--without-gossip", "--without-mingle"]
            )  # fmt: skip
        finally:
            watch.stop()
            dispatcher.close()
    finally:
        wenshu.close()
