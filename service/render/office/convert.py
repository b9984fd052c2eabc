"""LibreOffice behind one door: a pool of long-running unoserver workers, and a cold one-shot way.

Each worker is a unoserver process (XML-RPC in front of one soffice with its own profile).
A worker converts one document at a time, each attempt into a private folder (office_retry).
After a failed attempt, only a worker that really died (exited, silent, or past its timeout)
is killed and restarted in the background; one that still answers goes back to the pool.
The conversion is tried again on the next free worker until it succeeds or its deadline
passes, unless the fault blames the document. A worker is also restarted after a set number
of conversions, because soffice's memory grows from about 80 MB to 500 MB over a few hundred
documents.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from service.foundations.config import Settings
from service.render.office.profile import isolated, write_settings
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

PDFA_FILTER_OPTIONS = ["SelectPdfVersion=2"]  # PDF/A-2b
# The JSON form is the only one soffice --convert-to honours; "SelectPdfVersion=2" is ignored there.
PDFA_CONVERT_TO = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class Converter(Protocol):
    """Anything that turns a DOCX file into a PDF/A file."""

    def convert(self, docx_path: Path, pdf_path: Path) -> None:
        """Write the PDF/A rendering of docx_path to pdf_path."""


def office_environment(settings: Settings) -> dict[str, str]:
    """Return the environment LibreOffice runs in: our font aliases, no desktop."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(settings.fontconfig_file)
    env.pop("DISPLAY", None)
    return env


def _free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout, so a hung worker cannot hang its caller."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: str | tuple[str, dict[str, str]]) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class OfficeWorker:
    """One unoserver instance: owned (started, killed, restarted here) or remote (address only)."""

    def __init__(self, name: str, settings: Settings, address: str | None = None) -> None:
        self.name = name
        self.settings = settings
        self.owned = address is None
        self.host, self.port = ("127.0.0.1", 0) if address is None else _split(address)
        self.process: subprocess.Popen[bytes] | None = None
        self.conversions = 0

    @property
    def url(self) -> str:
        """Return the XML-RPC address of the worker."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Start the worker (when owned) and return once it answers, or raise OfficeError."""
        self.conversions = 0
        if self.owned:
            self._spawn()
        deadline = time.monotonic() + self.settings.office_start_timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise OfficeError(f"{self.name}: unoserver exited with {self.process.returncode}")
            try:
                self._proxy(timeout=5).info()
                log.info("%s ready at %s", self.name, self.url)
                return
            except (OSError, xmlrpc.client.Error, http.client.HTTPException):
                time.sleep(0.25)
        self.kill()
        raise OfficeError(f"{self.name}: no answer within {self.settings.office_start_timeout} s")

    def _spawn(self) -> None:
        """Start a unoserver process with its own ports and its own LibreOffice profile."""
        profile = self.settings.office_profiles_path / self.name
        profile.mkdir(parents=True, exist_ok=True)
        _kill_leftover(profile)
        write_settings(profile)  # nothing linked is fetched: see office_profile
        self.port = _free_port()
        command = [
            self.settings.uno_python, "-m", "unoserver.server",
            "--interface", self.host, "--port", str(self.port),
            "--uno-port", str(_free_port()),
            "--user-installation", str(profile),
            "--executable", self.settings.soffice_path,
            "--conversion-timeout", str(int(self.settings.office_timeout)),
            "--quiet",
        ]  # fmt: skip
        log.info("starting %s: %s", self.name, " ".join(command))
        # Its own session, so that killing the group takes soffice.bin with it.
        with open(profile.with_suffix(".log"), "ab") as log_file:
            self.process = subprocess.Popen(
                command,
                env=office_environment(self.settings),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
            )
        profile.with_suffix(".pid").write_text(str(self.process.pid))

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Convert one document on this worker, writing straight to pdf_path; raise on any
        failure or timeout (the pool gives each attempt a private pdf_path).

        options are further PDF export settings, "Name=value" (true, false and digits typed).
        """
        proxy = self._proxy(timeout=self.settings.office_timeout + 5)
        proxy.convert(
            str(docx_path.resolve()), None, str(pdf_path.resolve()), "pdf",
            "writer_pdf_Export", [*PDFA_FILTER_OPTIONS, *options], False, None, None,
        )  # fmt: skip
        self.conversions += 1

    def healthy(self, timeout: float = 5) -> bool:
        """Return whether the worker's process runs and its LibreOffice answers within timeout."""
        process = self.process
        if process is not None and process.poll() is not None:
            return False
        try:
            self._proxy(timeout=timeout).info()
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            return False
        return True

    def kill(self) -> None:
        """Kill the worker's unoserver and soffice processes at once."""
        # Read once: the pool's restart thread and its caller may both kill the same worker.
        process = self.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if self.process is process:
            self.process = None

    def pids(self) -> list[int]:
        """Return the process ids of the worker's process group (unoserver and soffice)."""
        process = self.process  # read once: a restart may replace it meanwhile
        if process is None:
            return []
        try:
            group = os.getpgid(process.pid)
        except ProcessLookupError:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == group:
                        found.append(int(entry.name))
                except ProcessLookupError:
                    continue
        return found

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        """Return an XML-RPC proxy to this worker with a socket timeout."""
        return xmlrpc.client.ServerProxy(
            self.url, allow_none=True, transport=_TimeoutTransport(timeout)
        )


def _kill_leftover(profile: Path) -> None:
    """Kill the worker a previous run left behind on this profile (after a kill -9 of the service)."""
    pid_file = profile.with_suffix(".pid")
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (ValueError, OSError):
        pid_file.unlink(missing_ok=True)
        return
    # Only a process that is really our worker on this profile, not a recycled pid.
    if b"unoserver" in command and str(profile).encode() in command:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        log.warning("killed a LibreOffice worker left by an earlier run (pid %s)", pid)
    pid_file.unlink(missing_ok=True)


def _split(address: str) -> tuple[str, int]:
    """Return host and port from "host:port"."""
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


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
        """Put a worker back in the pool, or renew it once it has done its share of conversions."""
        if worker.owned and worker.conversions >= self.settings.office_restart_after:
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
                return
            log.error("%s could not be started; the pool runs without it", worker.name)

        threading.Thread(target=restart, name=f"start-{worker.name}", daemon=True).start()

    def close(self) -> None:
        """Stop every owned worker; workers being restarted are not started again."""
        self._closed.set()
        for worker in self.workers:
            worker.kill()


class ColdOffice:
    """The one-shot way: a fresh soffice --convert-to per document (for single commands)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Convert one document with a cold soffice, holding a lock on the shared profile."""
        profiles = self.settings.office_profiles_path
        profiles.mkdir(parents=True, exist_ok=True)
        with open(profiles / "cold.lock", "w") as lock, tempfile.TemporaryDirectory() as outdir:
            # Two soffice processes sharing one profile fail silently.
            fcntl.flock(lock, fcntl.LOCK_EX)
            write_settings(profiles / "cold")  # nothing linked is fetched: see office_profile
            command = isolated([
                self.settings.soffice_path, "--headless", "--norestore", "--nolockcheck",
                f"-env:UserInstallation={(profiles / 'cold').as_uri()}",
                "--convert-to", _convert_to(options), "--outdir", outdir, str(docx_path),
            ])  # fmt: skip
            result = subprocess.run(
                command,
                env=office_environment(self.settings),
                capture_output=True,
                timeout=self.settings.office_timeout + 60,
                check=False,
            )
            produced = Path(outdir) / (docx_path.stem + ".pdf")
            if result.returncode != 0 or not produced.exists():
                detail = result.stderr.decode(errors="replace").strip()
                raise OfficeError(f"soffice could not convert {docx_path.name}: {detail}")
            shutil.move(produced, pdf_path)


def _convert_to(options: Sequence[str]) -> str:
    """Return soffice's --convert-to argument: PDF/A-2b plus options ("Name=value"), as JSON."""
    if not options:
        return PDFA_CONVERT_TO
    settings: dict[str, dict[str, str]] = {"SelectPdfVersion": {"type": "long", "value": "2"}}
    for option in options:
        name, _, value = option.partition("=")
        kind = (
            "boolean" if value in {"true", "false"} else "long" if value.isdecimal() else "string"
        )
        settings[name] = {"type": kind, "value": value}
    return "pdf:writer_pdf_Export:" + json.dumps(settings, separators=(",", ":"))
