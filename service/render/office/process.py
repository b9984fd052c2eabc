"""A supervised LibreOffice worker: a uno_worker process with its own profile, started, probed and killed.

Each worker is a uno_worker.py process (XML-RPC in front of one soffice with its own profile,
over a persistent UNO bridge) in a session of its own, so that killing its process group takes
soffice.bin with it. A worker at an address (office_addresses) is remote: it is only talked
to, never started or killed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from service.foundations.config import Settings
from service.render.office.client import OfficeClient, split_address
from service.render.office.profile import write_settings
from service.render.office.retry import OfficeError

log = logging.getLogger(__name__)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# Conversions after which a worker's memory is its warm level: filters, fonts and caches
# loaded (soffice grows fast over its first twenty or so documents, slowly after).
WARM_CONVERSIONS = 25
SPAWN_ATTEMPTS = 3  # a worker that exits before it answers is started again on a new port
# The worker program, run by settings.uno_python: it imports uno and nothing of the service.
WORKER_PROGRAM = Path(__file__).with_name("uno_worker.py")


def office_environment(settings: Settings) -> dict[str, str]:
    """Return the environment LibreOffice runs in: our font aliases, no desktop."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(settings.fontconfig_file)
    env.pop("DISPLAY", None)
    return env


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OfficeWorker:
    """One worker: owned (started, killed, restarted here) or remote (address only)."""

    def __init__(self, name: str, settings: Settings, address: str | None = None) -> None:
        self.name = name
        self.settings = settings
        self.owned = address is None
        self.host, self.port = ("127.0.0.1", 0) if address is None else split_address(address)
        self.process: subprocess.Popen[bytes] | None = None
        self.conversions = 0
        self._members: list[int] = []  # the group's processes, read once per start
        # The resident memory of the worker's processes once warmed up, the lowest any of its
        # starts reached (0 until the first did): each renewed process is held to it, so
        # that the level cannot creep up from one renewal to the next.
        self.warm_bytes = 0

    @property
    def client(self) -> OfficeClient:
        """Return the conversion client for the worker's current address (a restart moves it)."""
        return OfficeClient(self.host, self.port)

    @property
    def url(self) -> str:
        """Return the XML-RPC address of the worker."""
        return self.client.url

    def start(self) -> None:
        """Start the worker (when owned) and return once it answers, or raise OfficeError.

        Its port is chosen free just before the worker binds it, so another program may
        take it in between: a worker that exits before it answers is started again on a
        new port, SPAWN_ATTEMPTS times in all.
        """
        self.conversions = 0
        self._members = []
        deadline = time.monotonic() + self.settings.office_start_timeout
        for attempt in range(1, SPAWN_ATTEMPTS + 1):
            if self.owned:
                self._spawn()
            exit_code = self._wait_ready(deadline)
            if exit_code is None:
                log.info("%s ready at %s", self.name, self.url)
                return
            if attempt == SPAWN_ATTEMPTS:
                raise OfficeError(f"{self.name}: the LibreOffice worker exited with {exit_code}")
            log.warning(
                "%s: the LibreOffice worker exited with %s before it answered; "
                "starting it on a new port",
                self.name, exit_code,
            )  # fmt: skip

    def _wait_ready(self, deadline: float) -> int | None:
        """Wait until the worker answers (None) or its process exits (its exit code).

        Raises OfficeError, the process killed, when the deadline passes first.
        """
        while time.monotonic() < deadline:
            process = self.process
            if process is not None and process.poll() is not None:
                return process.returncode
            if self.client.answers(timeout=5):
                return None
            time.sleep(0.05)  # not yet listening: it binds its port within a moment
        self.kill()
        raise OfficeError(f"{self.name}: no answer within {self.settings.office_start_timeout} s")

    def _spawn(self) -> None:
        """Start a worker process on its own port with its own LibreOffice profile."""
        profile = self.settings.office_profiles_path / self.name
        profile.mkdir(parents=True, exist_ok=True)
        kill_leftover(profile)
        write_settings(profile)  # nothing linked is fetched: see office_profile
        self.port = free_port()
        command = [
            self.settings.uno_python, str(WORKER_PROGRAM),
            "--interface", self.host, "--port", str(self.port),
            "--profile", str(profile),
            "--soffice", self.settings.soffice_path,
            "--conversion-timeout", f"{self.settings.office_timeout:g}",
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
        # The worker stops soffice at office_timeout; the socket waits a little longer for its word.
        self.client.convert(docx_path, pdf_path, options, timeout=self.settings.office_timeout + 5)
        self.conversions += 1
        if self.conversions == WARM_CONVERSIONS and self.owned:
            level = self.resident_bytes()
            self.warm_bytes = min(self.warm_bytes, level) if self.warm_bytes else level

    def grown(self, share: float) -> bool:
        """Return whether the worker's processes hold more than share over their warm level.

        A process is judged once it has itself warmed up (WARM_CONVERSIONS), so that one
        whose level stays above the first start's is renewed every so many conversions at
        most, never at each.
        """
        if not (share and self.owned and self.warm_bytes and self.conversions >= WARM_CONVERSIONS):
            return False
        return self.resident_bytes() > self.warm_bytes * (1 + share)

    def resident_bytes(self) -> int:
        """Return the resident memory of the worker's processes (its Python and its soffice)."""
        if not self._members:
            self._members = self.pids()  # the /proc walk once; statm reads are microseconds
        total = 0
        for pid in self._members:
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
            except (OSError, ValueError, IndexError):  # gone: counted as nothing
                continue
        return total

    def healthy(self, timeout: float = 5) -> bool:
        """Return whether the worker's process runs and its LibreOffice answers within timeout."""
        process = self.process
        if process is not None and process.poll() is not None:
            return False
        return self.client.answers(timeout)

    def kill(self) -> None:
        """Kill the worker's process and its soffice at once."""
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
        """Return the process ids of the worker's process group (the worker and its soffice)."""
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


def kill_leftover(profile: Path) -> None:
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
    # unoserver too: the program an earlier version of the service ran on the same profiles.
    programs = (WORKER_PROGRAM.name.encode(), b"unoserver")
    if any(name in command for name in programs) and str(profile).encode() in command:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        log.warning("killed a LibreOffice worker left by an earlier run (pid %s)", pid)
    pid_file.unlink(missing_ok=True)
