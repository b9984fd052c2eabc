"""Fixity verification: every archived PDF's SHA-256 and SM3 recomputed and compared with its record."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

from service.archive.store import TEMPORARY_DIR, ArchiveStore, Fixity
from service.database.engine import Database
from service.database.models import Document, utcnow

PDF_DIR = "pdf"
CHUNK = 1024 * 1024
# What each kind of problem is called on the pages.
PROBLEM_KINDS = {
    "changed": "文件被改动",
    "missing": "文件缺失",
    "extra": "多出的文件",
    "chain": "审计链断裂",
    "signature": "电子签名未通过核验",
    "leftover": "临时文件",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the archive, named by 文号 (if a record is concerned) and path."""

    kind: str  # changed, missing, extra, signature, chain; leftover for temporary files
    number: str  # the 文号, "" when no record is concerned
    path: str  # relative to the archive folder (audit_events/<id> for the chain)
    message: str  # in Chinese

    def line(self) -> str:
        """Return the problem as one tab-separated line: kind, 文号 (or -), path, message."""
        return f"{self.kind}\t{self.number or '-'}\t{self.path}\t{self.message}"

    def to_json(self) -> dict[str, str]:
        """Return the problem as a JSON object."""
        return asdict(self)

    @property
    def title(self) -> str:
        """Return the kind of problem in Chinese."""
        return PROBLEM_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class VerifyReport:
    """The result of recomputing every archived file's fixity values."""

    checked_at: dt.datetime
    documents: int  # records checked
    files: int  # files found under pdf/
    problems: list[Problem] = field(default_factory=list)
    leftovers: list[Problem] = field(default_factory=list)  # temporary files, reported apart

    @property
    def ok(self) -> bool:
        """Return whether every record's file is present and unchanged and no file is extra."""
        return not self.problems


def file_fixity(path: Path) -> Fixity:
    """Return SHA-256, SM3 and size of a file, read in chunks."""
    sha256, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            sm3.update(chunk)
            size += len(chunk)
    return Fixity(sha256.hexdigest(), sm3.hexdigest(), size)


def fixity_problem(document: Document, root: Path) -> Problem | None:
    """Return what is wrong with a record's file (missing or changed), or None."""
    path = root / document.pdf_path
    if not path.is_file():
        return Problem("missing", document.number, document.pdf_path, "登记的文件不存在")
    found = file_fixity(path)
    differences = [
        name
        for name, recorded, actual in (
            ("SHA-256", document.sha256, found.sha256),
            ("SM3", document.sm3, found.sm3),
            ("大小", str(document.size), str(found.size)),
        )
        if recorded != actual
    ]
    if differences:
        return Problem(
            "changed", document.number, document.pdf_path, f"{'、'.join(differences)}与登记不符"
        )
    return None


def verify_archive(database: Database, store: ArchiveStore) -> VerifyReport:
    """Return the report of recomputing SHA-256 and SM3 of every archived PDF.

    A record whose file is missing or whose values differ is a problem, and so is a file
    under pdf/ that no record refers to. Files in .incoming/ are leftovers of interrupted
    writes: reported apart, they are not problems.
    """
    root = store.root
    checked_at = utcnow()
    with database.session() as session:
        documents = list(session.scalars(select(Document).order_by(Document.id)))
    problems = [p for d in documents if (p := fixity_problem(d, root)) is not None]
    referenced = {document.pdf_path for document in documents}
    files = sorted(archived_files(root, PDF_DIR))
    unreferenced = [path for path in files if path not in referenced]
    if unreferenced:
        # A document issued meanwhile has its file stored just before its record commits:
        # ask once more about the files the first query did not know.
        with database.session() as session:
            recorded = set(
                session.scalars(
                    select(Document.pdf_path).where(Document.pdf_path.in_(unreferenced))
                )
            )
        problems += [
            Problem("extra", "", path, "没有任何登记指向此文件")
            for path in unreferenced
            if path not in recorded
        ]
    leftovers = [
        Problem("leftover", "", path, "中断写入留下的临时文件，可以删除")
        for path in sorted(archived_files(root, TEMPORARY_DIR))
    ]
    return VerifyReport(checked_at, len(documents), len(files), problems, leftovers)


def archived_files(root: Path, folder: str) -> list[str]:
    """Return the files under root/folder, as paths relative to root."""
    base = root / folder
    if not base.is_dir():
        return []
    return [path.relative_to(root).as_posix() for path in base.rglob("*") if not path.is_dir()]
