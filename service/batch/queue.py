"""The task queue between the web service and `wenshu worker`: one Celery app, one task, by name.

The web service only sends the task by its name; the worker (service.commands.celery_worker)
defines it. Settings are Celery's own, chosen for long jobs that must not be lost:
a worker takes one job at a time and acknowledges it only when it has finished.
"""

from __future__ import annotations

from celery import Celery

TASK = "wenshu.batch.complete"
QUEUE = "wenshu-batch"
# A job not acknowledged for this long goes back to the queue. Jobs whose worker died are
# taken up sooner by the workers' own check (service.commands.celery_worker), so this may be long.
VISIBILITY_TIMEOUT = 6 * 3600
CONNECT_TIMEOUT = 3.0


def make_celery(broker_url: str) -> Celery:
    """Return a Celery app on the broker, set up for wenshu's batch jobs."""
    app = Celery("wenshu", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # progress and results are in the database
        task_acks_late=True,  # a job taken by a worker that dies goes back to the queue
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds no job it has not started
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=CONNECT_TIMEOUT,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "socket_connect_timeout": CONNECT_TIMEOUT,
        },
        worker_hijack_root_logger=False,
    )
    return app


def send_job(app: Celery, job_id: int) -> None:
    """Put a job on the queue, trying the broker a few times before giving up."""
    app.send_task(
        TASK,
        args=[job_id],
        queue=QUEUE,
        retry=True,
        retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
    )
