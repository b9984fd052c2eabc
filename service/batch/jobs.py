"""Batch jobs in the database: created from checked rows, found again, held by one runner at a time.

A runner (the command line, the web service, or a Celery worker) takes a job by compare-and-set on
its runner column. A runner that died (kill -9) leaves its name behind; the next one
takes over when that process is gone (same machine) or its heartbeat is old (another
machine), and first removes the files the dead one stored without recording them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from service.acts.casework import RECEIPT
from service.acts.errors import FactsRefused, nothing_used
from service.archive.templates import active_template
from service.batch.leftovers import remove_leftovers
from service.batch.validation import RowsCheck
from service.database.batch_models import (
    DONE,
    FAILED,
    INVALID,
    PENDING,
    RUNNING,
    BatchItem,
    BatchJob,
)
from service.database.models import utcnow
from service.instruments.registry import Instrument
from service.services import Wenshu

# A runner on another machine that has not recorded progress for this long is taken as gone.
LEASE = dt.timedelta(minutes=5)
_held: set[int] = set()  # jobs this process is running now
_held_guard = threading.Lock()


class JobBusy(RuntimeError):
    """Raised when another live runner holds the job."""


class UnknownJob(LookupError):
    """Raised for a job id that is not in the database."""

    def __str__(self) -> str:
        return f"没有编号为 {self.args[0]} 的批量任务"


def input_fingerprint(
    kind: str,
    common: Mapping[str, Any],
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    issued_by: str,
) -> str:
    """Return the SHA-256 naming a batch's input, so that running it again finds the same job."""
    payload = {"kind": kind, "common": common, "rows": rows, "issued_by": issued_by}
    text = json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_job(
    wenshu: Wenshu,
    instrument: Instrument,
    common: Mapping[str, Any],
    check: RowsCheck,
    issued_by: str,
    *,
    source: str = "",
    skip_invalid: bool = False,
    fingerprint: str = "",
) -> BatchJob:
    """Record a job with one item per row (invalid ones as such) and the template active now.

    Raises TemplateUnusable (not issued, nothing used) when the kind has no usable template,
    and FactsRefused for a kind issued one by one in a case or only with the head's approval.
    """
    if instrument.case == "required" or instrument.approval:
        raise FactsRefused(
            {"kind": [f"{instrument.title}只能在案件中逐份制作，经审批的文书不能批量生成"]}
        )
    if instrument.kind == RECEIPT:  # each marks the one document it serves served
        raise FactsRefused({"kind": ["送达回证在登记每份文书的送达时逐份生成，不能批量生成"]})
    with nothing_used(), wenshu.database.session() as session:
        template = active_template(session, wenshu.templates, instrument.kind)
        job = BatchJob(
            kind=instrument.kind,
            common_facts=dict(common),
            source=source[:255],
            fingerprint=fingerprint,
            template_id=template.id,
            issued_by=issued_by,
            skip_invalid=skip_invalid,
            status=PENDING,
            total=len(check.valid),
            done=0,
        )
        session.add(job)
        session.flush()
        session.add_all(
            BatchItem(
                job_id=job.id,
                row_number=row.number,
                facts={k: v for k, v in row.raw.items() if k not in common or common[k] != v},
                recipient=str(row.raw.get(instrument.recipient_field) or "")[:200],
                status=PENDING if row.facts is not None else INVALID,
                errors=row.errors,
            )
            for row in check.rows
        )
    return job


def same_input_job(wenshu: Wenshu, fingerprint: str) -> BatchJob | None:
    """Return the job made from this very input: the newest unfinished one, else the newest done."""
    with wenshu.database.session() as session:
        jobs = session.scalars(
            select(BatchJob).where(BatchJob.fingerprint == fingerprint).order_by(BatchJob.id.desc())
        ).all()
    return next((job for job in jobs if job.status != DONE), jobs[0] if jobs else None)


def load_job(wenshu: Wenshu, job_id: int) -> BatchJob:
    """Return a job, or raise UnknownJob."""
    with wenshu.database.session() as session:
        job = session.get(BatchJob, job_id)
    if job is None:
        raise UnknownJob(job_id)
    return job


def runner_name() -> str:
    """Return this process's name as a runner: host, process id and the process's start time."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def _start_time(pid: int) -> str:
    """Return when a process started (clock ticks since boot), or "" if it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]  # field 22, counted after the command name


def _runner_alive(runner: str, heartbeat: dt.datetime | None) -> bool:
    """Return whether the runner that holds a job may still be working on it."""
    host, _, rest = runner.partition(":")
    pid, _, started = rest.partition(":")
    if host == socket.gethostname() and pid.isdigit():
        return _start_time(int(pid)) == started
    if heartbeat is None:
        return False
    return utcnow() - heartbeat < LEASE


def claim_job(wenshu: Wenshu, job_id: int) -> BatchJob:
    """Take the job for this process and clean up after a dead runner; or raise JobBusy."""
    me = runner_name()
    with _held_guard:
        if job_id in _held:
            raise JobBusy(f"批量任务 #{job_id} 正在本进程中执行")
        _held.add(job_id)
    try:
        job = load_job(wenshu, job_id)
        if job.runner and job.runner != me and _runner_alive(job.runner, job.heartbeat_at):
            raise JobBusy(f"批量任务 #{job_id} 正由 {job.runner} 执行")
        with wenshu.database.session() as session:
            taken = session.execute(
                update(BatchJob)
                .where(BatchJob.id == job_id, BatchJob.runner == job.runner)
                .values(runner=me, status=RUNNING, heartbeat_at=utcnow(), error="")
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise JobBusy(f"批量任务 #{job_id} 刚被另一个进程接手")
        remove_leftovers(wenshu, job_id)
        return load_job(wenshu, job_id)
    except BaseException:
        with _held_guard:
            _held.discard(job_id)
        raise


def release_job(wenshu: Wenshu, job_id: int, error: str = "", *, requeue: bool = False) -> BatchJob:
    """Let go of a job: done when no row is pending, else failed with the error (resumable).

    With requeue the unfinished job is pending again instead, to be taken up by itself.
    """
    try:
        with wenshu.database.session() as session:
            pending = session.scalar(
                select(BatchItem.id).where(BatchItem.job_id == job_id, BatchItem.status == PENDING)
            )
            unfinished = pending is not None or bool(error)
            status = (PENDING if requeue else FAILED) if unfinished else DONE
            session.execute(
                update(BatchJob)
                .where(BatchJob.id == job_id)
                .values(
                    runner="",
                    status=status,
                    error=error[:2000],
                    finished_at=utcnow() if status == DONE else None,
                )
            )
    finally:
        with _held_guard:
            _held.discard(job_id)
    return load_job(wenshu, job_id)


def orphaned_jobs(wenshu: Wenshu, *, pending_after: dt.timedelta | None) -> list[int]:
    """Return the ids of jobs that should go on but that no live runner holds, oldest first.

    These are jobs whose runner died (kill -9, a crash, a lost machine) and, unless
    pending_after is None, jobs pending that long since they were last handed over (queued
    in a process that is gone, or by a broker that lost them). A job stopped on purpose
    (Ctrl-C) or by an error is "failed" and waits for someone to resume it.
    """
    wanted = [RUNNING] if pending_after is None else [RUNNING, PENDING]
    with wenshu.database.session() as session:
        jobs = session.scalars(
            select(BatchJob).where(BatchJob.status.in_(wanted)).order_by(BatchJob.id)
        ).all()
    return [job.id for job in jobs if _left_behind(job, pending_after)]


def _left_behind(job: BatchJob, pending_after: dt.timedelta | None) -> bool:
    """Return whether a running job's runner is gone, or a pending job has waited too long."""
    if job.status == RUNNING:
        return not held_by_live_runner(job)
    handed_over = job.heartbeat_at or job.created_at
    return pending_after is not None and utcnow() - handed_over >= pending_after


def mark_handed_over(wenshu: Wenshu, job_id: int) -> None:
    """Note that a pending job was just handed to its runners (its heartbeat, while it waits)."""
    with wenshu.database.session() as session:
        session.execute(
            update(BatchJob)
            .where(BatchJob.id == job_id, BatchJob.status == PENDING)
            .values(heartbeat_at=utcnow())
        )


def held_by_live_runner(job: BatchJob) -> bool:
    """Return whether the runner named on the job may still be working on it."""
    return bool(job.runner) and _runner_alive(job.runner, job.heartbeat_at)


def job_items(wenshu: Wenshu, job_id: int, status: str | None = None) -> list[BatchItem]:
    """Return the job's items in row order, optionally only those of one status."""
    query = select(BatchItem).where(BatchItem.job_id == job_id).order_by(BatchItem.row_number)
    if status is not None:
        query = query.where(BatchItem.status == status)
    with wenshu.database.session() as session:
        return list(session.scalars(query))
