"""Database tables of batch jobs: the job (kind, common facts, who) and one item per recipient row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.database.models import Base, utcnow

# Job status: pending (created, never run), running (a runner holds it), failed (stopped
# by an error; resumable), done. Item status: pending, done (document_id set), invalid.
PENDING, RUNNING, FAILED, DONE, INVALID = "pending", "running", "failed", "done", "invalid"


class BatchJob(Base):
    """One batch: an instrument kind, the facts common to every copy, who issues it, its state.

    Any executor may advance a job (the command line, the web service, a Celery worker); runner names
    the one holding it and heartbeat_at when it last recorded progress.
    """

    __tablename__ = "batch_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    common_facts: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(255), default="")  # the recipients table's name
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # of kind, facts, rows, issuer
    template_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    issued_by: Mapped[str] = mapped_column(String(64))
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    total: Mapped[int] = mapped_column(Integer, default=0)  # rows to issue (invalid ones aside)
    done: Mapped[int] = mapped_column(Integer, default=0)
    runner: Mapped[str] = mapped_column(String(200), default="")
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class BatchItem(Base):
    """One recipient row of a job: its own facts over the common ones, and what became of it.

    staged_path (and staged_ofd_path) name the PDF (and OFD) stored for the row whose record
    was not committed yet; a runner that died between storing and committing leaves them,
    and the next runner removes them.
    """

    __tablename__ = "batch_items"
    __table_args__ = (UniqueConstraint("job_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("batch_jobs.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)  # as the spreadsheet shows it (header = 1)
    facts: Mapped[dict[str, Any]]
    recipient: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    errors: Mapped[dict[str, Any]] = mapped_column(default=dict)  # field → messages, if invalid
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    staged_path: Mapped[str] = mapped_column(String(255), default="")
    # Its OFD, stored beside the PDF and named with it (migration 0017).
    staged_ofd_path: Mapped[str] = mapped_column(String(255), default="", server_default="")
