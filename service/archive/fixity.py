"""Fixity verification: every archived PDF's and OFD's SHA-256 and SM3 recomputed and compared with its record."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import select

from service.archive.store import TEMPORARY_DIR, ArchiveStore, Fixity
from service.database.engine import Database
from service.database.models import Document, utcnow

PDF_DIR = "pdf"
OFD_DIR = "ofd"
CHUNK = 1024 * 1024
# Records fetched from the database at a time: the archive is streamed, never loaded whole.
STREAM_BATCH = 1000
# Files hashed at once, and how many more may wait for their turn: hashlib lets go of the
# interpreter lock while it hashes, so threads hash in parallel; the bound keeps memory flat.
HASHERS = min(8, os.cpu_count() or 1)
IN_FLIGHT = HASHERS * 4
# An archived file's path as the store writes it: pdf/ab/cd/<its SHA-256>.pdf (or ofd/….ofd).
CONTENT_PATH = re.compile(r"(pdf|ofd)/[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})\.(pdf|ofd)")
Outcome = TypeVar("Outcome")
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
    files: int  # files found under pdf/ and ofd/
    problems: list[Problem] = field(default_factory=list)
    leftovers: list[Problem] = field(default_factory=list)  # temporary files, reported apart

    @property
    def ok(self) -> bool:
        """Return whether every record's file is present and unchanged and no file is extra."""
        return not self.problems


@dataclass(frozen=True)
class ArchivedFile:
    """What the check needs of one record: its 文号, kind, time of issue, file and fixity values."""

    id: int
    number: str
    kind: str
    issued_at: dt.datetime
    pdf_path: str
    sha256: str
    sm3: str
    size: int
    ofd_path: str = ""
    ofd_sha256: str = ""
    ofd_sm3: str = ""
    ofd_size: int = 0

    def ofd(self) -> ArchivedFile | None:
        """Return the record's OFD as a file to check like a PDF, or None if it has none."""
        if not self.ofd_path:
            return None
        return ArchivedFile(
            self.id, self.number, self.kind, self.issued_at, self.ofd_path, self.ofd_sha256,
            self.ofd_sm3, self.ofd_size,
        )  # fmt: skip


class Recorded(Protocol):
    """A record of an archived file: a Document or an ArchivedFile."""

    @property
    def number(self) -> str:
        """Return the 文号."""

    @property
    def pdf_path(self) -> str:
        """Return the file's path, relative to the archive folder."""

    @property
    def sha256(self) -> str:
        """Return the recorded SHA-256."""

    @property
    def sm3(self) -> str:
        """Return the recorded SM3."""

    @property
    def size(self) -> int:
        """Return the recorded size in bytes."""


class Examiner(Protocol[Outcome]):
    """A further check of each archived file's bytes, run alongside the hashing (the signatures).

    examine runs in a hashing thread, once per record whose file exists; keep runs in the
    calling thread, in the records' order, with what examine returned.
    """

    def examine(self, record: ArchivedFile, data: bytes) -> Outcome:
        """Return what is found in the file's bytes."""

    def keep(self, record: ArchivedFile, outcome: Outcome) -> None:
        """Keep what examine found."""


def archived_records(database: Database) -> Iterator[ArchivedFile]:
    """Yield every record's file and fixity values in the order issued, fetched a batch at a time.

    Only the columns the check needs are selected (never the facts or the context), and the
    rows are streamed (a server-side cursor on PostgreSQL), so memory does not grow with the
    archive.
    """
    columns = (
        Document.id, Document.number, Document.kind, Document.issued_at, Document.pdf_path,
        Document.sha256, Document.sm3, Document.size, Document.ofd_path, Document.ofd_sha256,
        Document.ofd_sm3, Document.ofd_size,
    )  # fmt: skip
    query = select(*columns).order_by(Document.id).execution_options(yield_per=STREAM_BATCH)
    with database.session() as session:
        for row in session.execute(query):
            yield ArchivedFile(*row)


def file_fixity(path: Path) -> Fixity:
    """Return SHA-256, SM3 and size of a file, read in chunks."""
    sha256, sm3, size = hashlib.sha256(), hashlib.new("sm3"), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            sm3.update(chunk)
            size += len(chunk)
    return Fixity(sha256.hexdigest(), sm3.hexdigest(), size)


def fixity_problem(document: Recorded, root: Path) -> Problem | None:
    """Return what is wrong with a record's file (missing or changed), or None."""
    path = root / document.pdf_path
    if not path.is_file():
        return Problem("missing", document.number, document.pdf_path, "登记的文件不存在")
    return changed_problem(document, file_fixity(path))


def changed_problem(document: Recorded, found: Fixity) -> Problem | None:
    """Return a problem naming the values of a file that differ from its record's, or None."""
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


def verify_archive(
    database: Database, store: ArchiveStore, examiner: Examiner[Any] | None = None
) -> VerifyReport:
    """Return the report of recomputing SHA-256 and SM3 of every archived PDF.

    A record whose file is missing or whose values differ is a problem, and so is a file
    under pdf/ that no record refers to. Files in .incoming/ are leftovers of interrupted
    writes: reported apart, they are not problems. The records are streamed and their files
    hashed by a few threads, a bounded number at a time, the problems kept in the records'
    order; an examiner, if given, looks at each existing file's bytes as they are hashed.
    """
    root = store.root
    checked_at = utcnow()
    problems: list[Problem] = []
    referenced: set[object] = set()
    documents = 0
    with ThreadPoolExecutor(HASHERS, thread_name_prefix="wenshu-fixity") as pool:
        waiting: deque[tuple[ArchivedFile, Future[tuple[Problem | None, bool, Any]]]] = deque()
        for record in archived_records(database):
            documents += 1
            referenced.add(path_key(record.pdf_path))
            waiting.append((record, pool.submit(_check_file, record, root, examiner)))
            ofd = record.ofd()
            if ofd is not None:  # checked like the PDF; the examiner reads PDFs alone
                referenced.add(path_key(ofd.pdf_path))
                waiting.append((ofd, pool.submit(_check_file, ofd, root, None)))
            while len(waiting) >= IN_FLIGHT:
                _take(waiting.popleft(), problems, examiner)
        while waiting:
            _take(waiting.popleft(), problems, examiner)
    files = 0
    unreferenced = []
    for folder in (PDF_DIR, OFD_DIR):
        for path in archived_files(root, folder):
            files += 1
            if path_key(path) not in referenced:
                unreferenced.append(path)
    del referenced
    problems += [
        Problem("extra", "", path, "没有任何登记指向此文件")
        for path in sorted(_still_unrecorded(database, unreferenced))
    ]
    leftovers = [
        Problem("leftover", "", path, "中断写入留下的临时文件，可以删除")
        for path in sorted(archived_files(root, TEMPORARY_DIR))
    ]
    return VerifyReport(checked_at, documents, files, problems, leftovers)


def path_key(path: str) -> object:
    """Return a compact key standing for an archived path: its SHA-256's 32 bytes (with "ofd" for an OFD)."""
    match = CONTENT_PATH.fullmatch(path)
    if match is None or match.group(1) != match.group(3):
        return path
    digest = bytes.fromhex(match.group(2))
    return digest if match.group(1) == PDF_DIR else (OFD_DIR, digest)


def _check_file(
    record: ArchivedFile, root: Path, examiner: Examiner[Any] | None
) -> tuple[Problem | None, bool, Any]:
    """Return a record's fixity problem, whether its file exists, and what the examiner found."""
    path = root / record.pdf_path
    if not path.is_file():
        return Problem("missing", record.number, record.pdf_path, "登记的文件不存在"), False, None
    if examiner is None:
        return changed_problem(record, file_fixity(path)), True, None
    data = path.read_bytes()  # the examiner reads the whole file; one read serves both
    sha256, sm3 = hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest()
    problem = changed_problem(record, Fixity(sha256, sm3, len(data)))
    return problem, True, examiner.examine(record, data)


def _take(
    done: tuple[ArchivedFile, Future[tuple[Problem | None, bool, Any]]],
    problems: list[Problem],
    examiner: Examiner[Any] | None,
) -> None:
    """Wait for one record's file to be checked and keep what was found."""
    record, future = done
    problem, present, outcome = future.result()
    if problem is not None:
        problems.append(problem)
    if present and examiner is not None and record.pdf_path.endswith(".pdf"):
        examiner.keep(record, outcome)


def _still_unrecorded(database: Database, paths: list[str]) -> list[str]:
    """Return those of paths that no record refers to, asking the database once more.

    A document issued meanwhile has its file stored just before its record commits: the
    files the stream did not know are looked up again, a few hundred at a time.
    """
    unrecorded = []
    with database.session() as session:
        for start in range(0, len(paths), 500):
            some = paths[start : start + 500]
            recorded = set(
                session.scalars(select(Document.pdf_path).where(Document.pdf_path.in_(some)))
            ) | set(session.scalars(select(Document.ofd_path).where(Document.ofd_path.in_(some))))
            unrecorded += [path for path in some if path not in recorded]
    return unrecorded


def archived_files(root: Path, folder: str) -> Iterator[str]:
    """Yield the files under root/folder, as paths relative to root, walking folder by folder."""
    base = root / folder
    if not base.is_dir():
        return
    pending = [base]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                else:
                    yield Path(entry.path).relative_to(root).as_posix()
