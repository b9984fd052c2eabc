"""A batch output as served once some of its copies were voided: those copies marked 作废."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict

from sqlalchemy import select

from service.batch.delivery import Delivery
from service.batch.outputs import ARCHIVE, MERGED
from service.database.models import Document
from service.foundations.formatting import format_date, local_date
from service.render.marks import mark_void
from service.services import Wenshu


def voided_output(wenshu: Wenshu, delivery: Delivery, name: str) -> bytes | None:
    """Return merged.pdf or copies.zip with each voided copy marked 作废; None when none is voided.

    The outputs on disk stay as written at the end of the job, like the archived files.
    """
    if name not in (MERGED, ARCHIVE):
        return None
    with wenshu.database.session() as session:
        rows = session.execute(
            select(Document.pdf_path, Document.pages, Document.status, Document.voided_at).where(
                Document.pdf_path.in_([copy.pdf_path for copy in delivery.copies])
            )
        ).all()
    pages = {row.pdf_path: row.pages for row in rows}
    voided = {
        row.pdf_path: void_day(row.voided_at, wenshu.settings.timezone)
        for row in rows
        if row.status == "voided"
    }
    if not voided:
        return None
    source = (delivery.folder / name).read_bytes()
    if name == MERGED:
        return _marked_merged(source, delivery, pages, voided)
    return _marked_zip(source, delivery, voided)


def _marked_merged(
    merged: bytes, delivery: Delivery, pages: dict[str, int], voided: dict[str, str]
) -> bytes:
    """Return merged.pdf with the pages of voided copies marked, one void date at a time."""
    by_date: dict[str, set[int]] = defaultdict(set)
    start = 0
    for copy in delivery.copies:  # merged.pdf holds the copies in this order, whole
        count = pages[copy.pdf_path]
        if copy.pdf_path in voided:
            by_date[voided[copy.pdf_path]].update(range(start, start + count))
        start += count
    for day, numbers in by_date.items():
        merged = mark_void(merged, day, numbers)
    return merged


def _marked_zip(archive: bytes, delivery: Delivery, voided: dict[str, str]) -> bytes:
    """Return copies.zip with the file of each voided copy marked."""
    days = {
        copy.file_name: voided[copy.pdf_path] for copy in delivery.copies if copy.pdf_path in voided
    }
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename in days:
                data = mark_void(data, days[entry.filename])
            target.writestr(entry, data)
    return out.getvalue()


def void_day(voided_at: dt.datetime | None, zone: str) -> str:
    """Return the bureau's day (in its time zone) of a void time stored in UTC: 2026年3月10日."""
    return format_date(local_date(voided_at or dt.datetime.now(dt.UTC), zone))
