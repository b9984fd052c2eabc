"""What a closed case's file holds: its documents in procedural order, each checked against its record, and its approvals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.people import person_name
from service.cases.records import EXTENSION, load_case
from service.cases.status import CLOSED
from service.custody.case_order import RECEIPT, procedural_order
from service.custody.export import vouched_bytes
from service.custody.sealed_documents import judge_signatures, seal_trust
from service.database.models import AuditEvent, Document, Submission
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu

# DA/T 46 密级 from the most open to the most closed: a volume is as closed as its most closed part.
CLASSIFICATIONS = ("公开", "内部", "秘密", "机密", "绝密")
APPROVE = "approve"  # the audit chain's action of the head's approval
MISMATCH = (
    "存档文件与登记不符，未组成案卷：请运行 wenshu archive verify 检测归档存储，"
    "从备份恢复所列文件后再组卷"
)


class CaseFileRefused(ValueError):
    """Raised when a case's file cannot be made; the message says why, in Chinese."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class CaseNotClosed(CaseFileRefused):
    """Raised for a case that has not reached 结案: its file is made up only once it is closed."""


class FilesDiffer(CaseFileRefused):
    """Raised when an archived file of the case is missing or differs from its record."""


class VolumeUnconverted(CaseFileRefused):
    """Raised when LibreOffice could not convert the volume's own pages."""


@dataclass(frozen=True)
class FiledDocument:
    """One document of the file: what its 目录 row says, its archived bytes and their fixity."""

    index: int  # 序号, from 1
    id: int
    kind: str
    number: str
    title: str  # 文件题名 as the 目录 lists it
    author: str  # 责任者
    date: dt.date
    data: bytes  # the archived file as stored
    pages: int
    sha256: str
    sm3: str
    signed: bool  # it bears the bureau's electronic seal and signature
    signature: str  # what the check of its signatures found, in Chinese


@dataclass(frozen=True)
class Approval:
    """One approval of the head in the case, as the audit chain keeps it."""

    head: str
    subject: str  # what was approved
    opinion: str
    at: dt.datetime
    entry: int  # the audit chain entry's number


@dataclass(frozen=True)
class CaseVolume:
    """A closed case and what its file holds."""

    id: int
    number: str
    cause: str
    party: str
    opened_on: dt.date
    closed_on: dt.date
    documents: tuple[FiledDocument, ...]
    voided: tuple[str, ...]  # the 文号 of the case's voided documents, left out of the file
    approvals: tuple[Approval, ...]
    classification: str  # 密级: the most closed of its documents'


def gather_volume(wenshu: Wenshu, case_id: int) -> CaseVolume:
    """Return what the file of a closed case holds, each archived file checked against its record.

    Raises NoSuchCase for an unknown case, CaseNotClosed before 结案, and FilesDiffer,
    listing the files, when an archived file is missing or differs from its recorded
    SHA-256 and SM3: a file never carries a document the archive cannot vouch for.
    """
    with wenshu.database.session() as session:
        case = load_case(session, case_id)
        if case.status != CLOSED or case.number is None or case.closed_on is None:
            place = case.number or f"编号为 {case_id} 的案件"
            raise CaseNotClosed(
                f"案件尚未结案：{place}目前处于“{case.status}”阶段，结案报告制作后才能组成案卷"
            )
        rows = list(session.scalars(select(Document).where(Document.case_id == case_id)))
        approvals = _approvals(session, case_id, {row.id: row for row in rows})
    issued = procedural_order([row for row in rows if row.status == "issued"])
    voided = tuple(row.number for row in sorted(rows, key=lambda r: r.id) if row.status != "issued")
    documents, problems = _filed(wenshu, issued)
    if problems:
        raise FilesDiffer(MISMATCH, problems)
    return CaseVolume(
        id=case.id, number=case.number, cause=case.cause, party=case.party,
        opened_on=case.opened_on, closed_on=case.closed_on, documents=tuple(documents),
        voided=voided, approvals=approvals,
        classification=most_closed(row.classification for row in issued),
    )  # fmt: skip


def most_closed(classifications: Iterable[str]) -> str:
    """Return the most closed 密级 of those given (公开 for none); an unknown one counts as closed."""
    rank = {name: n for n, name in enumerate(CLASSIFICATIONS)}
    return max(classifications, key=lambda c: rank.get(c, len(CLASSIFICATIONS)), default="公开")


def _filed(wenshu: Wenshu, rows: list[Document]) -> tuple[list[FiledDocument], list[str]]:
    """Return the documents as filed, and each file that is missing or changed."""
    trust = seal_trust(wenshu)
    numbers = {row.number: row for row in rows}
    documents: list[FiledDocument] = []
    problems: list[str] = []
    for index, row in enumerate(rows, 1):
        data = vouched_bytes(wenshu, row, problems)
        if data is None:
            continue
        verdict = judge_signatures(row, data, trust)
        written = read_archival_metadata(wenshu.archive.absolute(row.pdf_path))
        documents.append(
            FiledDocument(
                index=index, id=row.id, kind=row.kind, number=row.number,
                title=_listed_title(row, numbers), date=row.document_date,
                author=written.get("责任者") or wenshu.settings.bureau.name, data=data,
                pages=row.pages, sha256=row.sha256, sm3=row.sm3,
                signed=verdict.findings.signed and verdict.passed, signature=verdict.detail,
            )
        )  # fmt: skip
    return documents, problems


def _listed_title(row: Document, numbers: dict[str, Document]) -> str:
    """Return the 文件题名 of the 目录: the instrument's, a 送达回证 naming what it served."""
    if row.kind != RECEIPT:
        return row.title
    served = str(row.facts.get("served_number") or "")
    served_title = numbers[served].title if served in numbers else row.facts.get("served_title")
    return f"{row.title}（{served_title}）" if served_title else row.title


def _approvals(session: Session, case_id: int, rows: dict[int, Document]) -> tuple[Approval, ...]:
    """Return the head's approvals of the case's instruments and extensions, oldest first.

    An approval through a submission names its case; one given on the command line names
    the document it let be issued. The head is named as the 备考表 prints him: his full name.
    """
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == APPROVE).order_by(AuditEvent.id)
    )
    found = []
    for event in events:
        details = event.details
        document = rows.get(details.get("document_id") or 0)
        if details.get("case_id") != case_id and document is None:
            continue
        found.append(
            Approval(
                head=person_name(session, event.actor),
                subject=_approved(session, details, document),
                opinion=str(details.get("opinion") or ""), at=event.at, entry=event.id,
            )
        )  # fmt: skip
    return tuple(found)


def _approved(session: Session, details: dict[str, object], document: Document | None) -> str:
    """Return what an approval approved: an instrument and its 文号, or an extension and its days."""
    if document is not None:
        return f"{document.title}（{document.number}）"
    if details.get("kind") == EXTENSION:
        submission = session.get(Submission, details.get("submission_id") or 0)
        days = submission.facts.get("days") if submission is not None else None
        return f"延长办案期限{days}日" if days else "延长办案期限"
    return str(details.get("kind") or "申请")
