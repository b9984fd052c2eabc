"""Export for transfer: a BagIt package of PDFs named by 文号, each with its DA/T 46 metadata in JSON."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bagit
from sqlalchemy import select

from service.archive.audit import chain_head, record_event
from service.archive.store import fixity_of
from service.database.models import Document
from service.foundations.formatting import format_copy_number
from service.instruments.registry import INSTRUMENTS, Numbering
from service.render.pdfa import read_archival_metadata
from service.services import Wenshu

CHECKSUMS = ["sha256", "sha512"]
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


class ExportRefused(ValueError):
    """Raised when nothing was exported; the message says why, in Chinese."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class ExportResult:
    """Where the bag was written and what it holds."""

    path: Path
    numbers: list[str]


def safe_file_name(number: str) -> str:
    """Return a 文号 usable as a file name on any system (君档监通〔2026〕3号 stays as it is)."""
    name = UNSAFE.sub("_", number).strip().lstrip(".")
    return name[:120] or "文书"


def export_bag(
    wenshu: Wenshu, out: Path, actor: str, kind: str = "", year: int | None = None
) -> ExportResult:
    """Write the documents of a kind and year (all when not given) as a BagIt bag at out.

    Each file's SHA-256 and SM3 are checked against its record first: a changed or missing
    file stops the export, so that a package never carries a file the archive cannot vouch
    for. The bag is built beside out and renamed into place when complete; the export is
    recorded in the audit chain. Raises ExportRefused.
    """
    if kind and kind not in INSTRUMENTS:
        raise ExportRefused(f"没有这种文书：{kind}")
    refuse_occupied(out)
    with wenshu.database.session() as session:
        query = select(Document).order_by(
            Document.kind, Document.year, Document.sequence, Document.copy_number
        )
        if kind:
            query = query.where(Document.kind == kind)
        if year is not None:
            query = query.where(Document.year == year)
        documents = list(session.scalars(query))
        _head_id, head = chain_head(session)
    if not documents:
        raise ExportRefused("没有符合条件的文书，未导出")
    write_bag(
        wenshu,
        out,
        lambda folder: _write_payload(wenshu, documents, folder),
        _bag_info(wenshu, kind, year, len(documents), head),
        actor=actor,
        subject="archive",
        details={"kind": kind, "year": year, "documents": len(documents)},
    )
    return ExportResult(out, [document.number for document in documents])


def refuse_occupied(out: Path) -> None:
    """Raise ExportRefused unless out is a new or empty folder: an export never mixes with other files."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportRefused(f"{out} 已存在且不是空目录，请指定新的目录")


def write_bag(
    wenshu: Wenshu,
    out: Path,
    write_payload: Callable[[Path], None],
    info: dict[str, str],
    *,
    actor: str,
    subject: str,
    details: dict[str, Any],
) -> None:
    """Write a BagIt bag at out, its payload written by write_payload, and record the export.

    The bag is built in a folder beside out and renamed into place when complete, so that
    out never holds half a bag: when write_payload raises (ExportRefused), nothing is left.
    The export is recorded in the audit chain as actor's, about subject: out, the details,
    the bag's Payload-Oxum and the SHA-256 of its SHA-256 manifest.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_payload(staging)
        bag = bagit.make_bag(str(staging), info, checksums=CHECKSUMS)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    manifest = (out / "manifest-sha256.txt").read_bytes()
    with wenshu.database.session() as session:
        record_event(
            session, "export", actor, subject,
            {"out": str(out.resolve()), **details,
             "payload_oxum": bag.info.get("Payload-Oxum", ""),
             "manifest_sha256": hashlib.sha256(manifest).hexdigest()},
        )  # fmt: skip


def vouched_bytes(
    wenshu: Wenshu, document: Document, problems: list[str], ofd: bool = False
) -> bytes | None:
    """Return a document's archived PDF (or OFD) when it matches its record's SHA-256, SM3 and size.

    A missing or changed file is added to problems, naming its 文号 and path, and None is
    returned: what is exported or filed is only ever what the archive can vouch for.
    """
    if ofd:
        path, recorded = (
            document.ofd_path,
            (document.ofd_sha256, document.ofd_sm3, document.ofd_size),
        )
    else:
        path, recorded = document.pdf_path, (document.sha256, document.sm3, document.size)
    try:
        data = wenshu.archive.absolute(path).read_bytes()
    except OSError:
        problems.append(f"{document.number}：文件 {path} 不存在")
        return None
    fixity = fixity_of(data)
    if (fixity.sha256, fixity.sm3, fixity.size) != recorded:
        problems.append(f"{document.number}：文件 {path} 与登记的固化信息不符")
        return None
    return data


def _write_payload(wenshu: Wenshu, documents: list[Document], folder: Path) -> None:
    """Write each document's PDF and metadata JSON into folder.

    Raises ExportRefused naming each file the archive cannot vouch for.
    """
    problems: list[str] = []
    used: set[str] = set()
    for document in documents:
        data = vouched_bytes(wenshu, document, problems)
        if data is None:
            continue
        name = safe_file_name(document.number)
        if document.copy_number:  # copies share the 文号: each is named by its 份号 too
            name += f"_{format_copy_number(document.copy_number)}"
        while name in used:  # two 文号 that differ only in unsafe characters
            name += "_"
        used.add(name)
        (folder / f"{name}.pdf").write_bytes(data)
        if document.ofd_path:  # the OFD beside it, vouched for the same way
            ofd = vouched_bytes(wenshu, document, problems, ofd=True)
            if ofd is not None:
                (folder / f"{name}.ofd").write_bytes(ofd)
        path = wenshu.archive.absolute(document.pdf_path)
        metadata = document_metadata(wenshu, document, path, f"data/{name}.pdf")
        (folder / f"{name}.json").write_text(
            json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    if problems:
        raise ExportRefused("存档文件与登记不符，未导出", problems)


def document_metadata(wenshu: Wenshu, document: Document, path: Path, file: str) -> dict[str, Any]:
    """Return a document's DA/T 46 core elements and business actions as a JSON object."""
    written = read_archival_metadata(path)
    recorded_as = "收文" if document.numbering == Numbering.INCOMING else "发文"
    actions: list[dict[str, str]] = [
        {"action": recorded_as, "agent": document.issued_by, "time": document.issued_at.isoformat()}
    ]
    if document.status == "voided":
        actions.append(
            {"action": "作废", "agent": document.voided_by,
             "time": document.voided_at.isoformat() if document.voided_at else "",
             "reason": document.void_reason}
        )  # fmt: skip
    return {
        "title": document.title,
        "document_number": document.number,
        "copy_number": format_copy_number(document.copy_number),
        "numbering": document.numbering,
        "responsible_body": written.get("责任者") or wenshu.settings.bureau.name,
        "date": document.document_date.isoformat(),
        "retention_period": document.retention,
        "classification": document.classification,
        "kind": document.kind,
        "status": document.status,
        "recipient": document.recipient,
        "format": "application/pdf; PDF/A-2b",
        "size": document.size,
        "pages": document.pages,
        "fixity": {"sha256": document.sha256, "sm3": document.sm3},
        "storage_path": document.pdf_path,
        "file": file,
        **_ofd_metadata(document, file),
        "template": {"version": document.template_version, "sha256": document.template_sha256},
        "business_actions": actions,
    }


def _ofd_metadata(document: Document, file: str) -> dict[str, Any]:
    """Return the OFD's entry of a document's metadata: its file in the bag, size and fixity."""
    if not document.ofd_path:
        return {}
    return {
        "ofd": {
            "format": "application/ofd; GB/T 33190-2016",
            "file": file.removesuffix(".pdf") + ".ofd",
            "size": document.ofd_size,
            "fixity": {"sha256": document.ofd_sha256, "sm3": document.ofd_sm3},
            "storage_path": document.ofd_path,
        }
    }


def _bag_info(wenshu: Wenshu, kind: str, year: int | None, count: int, head: str) -> dict[str, str]:
    """Return the bag-info.txt fields: the bureau, what was selected, the audit chain's head."""
    selection = "、".join(
        part
        for part in (INSTRUMENTS[kind].title if kind else "", f"{year}年" if year else "")
        if part
    )
    return {
        "Source-Organization": wenshu.settings.bureau.name,
        "External-Description": f"wenshu 导出的档案行政执法文书：{selection or '全部'}，共{count}份",
        "External-Identifier": f"wenshu:{kind or 'all'}:{year or 'all'}",
        "Wenshu-Documents": str(count),
        "Wenshu-Audit-Chain-Head": head,
    }
