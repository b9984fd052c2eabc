"""Copies of a batch finished in worker processes: sealed and signed, written as OFD, fixed by their digests.

Finishing a converted copy is pure-Python work: stamping the seal and signing (about
15 ms a copy, for a kind that bears the seal), reading its pages into OFD (10–20 ms) and
hashing both files. Done in the batch's threads it queues on one interpreter lock while
LibreOffice waits. A few worker processes, forked from a clean server process
(multiprocessing's forkserver, never from this threaded one), each load the signer and
build the OFD's fonts once, and finish the copies the threads hand them. If a worker
dies, or processes cannot be had, the copies are finished in the calling thread, as a
single document is. What a worker refuses (an OFD it cannot write, a seal with no place)
is raised here as it would be raised in the thread.

Copies travel as files in the pool's own temporary folder, their paths through the pipes:
a PDF sent through the pipe of a worker killed meanwhile would fill it and leave this
process waiting on it for good.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import weakref
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from service.archive.store import Fixity, fixity_of
from service.render.ofd.convert import ofd_of
from service.render.pdfa import DocumentMetadata
from service.render.sealing import BureauSeal

log = logging.getLogger(__name__)
# The modules a worker needs, imported once by the server process the workers fork from.
PRELOAD = ["service.render.sealing", "service.render.ofd.convert", "service.archive.store"]
MAX_WORKERS = 4

_seal: BureauSeal | None = None  # the seal of this worker process, set when it starts


@dataclasses.dataclass(frozen=True)
class ConvertedCopy:
    """A copy as LibreOffice and the metadata left it, with what finishing it needs."""

    pdf: bytes
    metadata: DocumentMetadata
    # The 发文机关署名 and 成文日期 the seal presses on; None when the kind bears no seal.
    signature_lines: tuple[str, str] | None = None
    with_ofd: bool = True  # False only to measure what the OFD costs (bench/batch.py)


@dataclasses.dataclass(frozen=True)
class FinishedCopy:
    """A copy's final PDF and its OFD, each with its SHA-256 and SM3."""

    pdf: bytes
    fixity: Fixity
    ofd: bytes = b""
    ofd_fixity: Fixity | None = None  # None for a copy finished without its OFD


def finish(copy: ConvertedCopy, seal: BureauSeal | None) -> FinishedCopy:
    """Return the copy sealed and signed (when it has lines and there is a seal), its OFD, their digests."""
    pdf = copy.pdf
    if seal is not None and copy.signature_lines is not None:
        pdf = seal.press(pdf, *copy.signature_lines)
    if not copy.with_ofd:
        return FinishedCopy(pdf, fixity_of(pdf))
    ofd = ofd_of(pdf, copy.metadata)
    return FinishedCopy(pdf, fixity_of(pdf), ofd, fixity_of(ofd))


def _adopt(seal: BureauSeal | None) -> None:
    """Keep the batch's seal in this worker process and make its signer now, before any copy."""
    global _seal
    _seal = seal
    if seal is not None:
        seal.signer.signer()


def _finish(
    source: str, pdf_target: str, ofd_target: str, copy: ConvertedCopy
) -> tuple[Fixity, Fixity | None]:
    """Finish the copy, its PDF in file source, into the two target files; return their fixity values.

    copy travels without its PDF, which the file holds.
    """
    if copy.signature_lines is not None and _seal is None:
        raise RuntimeError("a finishing worker was given a copy to seal without the seal")
    finished = finish(dataclasses.replace(copy, pdf=Path(source).read_bytes()), _seal)
    Path(pdf_target).write_bytes(finished.pdf)
    Path(ofd_target).write_bytes(finished.ofd)
    return finished.fixity, finished.ofd_fixity


def _ready() -> None:
    """Do nothing: submitted once so that the workers start while the first chunk converts."""


def worker_count() -> int:
    """Return how many finishing processes a batch uses: one per core, at most MAX_WORKERS."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


@dataclasses.dataclass(frozen=True)
class _Handed:
    """One copy's files in the pool's folder and the future of the worker finishing it."""

    source: Path
    pdf: Path
    ofd: Path
    future: Future[tuple[Fixity, Fixity | None]] | None

    def remove(self) -> None:
        """Remove the copy's files."""
        for path in (self.source, self.pdf, self.ofd):
            path.unlink(missing_ok=True)


class FinishingPool:
    """Worker processes finishing one batch's copies, with its seal if any; safe to use from several threads."""

    def __init__(self, seal: BureauSeal | None, workers: int | None = None) -> None:
        self.seal = seal
        self._lock = threading.Lock()
        self._names = itertools.count()
        self._folder = Path(tempfile.mkdtemp(prefix="wenshu-finishing-"))
        # A pool dropped unclosed still leaves no folder behind (its processes stop with it).
        weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
        self._executor: ProcessPoolExecutor | None = None
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._executor = ProcessPoolExecutor(
                workers or worker_count(), mp_context=context, initializer=_adopt,
                initargs=(seal,),
            )  # fmt: skip
            self._executor.submit(_ready)
        except (OSError, ValueError) as error:
            log.warning("copies finished in this process: no worker processes (%s)", error)
            self._executor = None

    def finish_all(self, copies: list[ConvertedCopy]) -> list[FinishedCopy]:
        """Return each copy finished, in order, by the workers or else here.

        Raises what finishing a copy raises (OfdError, SealUnusable, SigningFailed, …).
        """
        with self._lock:
            executor = self._executor
        if executor is None:
            return [finish(copy, self.seal) for copy in copies]
        handed = [self._hand(executor, copy) for copy in copies]
        try:
            return [self._collect(copy, one) for copy, one in zip(copies, handed, strict=True)]
        finally:
            for one in handed:
                if one.future is not None:
                    one.future.cancel()
                    _wait_quietly(one.future)
                one.remove()

    def _hand(self, executor: ProcessPoolExecutor, copy: ConvertedCopy) -> _Handed:
        """Write one copy into the pool's folder and hand it to a worker (None when the pool broke)."""
        number = next(self._names)
        source = self._folder / f"{number}.pdf"
        pdf, ofd = self._folder / f"{number}.final.pdf", self._folder / f"{number}.ofd"
        source.write_bytes(copy.pdf)
        try:
            bare = dataclasses.replace(copy, pdf=b"")
            future = executor.submit(_finish, str(source), str(pdf), str(ofd), bare)
        except (BrokenProcessPool, RuntimeError) as error:
            self._broken(error)
            future = None
        return _Handed(source, pdf, ofd, future)

    def _collect(self, copy: ConvertedCopy, one: _Handed) -> FinishedCopy:
        """Return one copy as its worker finished it, or finished here when the worker died."""
        if one.future is not None:
            try:
                fixity, ofd_fixity = one.future.result()
                return FinishedCopy(one.pdf.read_bytes(), fixity, one.ofd.read_bytes(), ofd_fixity)
            except (BrokenProcessPool, CancelledError) as error:
                # A worker died, or the pool was closed while a job stopped on an error.
                self._broken(error)
        return finish(copy, self.seal)

    def close(self) -> None:
        """Stop the worker processes and remove the pool's folder."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._folder, ignore_errors=True)

    def _broken(self, error: BaseException) -> None:
        """Give up the workers after one died: the remaining copies are finished here."""
        log.warning("a finishing worker stopped (%s); copies finished in this process", error)
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def _wait_quietly(future: Future[tuple[Fixity, Fixity | None]]) -> None:
    """Wait for a future that could not be cancelled, so that its files are not written after removal."""
    if future.cancelled():
        return
    with contextlib.suppress(CancelledError):
        future.exception()
