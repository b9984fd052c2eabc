"""The pool of LibreOffice workers: each conversion borrows an idle one, tried again on another.

A worker converts one document at a time, each attempt into a private folder (office_retry).
After a failed attempt, only a worker that really died (exited, silent, or past its timeout)
is killed and restarted in the background; one that still answers goes back to the pool.
The conversion is tried again on the next free worker until it succeeds or its deadline
passes, unless the fault blames the document. A worker is also restarted after a set number
of conversions, because soffice's memory grows from about 80 MB to 500 MB over a few hundred
documents.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from service.foundations.config import Settings
from service.render.office.process import OfficeWorker
from service.render.office.retry import (
    DEATHS_PER_CONVERSION,
    OfficeError,
    OutputUnusable,
    blames_document,
    conversion_deadline,
    describe_failure,
    private_output,
    retry_pause,
    worker_died,
)

log = logging.getLogger(__name__)


class OfficePool:
    """A fixed set of workers; each conversion borrows an idle one."""

    def __init__(self, settings: Settings, name: str = "worker") -> None:
        """Workers named name-0, name-1, …; each has its own profile folder under the instance."""
        self.settings = settings
        if settings.office_addresses:
            self.workers = [
                OfficeWorker(f"remote-{i}", settings, address)
                for i, address in enumerate(settings.office_addresses)
            ]
        else:
            self.workers = [
                OfficeWorker(f"{name}-{i}", settings) for i in range(settings.office_workers)
            ]
        self._idle: queue.Queue[OfficeWorker] = queue.Queue()
        self._started = False
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self.restarts = 0  # workers found dead and restarted (not the planned restarts after N)
        # Called each time a worker (re)starts and joins the pool: the service names its
        # workers' addresses, which a restart changes (service.render.office.shared_workers).
        self.on_worker_ready: Callable[[], None] | None = None

    def start(self) -> None:
        """Start every worker in the background; each joins the pool when it answers."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for worker in self.workers:
            self._restart_later(worker, kill_first=False)

    def wait_ready(self, count: int | None = None, timeout: float | None = None) -> None:
        """Block until count workers (all by default) are idle, or raise OfficeError."""
        self.start()
        wanted = len(self.workers) if count is None else count
        deadline = time.monotonic() + (timeout or self.settings.office_start_timeout * 2)
        while self._idle.qsize() < wanted:
            if time.monotonic() > deadline:
                raise OfficeError(
                    f"only {self._idle.qsize()} of {wanted} LibreOffice workers started"
                )
            time.sleep(0.1)

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Convert on a free worker, tried again until it succeeds or its deadline passes.

        Raises OfficeError at once when LibreOffice, alive and well, cannot read the document,
        or when the pdf_path's folder cannot take the result; after DEATHS_PER_CONVERSION
        workers died on it; otherwise once the deadline passes.
        """
        self.start()
        limit = conversion_deadline(self.settings)
        deadline = time.monotonic() + limit
        last_error: Exception | None = None
        refused = deaths = 0  # failed attempts on workers that still answered, that died
        while (worker := self._borrow(deadline)) is not None:
            try:
                with private_output(pdf_path) as produced:
                    worker.convert(docx_path, produced, options)
            except OutputUnusable:
                self._idle.put(worker)
                raise
            except Exception as error:  # whether the worker lives decides what follows
                last_error = error
                if worker_died(worker, error):
                    self._replace(worker, docx_path, error)
                    deaths += 1
                    if deaths >= DEATHS_PER_CONVERSION:
                        raise OfficeError(
                            f"LibreOffice 转换 {docx_path.name} 时已 {deaths} 次异常退出或停止响应，"
                            "该文件可能触发了 LibreOffice 的缺陷；请联系模板维护人员检查所用模板"
                        ) from None
                    continue
                self._idle.put(worker)
                if blames_document(error):
                    raise OfficeError(
                        f"LibreOffice 无法读取 {docx_path.name}：文件缺失或不是完好的 DOCX"
                        f"（{describe_failure(error)}）；请联系模板维护人员检查所用模板"
                    ) from None
                refused += 1
                log.warning(
                    "%s could not convert %s but still answers (%s); trying again",
                    worker.name, docx_path.name, describe_failure(error),
                )  # fmt: skip
                time.sleep(min(retry_pause(refused), max(0.0, deadline - time.monotonic())))
                continue
            self._return_after_success(worker)
            return
        reason = (
            f"最后一次错误：{describe_failure(last_error)}" if last_error else "没有空闲的排版进程"
        )
        raise OfficeError(
            f"LibreOffice 在 {limit:.0f} 秒内未能转换 {docx_path.name}（{reason}）；"
            "请稍后重试，如一再出现请管理员查看服务日志中的 LibreOffice 记录"
        )

    def _borrow(self, deadline: float) -> OfficeWorker | None:
        """Return an idle worker, waiting for one to start or finish; None once deadline passes."""
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    def _replace(self, worker: OfficeWorker, docx_path: Path, error: Exception) -> None:
        """Kill a worker that died during an attempt, and start it again in the background."""
        detail = describe_failure(error)
        log.warning(
            "%s died converting %s (%s); restarting it", worker.name, docx_path.name, detail
        )
        with self._lock:
            self.restarts += 1
        # At once, not in the restart thread: a hung soffice stops before the next attempt
        # starts, and gives back its memory and CPU to the workers still serving.
        worker.kill()
        self._restart_later(worker, kill_first=False)

    def _return_after_success(self, worker: OfficeWorker) -> None:
        """Put a worker back in the pool, or renew it once it has done its share of conversions
        or its memory grew past office_memory_growth over its warm level."""
        renew = worker.conversions >= self.settings.office_restart_after or worker.grown(
            self.settings.office_memory_growth
        )
        if worker.owned and renew:
            self._restart_later(worker, kill_first=True)
        else:
            self._idle.put(worker)

    def _restart_later(self, worker: OfficeWorker, kill_first: bool) -> None:
        """Restart a worker in a background thread and return it to the pool when it answers."""

        def restart() -> None:
            for delay in (0, 1, 5, 15):
                if self._closed.wait(delay):
                    return
                if kill_first or delay:
                    worker.kill()
                try:
                    worker.start()
                except OfficeError as error:
                    log.error("%s", error)
                    continue
                if self._closed.is_set():  # closed while it started: leave nothing running
                    worker.kill()
                    return
                self._idle.put(worker)
                if (announce := self.on_worker_ready) is not None:
                    try:
                        announce()
                    except Exception:  # naming the workers is a convenience, never a failure
                        log.exception("could not name %s's address to commands", worker.name)
                return
            log.error("%s could not be started; the pool runs without it", worker.name)

        threading.Thread(target=restart, name=f"start-{worker.name}", daemon=True).start()

    def close(self) -> None:
        """Stop every owned worker; workers being restarted are not started again."""
        self._closed.set()
        for worker in self.workers:
            worker.kill()
