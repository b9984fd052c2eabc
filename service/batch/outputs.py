"""What a finished batch hands the clerk: each copy as a file, a ZIP of them, a manifest, one PDF to print."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from sqlalchemy import select

from service.archive.access import Visibility, shown
from service.database.batch_models import DONE, BatchItem
from service.database.models import Document
from service.foundations.formatting import format_copy_number
from service.services import Wenshu

MANIFEST, MERGED, ARCHIVE = "manifest.csv", "merged.pdf", "copies.zip"
MANIFEST_COLUMNS = ("recipient", "number", "file", "sha256", "sm3", "copy_number")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
_NAME_BYTES = 200  # file names stay well inside the 255 bytes most file systems allow


@dataclass(frozen=True)
class IssuedCopy:
    """One archived copy of a batch, in row order."""

    row_number: int
    recipient: str
    number: str
    pdf_path: str
    sha256: str
    sm3: str
    copy_number: int = 0  # 份号, when the copies share one 文号

    @property
    def copy_label(self) -> str:
        """Return the 份号 as printed (000001), or "" for a document of its own."""
        return format_copy_number(self.copy_number)

    @property
    def label(self) -> str:
        """Return how the copy is named to a reader: 文号, and 份号 if it has one."""
        return f"{self.number} 第{self.copy_label}份" if self.copy_number else self.number

    @property
    def file_name(self) -> str:
        """Return the copy's file name: 文号 (and 份号) and recipient, safe on every file system."""
        number = f"{self.number}_{self.copy_label}" if self.copy_number else self.number
        return safe_file_name(f"{number}_{self.recipient}") + ".pdf"


def safe_file_name(text: str) -> str:
    """Return text usable as a file name: no separators, controls or reserved marks, not too long."""
    cleaned = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    cleaned = _UNSAFE.sub("_", cleaned).strip("._") or "副本"
    while len(cleaned.encode("utf-8")) > _NAME_BYTES:
        cleaned = cleaned[:-1]
    return cleaned


def issued_copies(
    wenshu: Wenshu, job_id: int, classifications: Visibility = None
) -> list[IssuedCopy]:
    """Return the job's archived copies in row order: those of the 密级 in classifications (None: all)."""
    with wenshu.database.session() as session:
        # The columns a copy's outputs need, not the documents with their facts and context.
        rows = session.execute(
            select(
                BatchItem.row_number, Document.recipient, Document.number, Document.pdf_path,
                Document.sha256, Document.sm3, Document.copy_number,
            )
            .join(Document, Document.id == BatchItem.document_id)
            .where(BatchItem.job_id == job_id, BatchItem.status == DONE, shown(classifications))
            .order_by(BatchItem.row_number)
        ).all()  # fmt: skip
        return [IssuedCopy(*row) for row in rows]


def write_outputs(wenshu: Wenshu, copies: Sequence[IssuedCopy], directory: Path) -> list[Path]:
    """Write each copy, copies.zip, manifest.csv and merged.pdf into directory; return their paths.

    The files are the archived ones, checked against their SHA-256 on the way out; each
    output is written under a temporary name and renamed, so a run stopped meanwhile
    leaves no half-written file under the final name.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for copy in copies:
        data = wenshu.archive.read(copy.pdf_path)
        if hashlib.sha256(data).hexdigest() != copy.sha256:
            raise ValueError(f"{copy.number} 的归档文件与登记的 SHA-256 不符")
        written.append(_replace(directory / copy.file_name, data))
    written.append(_write_zip(directory, copies))
    written.append(_write_manifest(directory, copies))
    written.append(_write_merged(wenshu, directory, copies))
    return written


def _replace(path: Path, data: bytes) -> Path:
    """Write data to path through a temporary file; return path."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def _write_zip(directory: Path, copies: Sequence[IssuedCopy]) -> Path:
    """Write copies.zip holding every copy's file (stored: PDF streams are compressed already)."""
    target = directory / ARCHIVE
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as bundle:
        for copy in copies:
            bundle.write(directory / copy.file_name, copy.file_name)
    partial.replace(target)
    return target


def _write_manifest(directory: Path, copies: Sequence[IssuedCopy]) -> Path:
    """Write manifest.csv: recipient, number, file, sha256, sm3, copy_number (UTF-8 with BOM)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    for copy in copies:
        cells = (
            copy.recipient,
            copy.number,
            copy.file_name,
            copy.sha256,
            copy.sm3,
            copy.copy_label,
        )
        writer.writerow([as_spreadsheet_text(cell) for cell in cells])
    return _replace(directory / MANIFEST, out.getvalue().encode("utf-8-sig"))


# What makes Excel (and LibreOffice Calc) read a cell as a formula or a command: the ASCII
# and full-width formula signs, and a leading tab or carriage return (OWASP CSV injection).
_FORMULA_SIGNS = frozenset("=+-@＝＋－＠")
_FORMULA_CONTROLS = frozenset("\t\r")


def as_spreadsheet_text(cell: str) -> str:
    """Return the cell so that a spreadsheet shows it as text: a leading ' where it could run.

    Leading spaces do not stop Excel from reading " =1+1" as a formula, so the first
    character after any leading white space counts, and a tab or carriage return among
    it; Excel hides the quote and shows the rest as typed.
    """
    rest = cell.lstrip()
    leading = cell[: len(cell) - len(rest)]
    if rest[:1] in _FORMULA_SIGNS or not _FORMULA_CONTROLS.isdisjoint(leading):
        return "'" + cell
    return cell


def _write_merged(wenshu: Wenshu, directory: Path, copies: Sequence[IssuedCopy]) -> Path:
    """Write merged.pdf: every copy in row order, one bookmark each (recipient, 文号 and 份号).

    Copies rendered in one LibreOffice call embed the same font subsets; each font
    program is kept once, so the file is not the sum of the copies.
    """
    target = directory / MERGED
    sources: list[pikepdf.Pdf] = []
    try:
        with pikepdf.new() as merged:
            starts = []
            for copy in copies:
                source = pikepdf.open(wenshu.archive.absolute(copy.pdf_path))
                sources.append(source)  # pages are copied lazily: open until saved
                _drop_signature_fields(source)
                starts.append(len(merged.pages))
                merged.pages.extend(source.pages)
            _share_font_programs(merged)
            with merged.open_outline() as outline:
                outline.root.extend(
                    pikepdf.OutlineItem(f"{copy.recipient} {copy.label}", start)
                    for copy, start in zip(copies, starts, strict=True)
                )
            merged.docinfo["/Title"] = f"批量文书（{len(copies)}份）"
            partial = target.with_name(target.name + ".part")
            merged.save(partial)
            partial.replace(target)
    finally:
        for source in sources:
            source.close()
    return target


def _drop_signature_fields(copy: pikepdf.Pdf) -> None:
    """Remove a signed copy's signature field, in memory, before its pages join merged.pdf.

    Each signature covers its own copy's bytes, kept in the archive and in copies.zip; in the
    merged print file it would cover nothing and read as broken.
    """
    for page in copy.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = [a for a in annotations if a.get("/FT") != pikepdf.Name.Sig]
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj["/Annots"]
    if "/AcroForm" in copy.Root:
        del copy.Root["/AcroForm"]


def _share_font_programs(pdf: pikepdf.Pdf) -> None:
    """Point font descriptors with byte-identical embedded programs at one copy of it."""
    seen: dict[tuple[str, bytes], pikepdf.Object] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
            continue
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            program = obj.get(key)
            if not isinstance(program, pikepdf.Stream):
                continue
            digest = hashlib.sha256(program.read_raw_bytes()).digest()
            first = seen.setdefault((key, digest), program)
            if first.objgen != program.objgen:
                obj[key] = first
