"""A closed case for transfer: a BagIt package of its 案卷, its documents named by 文号, and case.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.archive.audit import chain_head
from service.archive.store import fixity_of
from service.custody.case_file import VolumePdf, volume_pdf
from service.custody.case_volume import CaseVolume, gather_volume
from service.custody.export import ExportResult, refuse_occupied, safe_file_name, write_bag
from service.custody.volume_numbering import page_range
from service.custody.volume_parts import RETENTION, volume_title
from service.services import Wenshu

CASE_JSON = "case.json"


def volume_file_name(number: str) -> str:
    """Return the 案卷's file name: its case number and 案卷 (君档立〔2026〕3号案卷.pdf).

    The case number is the 立案审批表's 文号, whose own file goes by that number alone.
    """
    return f"{safe_file_name(number)}案卷.pdf"


def export_case_bag(wenshu: Wenshu, case_id: int, out: Path, actor: str = "cli") -> ExportResult:
    """Write a closed case as a BagIt bag at out: its 案卷, each document's archived PDF, case.json.

    Refuses (ExportRefused) an out that is not a new or empty folder; raises as
    case_file_pdf does for an unknown, open or damaged case. The bag is built beside out and
    renamed into place when complete; the export is recorded in the audit chain.
    """
    refuse_occupied(out)
    volume = gather_volume(wenshu, case_id)
    made = volume_pdf(wenshu, volume)
    with wenshu.database.session() as session:
        _head_id, head = chain_head(session)
    write_bag(
        wenshu,
        out,
        lambda folder: _write_payload(wenshu, volume, made, folder),
        _bag_info(wenshu, volume, head),
        actor=actor,
        subject=f"{volume.number}案卷",
        details={
            "case_id": volume.id,
            "case_file": volume.number,
            "documents": len(volume.documents),
        },
    )
    return ExportResult(out, [document.number for document in volume.documents])


def _write_payload(wenshu: Wenshu, volume: CaseVolume, made: VolumePdf, folder: Path) -> None:
    """Write the 案卷, each document's archived file and case.json into folder."""
    record = _write_files(wenshu, volume, made, folder)
    (folder / CASE_JSON).write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _write_files(
    wenshu: Wenshu, volume: CaseVolume, made: VolumePdf, folder: Path
) -> dict[str, Any]:
    """Write the 案卷 and each document's archived file into folder; return case.json's content."""
    name = volume_file_name(volume.number)
    (folder / name).write_bytes(made.data)
    fixity = fixity_of(made.data)
    documents = []
    used = {name}
    for document, start in zip(volume.documents, made.layout.starts, strict=True):
        file = f"{safe_file_name(document.number)}.pdf"
        while file in used:  # two 文号 that differ only in unsafe characters
            file = file.removesuffix(".pdf") + "_.pdf"
        used.add(file)
        (folder / file).write_bytes(document.data)
        documents.append(
            {"index": document.index, "kind": document.kind, "title": document.title,
             "number": document.number, "responsible_body": document.author,
             "date": document.date.isoformat(), "pages": document.pages,
             "case_file_pages": page_range(start, document.pages),
             "signed": document.signed, "signature": document.signature,
             "file": f"data/{file}",
             "fixity": {"sha256": document.sha256, "sm3": document.sm3}}
        )  # fmt: skip
    bureau = wenshu.settings.bureau.name
    return {
        "case_number": volume.number,
        "title": volume_title(volume, bureau),
        "responsible_body": bureau,
        "cause": volume.cause,
        "party": volume.party,
        "opened_on": volume.opened_on.isoformat(),
        "closed_on": volume.closed_on.isoformat(),
        "retention_period": RETENTION,
        "classification": volume.classification,
        "case_file": {
            "file": f"data/{name}",
            "format": "application/pdf; PDF/A-2b",
            "size": fixity.size,
            "pages": made.layout.total,
            # The 页号 1 to numbered_pages are the documents' pages, from the volume's page
            # first_numbered_page on: the ranges of case_file_pages count them.
            "numbered_pages": made.layout.document_pages,
            "first_numbered_page": made.layout.numbered_from,
            "fixity": {"sha256": fixity.sha256, "sm3": fixity.sm3},
        },
        "documents": documents,
        "voided": list(volume.voided),
        "approvals": [
            {
                "head": a.head,
                "approved": a.subject,
                "opinion": a.opinion,
                "time": a.at.isoformat(),
                "audit_entry": a.entry,
            }
            for a in volume.approvals
        ],
    }


def _bag_info(wenshu: Wenshu, volume: CaseVolume, head: str) -> dict[str, str]:
    """Return the bag-info.txt fields: the bureau, the case, the audit chain's head."""
    return {
        "Source-Organization": wenshu.settings.bureau.name,
        "External-Description": f"wenshu 导出的行政处罚案卷：{volume.number}，"
        f"卷内文件{len(volume.documents)}件",
        "External-Identifier": f"wenshu:case:{volume.number}",
        "Wenshu-Documents": str(len(volume.documents)),
        "Wenshu-Audit-Chain-Head": head,
    }
