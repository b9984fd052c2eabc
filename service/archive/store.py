"""The file store: each PDF or OFD written atomically (temporary file, fsync, rename) under its SHA-256."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

TEMPORARY_DIR = ".incoming"


class ArchiveFull(OSError):
    """Raised when the archive's disk is full; the temporary file is gone and nothing was stored."""

    def __init__(self, root: Path) -> None:
        super().__init__(errno.ENOSPC, f"归档存储空间已满（{root}），请腾出空间后重试")

    def __str__(self) -> str:
        """Return the Chinese message alone, without the errno prefix."""
        return str(self.strerror)


@dataclass(frozen=True)
class Fixity:
    """The fixity values of one file."""

    sha256: str
    sm3: str
    size: int


def fixity_of(data: bytes) -> Fixity:
    """Return SHA-256 and SM3 (GB/T 32905) of data."""
    return Fixity(hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest(), len(data))


class ArchiveStore:
    """Content-addressed files under one root: pdf/ab/cd/abcd….pdf, and each OFD as ofd/ab/cd/….ofd."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str, suffix: str = "pdf") -> str:
        """Return the relative path a file of this format (pdf or ofd) and SHA-256 is stored at."""
        return f"{suffix}/{sha256[:2]}/{sha256[2:4]}/{sha256}.{suffix}"

    def put(self, data: bytes, sha256: str, suffix: str = "pdf") -> str:
        """Store data durably and return its relative path; no partial file is ever visible.

        Raises ArchiveFull when the disk has no room left, after removing the temporary file.
        """
        try:
            return self._put(data, sha256, suffix)
        except OSError as error:
            if error.errno == errno.ENOSPC:
                raise ArchiveFull(self.root) from error
            raise

    def _put(self, data: bytes, sha256: str, suffix: str) -> str:
        """Write data to a temporary file, flush it and rename it into place; return its path."""
        relative = self.path_for(sha256, suffix)
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = self.root / TEMPORARY_DIR
        incoming.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=incoming, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(target.parent)
        return relative

    def read(self, relative: str) -> bytes:
        """Return the bytes of a stored file."""
        return (self.root / relative).read_bytes()

    def absolute(self, relative: str) -> Path:
        """Return the absolute path of a stored file."""
        return self.root / relative

    def discard(self, relative: str) -> None:
        """Remove a stored file that no record refers to (its record was never committed)."""
        (self.root / relative).unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    """Flush a directory entry so that a rename survives a power cut."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
