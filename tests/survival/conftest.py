"""A real `wenshu serve` in a subprocess on a fresh instance, with a clerk's API token."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from service.foundations.config import load_settings
from service.render.office.process import kill_leftover
from service.services import Wenshu
from tests.conftest import PASSWORD, sample

WENSHU = str(Path(sys.executable).parent / "wenshu")
KIND = "supervision_notice"
START_TIMEOUT = 60.0  # seconds for the service and its LibreOffice workers to answer
PORT_ATTEMPTS = 5
PROBE_TIMEOUT = 5.0  # seconds for one "is it up?" request; the service answers it at once
REQUEST_TIMEOUT = 60.0


@dataclass
class Answer:
    """One HTTP answer: status and decoded JSON body (None when the body is not JSON)."""

    status: int
    body: Any


def free_port() -> int:
    """Return a loopback port nobody listens on at the moment (a server may still lose it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def call(
    url: str,
    token: str = "",
    payload: dict[str, Any] | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> Answer:
    """Return the answer to a GET (or a POST of JSON when payload is given)."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        body = None
    return Answer(status, body)


def document_payload() -> dict[str, Any]:
    """Return an API request issuing the shipped sample of the survival kind."""
    return {"kind": KIND, "facts": sample(KIND)}


@dataclass
class Service:
    """A `wenshu serve` subprocess on one instance and database."""

    instance: Path
    database_url: str
    token: str = ""
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    @property
    def environment(self) -> dict[str, str]:
        """Return the environment every wenshu command of this instance runs in."""
        variables = {
            **os.environ,
            "WENSHU_INSTANCE": str(self.instance),
            "WENSHU_VERIFY_INTERVAL_HOURS": "0",
        }
        variables.pop("WENSHU_DATABASE_URL", None)
        if self.database_url:
            variables["WENSHU_DATABASE_URL"] = self.database_url
        return variables

    @property
    def url(self) -> str:
        """Return the service's base address."""
        return f"http://127.0.0.1:{self.port}"

    def command(self, *arguments: str) -> str:
        """Run a wenshu command on the instance and return what it printed."""
        done = subprocess.run(
            [WENSHU, *arguments], env=self.environment, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def create_clerk(self) -> None:
        """Create a clerk and keep an API token for it."""
        self.command("users", "create", "clerk1", "--role", "clerk", "--password", PASSWORD)
        self.token = self.command("tokens", "create", "clerk1").strip().splitlines()[-1]

    def start(self) -> None:
        """Start serving on a free port and wait until it answers (another port if it was taken).

        `wenshu serve` would bind port 0, but then says port 0: the port is chosen here, and
        chosen again when another program took it between the choice and the bind.
        """
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port()
            if self._serve():
                return
        pytest.fail(f"wenshu serve found no free port in {PORT_ATTEMPTS} tries")

    def _serve(self) -> bool:
        """Run `wenshu serve` on self.port; return True once it answers, False if the port was taken."""
        log = self.instance.parent / f"serve-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [WENSHU, "serve", "--port", str(self.port), "--threads", "8"],
                env=self.environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = log.read_text(errors="replace")
                assert "Address already in use" in said, said
                return False
            try:
                # Briefly: a program that took the port may accept and never answer.
                if call(self.url + "/api/kinds", self.token, timeout=PROBE_TIMEOUT).status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"wenshu serve did not answer within {START_TIMEOUT}s")

    def wait_for_office(self) -> Answer:
        """Return the answer to the first POST that issued a document, once the workers are up."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            answer = call(self.url + "/api/documents", self.token, document_payload())
            if answer.status == 201:
                return answer
            assert answer.status == 503 and isinstance(answer.body, dict), answer
            time.sleep(0.5)
        pytest.fail(f"the LibreOffice workers were not ready within {START_TIMEOUT}s")

    def stop(self) -> None:
        """Stop the service (SIGTERM, which stops its workers too), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """Kill the service process outright (SIGKILL), as a power cut or the OOM killer would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def open(self) -> Wenshu:
        """Return the service code opened on the same instance and database."""
        overrides = {"instance_path": self.instance, "database_url": self.database_url}
        return Wenshu.open(load_settings(overrides))


@pytest.fixture
def service(tmp_path: Path, database_url: str) -> Iterator[Service]:
    """A service on a fresh instance (not yet started) with a clerk's token, stopped afterwards."""
    running = Service(tmp_path / "instance", database_url)
    running.create_clerk()
    yield running
    running.stop()
    # The workers of a killed service are killed by the next start; no start follows here.
    for pid_file in (running.instance / "office").glob("*.pid"):
        kill_leftover(pid_file.with_suffix(""))
