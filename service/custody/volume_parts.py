"""The 案卷's own parts: its 封面, 卷内文件目录 and 备考表, filled from the volume and converted by LibreOffice."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from service.custody.case_volume import CaseVolume, FiledDocument
from service.custody.volume_numbering import Layout, numbered_pages, numbered_starts, page_range
from service.foundations.formatting import BEIJING, format_date
from service.foundations.shipped import shipped_templates
from service.render.fill.docx import render_docx
from service.render.office.converter import Converter

COVER, CONTENTS, NOTES, PAGE_NUMBERS = (
    "case_file_cover",
    "case_file_contents",
    "case_file_notes",
    "case_file_pages",
)
# A case's 立案审批表 and decision are kept for good (永久), and so is the volume holding them.
RETENTION = "永久"


@dataclass(frozen=True)
class Parts:
    """The volume's own parts as PDF/A, and where they and the documents stand."""

    cover: bytes
    contents: bytes
    notes: bytes
    layout: Layout


def render_parts(volume: CaseVolume, bureau: str, converter: Converter) -> Parts:
    """Return the cover, 目录 and 备考表 of the volume, each converted once.

    What each part prints comes from the documents alone: the 页号 count only their pages,
    so no part's length moves a number another part prints.
    """
    cover = convert_part(converter, COVER, cover_context(volume, bureau))
    contents = convert_part(converter, CONTENTS, contents_context(volume))
    notes = convert_part(converter, NOTES, notes_context(volume, bureau))
    layout = Layout.of(volume, page_count(cover), page_count(contents), page_count(notes))
    return Parts(cover, contents, notes, layout)


def case_subject(volume: CaseVolume) -> str:
    """Return what the case is about: its cause, the party before it unless the cause names it."""
    return volume.cause if volume.party in volume.cause else f"{volume.party}{volume.cause}"


def volume_title(volume: CaseVolume, bureau: str) -> str:
    """Return the 案卷题名: the bureau, the party and the cause, the kind of volume."""
    return f"{bureau}关于{case_subject(volume)}的行政处罚案卷"


def cover_context(volume: CaseVolume, bureau: str) -> dict[str, Any]:
    """Return what the cover prints, its 页数 the numbered pages: the documents' own."""
    return {
        "fonds": bureau,
        "volume_title": volume_title(volume, bureau),
        "case_number": volume.number,
        "party": volume.party,
        "cause": volume.cause,
        "opened_on": format_date(volume.opened_on),
        "closed_on": format_date(volume.closed_on),
        "document_count": str(len(volume.documents)),
        "page_count": str(numbered_pages(volume)),
        "retention": RETENTION,
        "classification": volume.classification,
    }


def contents_context(volume: CaseVolume) -> dict[str, Any]:
    """Return the 目录's rows: 序号, 文号, 责任者, 题名, 日期 (20260305, as archives write it), 页号, 备注."""
    rows = [
        {
            "index": str(document.index),
            "number": document.number,
            "author": document.author,
            "title": document.title,
            "date": f"{document.date:%Y%m%d}",
            "pages": page_range(start, document.pages),
            "note": "电子印章" if document.signed else "",
        }
        for document, start in zip(volume.documents, numbered_starts(volume), strict=True)
    ]
    return {"case_number": volume.number, "rows": rows}


def notes_context(volume: CaseVolume, bureau: str) -> dict[str, Any]:
    """Return what the 备考表 says: the volume's statement, the approvals, the fixity list."""
    fixity = [
        {"index": str(d.index), "number": d.number, "sha256": d.sha256, "sm3": d.sm3}
        for d in volume.documents
    ]
    return {
        "case_number": volume.number,
        "statement": statement(volume, bureau),
        "approvals": approval_lines(volume),
        "fixity_note": [
            "下表为卷内各文件归档存储时的固化信息（SHA-256 和 GB/T 32905 SM3 杂凑值），"
            "可据以核验卷内文件与归档原件一致。"
        ],
        "fixity": fixity,
    }


def statement(volume: CaseVolume, bureau: str) -> list[str]:
    """Return the 卷内情况说明: what the case was, what the volume holds, how it is signed."""
    count, pages = len(volume.documents), numbered_pages(volume)
    subject = case_subject(volume)
    case = subject if subject.endswith("案") else f"{subject}一案"
    lines = [
        f"本卷为{bureau}办理的{case}（案号{volume.number}）的行政处罚案卷，"
        f"{format_date(volume.opened_on)}立案，{format_date(volume.closed_on)}结案。",
        f"卷内文件{count}件，共{pages}页，按办案程序排列，送达回证在所送达的文书之后；"
        f"页号自第一件文件首页起编为1至{pages}，印在各页右上角，"
        "封面、卷内文件目录和本表不编页号。",
        *signature_lines(volume.documents),
    ]
    if volume.voided:
        lines.append(
            f"本案作废的文书{len(volume.voided)}份（{'、'.join(volume.voided)}）不入卷，"
            "其作废记录见审计链。"
        )
    return lines


def signature_lines(documents: tuple[FiledDocument, ...]) -> list[str]:
    """Return which documents bear the bureau's electronic seal, checked, and which do not and why."""
    signed = [d for d in documents if d.signed]
    lines = []
    if signed:
        lines.append(
            f"加盖本局电子印章的文件{len(signed)}件（序号{_indexes(signed)}），"
            "电子签名经核验有效，签名后文件未被改动。"
        )
    unsigned: dict[str, list[FiledDocument]] = {}
    for document in documents:
        if not document.signed:
            unsigned.setdefault(document.signature, []).append(document)
    for finding, group in unsigned.items():
        lines.append(f"序号{_indexes(group)}：{finding}。")
    return lines


def approval_lines(volume: CaseVolume) -> list[str]:
    """Return the head's approvals as the audit chain keeps them: who approved what, and when."""
    if not volume.approvals:
        return ["审计链中没有本案负责人审批的记录。"]
    return [
        f"{n}. {approval.at.astimezone(BEIJING):%Y-%m-%d %H:%M}（北京时间），"
        f"负责人{approval.head}批准{approval.subject}，"
        f"审批意见：{approval.opinion or '（未填写）'}（审计链第{approval.entry}条）。"
        for n, approval in enumerate(volume.approvals, 1)
    ]


def _indexes(documents: list[FiledDocument]) -> str:
    """Return the 序号 of documents, joined as a list."""
    return "、".join(str(document.index) for document in documents)


def convert_part(converter: Converter, name: str, context: Mapping[str, Any]) -> bytes:
    """Return one part filled with its context and converted to PDF/A by LibreOffice."""
    template = (shipped_templates() / f"{name}.docx").read_bytes()
    docx = render_docx(template, dict(context))
    with tempfile.TemporaryDirectory(prefix="wenshu-case-file-") as work:
        docx_path, pdf_path = Path(work) / f"{name}.docx", Path(work) / f"{name}.pdf"
        docx_path.write_bytes(docx)
        converter.convert(docx_path, pdf_path)
        return pdf_path.read_bytes()


def page_count(pdf: bytes) -> int:
    """Return the pages of a PDF."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)
