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
# The parts are converted again when one's length moves the pages after it; twice is the
# most a part can grow (a 目录 turning a page moves every range, which may widen a row).
MAX_PASSES = 4


@dataclass(frozen=True)
class Layout:
    """Where everything of the volume stands, its parts' lengths given."""

    cover_pages: int
    contents_pages: int
    notes_pages: int
    starts: tuple[int, ...]  # the page each document starts on, from 1
    notes_start: int

    @classmethod
    def of(cls, volume: CaseVolume, cover: int, contents: int, notes: int) -> Layout:
        """Return the layout of the volume with parts of these lengths."""
        starts, page = [], cover + contents + 1
        for document in volume.documents:
            starts.append(page)
            page += document.pages
        return cls(cover, contents, notes, tuple(starts), page)

    @property
    def total(self) -> int:
        """Return the volume's pages."""
        return self.notes_start + self.notes_pages - 1

    @property
    def document_pages(self) -> int:
        """Return the pages of the documents alone."""
        return self.notes_start - self.cover_pages - self.contents_pages - 1


@dataclass(frozen=True)
class Parts:
    """The volume's own parts as PDF/A, and the layout they were filled for."""

    cover: bytes
    contents: bytes
    notes: bytes
    layout: Layout


def render_parts(volume: CaseVolume, bureau: str, converter: Converter) -> Parts:
    """Return the cover, 目录 and 备考表 of the volume, converted until their lengths settle.

    Each part is laid out knowing how long the others are (the 目录's page ranges start
    after the cover and itself; the cover and the 备考表 count every page), so the parts
    are converted again, at most MAX_PASSES times, until no length changes.
    """
    lengths = (1, 1, 1)
    for _ in range(MAX_PASSES):
        layout = Layout.of(volume, *lengths)
        cover = convert_part(converter, COVER, cover_context(volume, bureau, layout))
        contents = convert_part(converter, CONTENTS, contents_context(volume, layout))
        notes = convert_part(converter, NOTES, notes_context(volume, bureau, layout))
        found = (page_count(cover), page_count(contents), page_count(notes))
        if found == lengths:
            return Parts(cover, contents, notes, layout)
        lengths = found
    raise RuntimeError(f"the case file's parts did not settle in {MAX_PASSES} conversions")


def page_range(start: int, pages: int) -> str:
    """Return a document's 页号 as the 目录 prints it: 5, or 5-8."""
    return str(start) if pages == 1 else f"{start}-{start + pages - 1}"


def case_subject(volume: CaseVolume) -> str:
    """Return what the case is about: its cause, the party before it unless the cause names it."""
    return volume.cause if volume.party in volume.cause else f"{volume.party}{volume.cause}"


def volume_title(volume: CaseVolume, bureau: str) -> str:
    """Return the 案卷题名: the bureau, the party and the cause, the kind of volume."""
    return f"{bureau}关于{case_subject(volume)}的行政处罚案卷"


def cover_context(volume: CaseVolume, bureau: str, layout: Layout) -> dict[str, Any]:
    """Return what the cover prints."""
    return {
        "fonds": bureau,
        "volume_title": volume_title(volume, bureau),
        "case_number": volume.number,
        "party": volume.party,
        "cause": volume.cause,
        "opened_on": format_date(volume.opened_on),
        "closed_on": format_date(volume.closed_on),
        "document_count": str(len(volume.documents)),
        "page_count": str(layout.total),
        "retention": RETENTION,
        "classification": volume.classification,
    }


def contents_context(volume: CaseVolume, layout: Layout) -> dict[str, Any]:
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
        for document, start in zip(volume.documents, layout.starts, strict=True)
    ]
    return {"case_number": volume.number, "rows": rows}


def notes_context(volume: CaseVolume, bureau: str, layout: Layout) -> dict[str, Any]:
    """Return what the 备考表 says: the volume's statement, the approvals, the fixity list."""
    fixity = [
        {"index": str(d.index), "number": d.number, "sha256": d.sha256, "sm3": d.sm3}
        for d in volume.documents
    ]
    return {
        "case_number": volume.number,
        "statement": statement(volume, bureau, layout),
        "approvals": approval_lines(volume),
        "fixity_note": [
            "下表为卷内各文件归档存储时的固化信息（SHA-256 和 GB/T 32905 SM3 杂凑值），"
            "可据以核验卷内文件与归档原件一致。"
        ],
        "fixity": fixity,
    }


def statement(volume: CaseVolume, bureau: str, layout: Layout) -> list[str]:
    """Return the 卷内情况说明: what the case was, what the volume holds, how it is signed."""
    count = len(volume.documents)
    subject = case_subject(volume)
    case = subject if subject.endswith("案") else f"{subject}一案"
    lines = [
        f"本卷为{bureau}办理的{case}（案号{volume.number}）的行政处罚案卷，"
        f"{format_date(volume.opened_on)}立案，{format_date(volume.closed_on)}结案。",
        f"卷内文件{count}件，共{layout.document_pages}页，按办案程序排列，送达回证在所送达的文书之后；"
        f"连同封面{layout.cover_pages}页、卷内文件目录{layout.contents_pages}页和本表"
        f"{layout.notes_pages}页，全卷共{layout.total}页，页号印在每页上端外侧。",
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
