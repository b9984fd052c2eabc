"""Database tables: issued documents, numbering series, template versions, the audit chain."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.database.about_year import about_year_default
from service.database.search_text import search_text_default


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment stored in UTC and read back with its zone on every database.

    SQLite keeps no offset and gives stored times back naive; they were written in UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Return the stored moment, marked UTC where the database dropped the zone."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        dt.datetime: UtcDateTime(),
    }


class NumberSeries(Base):
    """The last 文号 sequence used in one series and year; advanced only with a document."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class TemplateVersion(Base):
    """One published version of an instrument's DOCX template."""

    __tablename__ = "template_versions"
    __table_args__ = (
        UniqueConstraint("kind", "version"),
        # Exactly one version of a kind is issued with: the database refuses a second active
        # row, whichever writer (a publish racing an activation, a hand edit) attempts it.
        Index(
            "ix_template_versions_one_active",
            "kind",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(255))  # inside the instance's template store
    # The DOCX itself, so that every machine of the service can render any version; loaded
    # only when this machine has no copy. Null only for rows from before it was kept here.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    active: Mapped[bool] = mapped_column(default=False)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class Document(Base):
    """One issued instrument, or one copy of it: its number, facts, template, file and fixity values.

    The copies of a document sent to many units share its number and are told apart by their
    份号 (copy_number 1, 2, …); a document issued once has none (0). Each copy is a record of
    its own, with its own file, fixity values and audit entry, so that every check of the
    archive holds for it as for any document.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("series", "year", "sequence", "copy_number", name="uq_documents_copy"),
        UniqueConstraint("number", "copy_number", name="uq_documents_number_copy"),
        # The register's orders, walked from either end by keyset pages (migration 0013); the
        # 密级 last, so that the reader's visibility is checked without reading the rows.
        Index("ix_documents_date_id", "document_date", "id", "classification"),
        Index("ix_documents_kind_date_id", "kind", "document_date", "id", "classification"),
        Index("ix_documents_status_date_id", "status", "document_date", "id", "classification"),
        Index("ix_documents_receipts", "numbering", "year", "sequence", "id", "classification"),
        # A year's reports, orders, summary and circular (migration 0015), with what tells
        # whether they changed, read from the index alone (0016).
        Index("ix_documents_about_year", "about_year", "kind", "status", "classification", "id"),
        # The 密级 held above 公开, walked one value at a time, and a hidden 密级's follow-ups
        # (0016); partial, so that it is small and no register's page is tempted by it.
        Index(
            "ix_documents_classified",
            "classification",
            "kind",
            "id",
            sqlite_where=text("classification <> '公开'"),
            postgresql_where=text("classification <> '公开'"),
        ),
        # A case's documents, with what tells whether the case changed since its items were
        # computed (service.acts.duedates.open_case_items), read without the rows (0016).
        Index("ix_documents_case_state", "case_id", "id", "voided_at", "served_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    series: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    copy_number: Mapped[int] = mapped_column(Integer, default=0)  # 份号; 0 for none
    # How it was numbered (service.instruments.registry.Numbering): "own", "shared" (a copy
    # with a 份号), or "incoming" (a report received, its number a 收文登记号).
    numbering: Mapped[str] = mapped_column(String(16), default="own")
    recipient: Mapped[str] = mapped_column(String(200), default="", index=True)
    document_date: Mapped[dt.date]
    facts: Mapped[dict[str, Any]]
    template_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id"))
    template_version: Mapped[int] = mapped_column(Integer)
    template_sha256: Mapped[str] = mapped_column(String(64))
    pdf_path: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    sm3: Mapped[str] = mapped_column(String(64))
    retention: Mapped[str] = mapped_column(String(20))
    classification: Mapped[str] = mapped_column(String(20))
    # The same pages as OFD (GB/T 33190), archived beside the PDF with their own fixity
    # values (migration 0017); empty for a document issued before OFD was written.
    ofd_path: Mapped[str] = mapped_column(String(255), default="", server_default="")
    ofd_size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ofd_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    ofd_sm3: Mapped[str] = mapped_column(String(64), default="", server_default="")
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The context the template was filled with, so that a re-render reproduces the archived
    # file even after the archive it was computed from has changed. Null for documents
    # issued before it was kept; loaded only when asked for, since listings never need it.
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None, deferred=True)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[str] = mapped_column(String(64), default="")
    voided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The enforcement case it was issued in, if any.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None)
    # The day it reached its addressee and the 送达回证 that proves it; every time limit
    # for the party runs from this day. Null until it is served.
    served_on: Mapped[dt.date | None] = mapped_column(default=None)
    service_receipt_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # The facts' values as plain text, which the register's text search reads through its
    # own index (SQLite FTS5 trigram, PostgreSQL pg_trgm); filled from the facts on insert.
    search_text: Mapped[str] = mapped_column(
        Text, default=search_text_default, server_default="", deferred=True
    )
    # The year it reports on (报告年度, 审核年度, 考核年度), from its facts on insert: the desk
    # finds last year's reports, orders and circular by it rather than reading every fact.
    about_year: Mapped[int | None] = mapped_column(Integer, default=about_year_default)


class Case(Base):
    """An enforcement case (案件): opened by an approved 立案审批表, closed by a 结案报告.

    Its number is the 文号 of its 立案审批表, given when the head approves it; until then
    the case waits for approval without one. status is one of service.cases.status.
    """

    __tablename__ = "cases"
    # The cases in progress, found by their status without reading the rows (0016).
    __table_args__ = (Index("ix_cases_status_id", "status", "id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str] = mapped_column(String(200))  # 案由
    party: Mapped[str] = mapped_column(String(200), index=True)  # 当事人
    opened_on: Mapped[dt.date]  # 立案日期, from which 第六十条's 90 days run
    facts: Mapped[dict[str, Any]]  # the 立案审批表's facts as submitted
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_on: Mapped[dt.date | None] = mapped_column(default=None)


class Submission(Base):
    """An instrument or an extension submitted for the head's approval; numbered only once approved.

    kind is an instrument kind, or "extension" for a 延长办案期限 request of a case
    (facts: days and reason). status: awaiting_approval, returned (with the head's reason)
    or approved (document_id then names the document issued).
    """

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), default=None, index=True)
    facts: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    opinion: Mapped[str] = mapped_column(Text, default="")  # the head's 审批意见 or return reason
    document_id: Mapped[int | None] = mapped_column(Integer, default=None)


class Unit(Base):
    """A unit of the bureau's directory of supervised units: the parties a case may name."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), default="")  # 统一社会信用代码
    address: Mapped[str] = mapped_column(String(200), default="")
    representative: Mapped[str] = mapped_column(String(60), default="")  # 法定代表人（负责人）
    town: Mapped[str] = mapped_column(String(60), default="")  # 所在乡镇（街道）
    category: Mapped[str] = mapped_column(String(60), default="")  # 单位类别
    active: Mapped[bool] = mapped_column(default=True)


class Officer(Base):
    """An enforcement officer of the directory: the 执法人员 a form may name while certified."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    certificate: Mapped[str] = mapped_column(String(40), unique=True)  # 执法证号
    valid_until: Mapped[dt.date] = mapped_column()  # the certificate's last valid day
    active: Mapped[bool] = mapped_column(default=True)


class User(Base):
    """A person who signs in: a clerk, a template maintainer or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    full_name: Mapped[str] = mapped_column(String(60), default="")  # printed as 经办人
    title: Mapped[str] = mapped_column(String(60), default="")  # 职务


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked: Mapped[bool] = mapped_column(default=False)


class ReviewConfirmation(Base):
    """A review confirmed: its token is taken once, and remembers the page its issuing led to."""

    __tablename__ = "review_confirmations"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(String(255), default="")  # "" while it is being issued


class Draft(Base):
    """A form saved before issuing, to be resumed; its fields exactly as typed."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    fields: Mapped[list[Any]] = mapped_column(JSON)  # [[name, value], ...] as submitted
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # True while the form kept it as the clerk typed; False once saved on purpose (保存草稿).
    autosaved: Mapped[bool] = mapped_column(default=False)


class AuditEvent(Base):
    """One entry of the audit chain: who did what to which subject, linked by hash to the one before.

    Ids are given by record_event, one more than the last, so that a deleted entry leaves a gap.
    """

    __tablename__ = "audit_events"
    # The audit views count and skip failed sign-ins by action; a flood of them must not turn
    # every view of the archive page into a scan of the whole chain.
    __table_args__ = (Index("ix_audit_events_action_id", "action", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200), index=True)
    details: Mapped[dict[str, Any]]
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The single row naming the newest audit entry: appends lock it, verification checks the tail."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class ArchiveCheck(Base):
    """One run of the archive check (fixity of every file and the audit chain) and what it found."""

    __tablename__ = "archive_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime]
    trigger: Mapped[str] = mapped_column(String(16))  # schedule, web or cli
    actor: Mapped[str] = mapped_column(String(64))
    documents: Mapped[int] = mapped_column(Integer)
    files: Mapped[int] = mapped_column(Integer)
    audit_events: Mapped[int] = mapped_column(Integer)
    problems: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    leftovers: Mapped[list[dict[str, str]]] = mapped_column(JSON)


class LoginSession(Base):
    """A signed-in browser session, kept on the server: signing out, idling or being disabled ends it.

    The browser's signed cookie holds a random key; only its SHA-256 is kept here, so that
    the table does not hand out sessions to whoever reads it.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime] = mapped_column(index=True)


class FailedLogins(Base):
    """Recent failed sign-ins of one user name or from one address, and the wait they earned."""

    __tablename__ = "failed_logins"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # account or address
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)  # in the window that began at window_started_at
    window_started_at: Mapped[dt.datetime | None]
    lockouts: Mapped[int] = mapped_column(Integer)  # locks so far; each lasts twice the one before
    locked_until: Mapped[dt.datetime | None]
    touched_at: Mapped[dt.datetime] = mapped_column(index=True)


class KeptSubmission(Base):
    """A form posted after its session had ended, kept for its user to find after signing in again.

    Only the browser that posted it holds the random token (in its cookie); only the token's
    SHA-256 is kept here. The fields are those typed, never a password or an uploaded file.
    """

    __tablename__ = "kept_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(64))  # the form's route, for its role check
    return_to: Mapped[str] = mapped_column(String(500))  # the page that shows the form again
    fields: Mapped[list[Any]] = mapped_column(JSON)  # [[name, value], ...] as posted
    files_dropped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)


class DueItemRow(Base):
    """One thing an issued document makes due, until the follow-up that shows compliance settles it.

    Written in the transaction that issues the document (service.acts.due_table), removed
    when it is voided; settled_at and settled_by_document_id name the follow-up (a 复查决定,
    a report received, a 回访 record) and are cleared when that follow-up is voided. What the
    row says (due, what, unit, number, note) is what the rules of service.acts.duedates give;
    classification is its document's 密级, so that visibility is a condition of the query.
    """

    __tablename__ = "due_items"
    # The pages' and counts' one index (migration 0016): the unsettled rows alone, in the
    # pages' order (service.acts.duedates.ROW_ORDER), with the 密级 the reader's filter reads.
    __table_args__ = (
        Index(
            "ix_due_items_open",
            "due",
            "what",
            "document_id",
            "id",
            "classification",
            sqlite_where=text("settled_at IS NULL"),
            postgresql_where=text("settled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A record deleted outside the service (which only voids) takes its items with it, so that
    # the archive check finds the gap rather than the database refusing it.
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(Integer, default=None)
    matter: Mapped[str] = mapped_column(String(16))  # REVIEW_WINDOW or CORRECTION
    due: Mapped[dt.date]
    what: Mapped[str] = mapped_column(String(200))
    # The unit and the 文号 find what a follow-up answers: its report, its 回访, its 复查决定.
    unit: Mapped[str] = mapped_column(String(200), index=True)
    year: Mapped[int | None] = mapped_column(Integer, default=None)  # a report ordered, on year
    number: Mapped[str] = mapped_column(String(100), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    classification: Mapped[str] = mapped_column(String(20))
    settled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    settled_by_document_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
