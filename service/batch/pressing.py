"""Copies of a sealed batch pressed in worker processes: the seal and signature off the batch's own process.

Stamping a copy (its text positions read, the seal drawn, the file saved) and signing it
are pure-Python work of about 15 ms a copy: done in the batch's threads they queue on one
interpreter lock while LibreOffice waits. A few worker processes, forked from a clean
server process (multiprocessing's forkserver, never from this threaded one), each load the
signer once and press the copies the threads hand them. If a worker dies, or processes
cannot be had, the copies are pressed in the calling thread, as a single document is.

Copies travel as files in the pool's own temporary folder, their paths through the pipes:
a PDF sent through the pipe of a worker killed meanwhile would fill it and leave this
process waiting on it for good.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from service.render.sealing import BureauSeal

log = logging.getLogger(__name__)
# The modules a worker needs, imported once by the server process the workers fork from.
PRELOAD = ["service.render.sealing"]
MAX_WORKERS = 4

_seal: BureauSeal | None = None  # the seal of this worker process, set when it starts


def _adopt(seal: BureauSeal) -> None:
    """Keep the batch's seal in this worker process and make its signer now, before any copy."""
    global _seal
    _seal = seal
    seal.signer.signer()


def _press(source: str, target: str, issuer: str, date: str) -> None:
    """Seal and sign the copy in file source with this worker process's seal, into file target."""
    if _seal is None:
        raise RuntimeError("a pressing worker was given a copy before its seal")
    Path(target).write_bytes(_seal.press(Path(source).read_bytes(), issuer, date))


def _ready() -> None:
    """Do nothing: submitted once so that the workers start while the first chunk converts."""


def worker_count() -> int:
    """Return how many pressing processes a batch uses: one per core, at most MAX_WORKERS."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


class PressingPool:
    """Worker processes pressing one batch's copies with one seal; safe to use from several threads."""

    def __init__(self, seal: BureauSeal, workers: int | None = None) -> None:
        self.seal = seal
        self._lock = threading.Lock()
        self._names = itertools.count()
        self._folder = Path(tempfile.mkdtemp(prefix="wenshu-pressing-"))
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
            log.warning("sealed copies pressed in this process: no worker processes (%s)", error)
            self._executor = None

    def press_all(self, copies: list[tuple[bytes, str, str]]) -> list[bytes]:
        """Return each (pdf, 署名, 成文日期) pressed, in order, by the workers or else here."""
        with self._lock:
            executor = self._executor
        if executor is None:
            return [self.seal.press(*copy) for copy in copies]
        handed: list[tuple[Path, Path, Future[None] | None]] = []
        for pdf, issuer, date in copies:
            number = next(self._names)
            source, target = self._folder / f"{number}.pdf", self._folder / f"{number}.sealed.pdf"
            source.write_bytes(pdf)
            handed.append((source, target, self._submit(executor, source, target, issuer, date)))
        pressed = []
        for copy, (source, target, future) in zip(copies, handed, strict=True):
            try:
                if future is not None:
                    try:
                        future.result()
                        pressed.append(target.read_bytes())
                        continue
                    except (BrokenProcessPool, CancelledError) as error:
                        # A worker died, or the pool was closed while a job stopped on an error.
                        self._broken(error)
                pressed.append(self.seal.press(*copy))
            finally:
                source.unlink(missing_ok=True)
                target.unlink(missing_ok=True)
        return pressed

    def _submit(
        self, executor: ProcessPoolExecutor, source: Path, target: Path, issuer: str, date: str
    ) -> Future[None] | None:
        """Return the future of one copy handed to a worker, or None when the pool is broken."""
        try:
            return executor.submit(_press, str(source), str(target), issuer, date)
        except (BrokenProcessPool, RuntimeError) as error:
            self._broken(error)
            return None

    def close(self) -> None:
        """Stop the worker processes and remove the pool's folder."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._folder, ignore_errors=True)

    def _broken(self, error: BaseException) -> None:
        """Give up the workers after one died: the remaining copies are pressed here."""
        log.warning("a pressing worker stopped (%s); sealed copies pressed in this process", error)
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
