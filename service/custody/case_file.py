"""The file (案卷) of a closed case: one PDF/A of its 封面, 卷内文件目录, documents and 备考表."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from service.archive.audit import record_event
from service.archive.store import fixity_of
from service.custody.case_volume import CaseVolume, VolumeUnconverted, gather_volume
from service.custody.volume_numbering import Layout
from service.custody.volume_parts import (
    PAGE_NUMBERS,
    RETENTION,
    convert_part,
    render_parts,
    volume_title,
)
from service.custody.volume_pdf import assemble_volume
from service.render.office.retry import OfficeError
from service.render.pdfa import DocumentMetadata
from service.services import Wenshu

KIND = "case_file"  # written as the volume's dc:type beside its title
BUSINESS_ACTION = "组卷"


def case_file_pdf(wenshu: Wenshu, case_id: int) -> bytes:
    """Return the file of a closed case as one PDF/A-2b.

    Raises NoSuchCase for an unknown case, CaseNotClosed before 结案, FilesDiffer when an
    archived file differs from its record, VolumeUnconverted when LibreOffice fails
    (service.custody.case_volume).
    """
    return volume_pdf(wenshu, gather_volume(wenshu, case_id)).data


@dataclass(frozen=True)
class VolumePdf:
    """The 案卷 as one PDF/A, and where its parts and documents stand in it."""

    data: bytes
    layout: Layout


def volume_pdf(wenshu: Wenshu, volume: CaseVolume) -> VolumePdf:
    """Return the volume's PDF/A: its parts converted, its documents merged, numbered, described.

    Raises VolumeUnconverted when LibreOffice fails.
    """
    bureau = wenshu.settings.bureau.name
    try:
        parts = render_parts(volume, bureau, wenshu.converter)
        # Numbers for the documents' pages only: the first page, then one a page more.
        breaks = [""] * (parts.layout.document_pages - 1)
        numbers = convert_part(wenshu.converter, PAGE_NUMBERS, {"breaks": breaks})
    except OfficeError as error:
        raise VolumeUnconverted(
            f"案卷未能生成：{error}。请稍后重试；一再失败时请检查 LibreOffice 转换服务"
        ) from error
    metadata = DocumentMetadata(
        title=volume_title(volume, bureau), document_number=volume.number,
        responsible_body=bureau, date=volume.closed_on, retention_period=RETENTION,
        classification=volume.classification, kind=KIND, agent="wenshu",
        action_time=dt.datetime.now(dt.UTC), business_action=BUSINESS_ACTION,
    )  # fmt: skip
    return VolumePdf(assemble_volume(volume, parts, numbers, metadata), parts.layout)


def record_case_file(
    wenshu: Wenshu, case_id: int, number: str, data: bytes, actor: str, action: str, via: str
) -> None:
    """Record in the audit chain that a case's file left the archive: who, how, which bytes."""
    fixity = fixity_of(data)
    details: dict[str, Any] = {
        "case_id": case_id, "case_file": number, "via": via,
        "sha256": fixity.sha256, "sm3": fixity.sm3, "size": fixity.size,
    }  # fmt: skip
    with wenshu.database.session() as session:
        record_event(session, action, actor, f"{number}案卷", details)
