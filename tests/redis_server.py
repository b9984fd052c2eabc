"""A private, throwaway Redis server for the tests (Debian's redis-server package)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A port found free can be taken by another program before Redis binds it (redis-server cannot
# bind port 0 and say which it got): try another.
ATTEMPTS = 5


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on a free loopback port, without persistence; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; make test installs it")
    root = Path(tempfile.mkdtemp(prefix="wenshu-redis-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        for _ in range(ATTEMPTS):
            port = _free_port()
            process = _start(binary, root, port)
            if _listening(process, root / "log"):
                break
        else:
            raise RuntimeError(f"redis-server found no free port in {ATTEMPTS} tries")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        if process is not None:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _start(binary: str, root: Path, port: int) -> subprocess.Popen[bytes]:
    """Start redis-server on the port, its output in root/log."""
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(root),
               "--save", "", "--appendonly", "no", "--protected-mode", "yes"]  # fmt: skip
    with (root / "log").open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def _listening(process: subprocess.Popen[bytes], log: Path) -> bool:
    """Return True once the server says it accepts connections, False if its port was taken.

    Its own word, not a connection: a port taken by another program accepts connections too.
    """
    deadline = time.monotonic() + 30
    while True:
        said = log.read_text(errors="replace")
        if "Ready to accept connections" in said and process.poll() is None:
            return True
        if process.poll() is not None:
            if "Address already in use" in log.read_text(errors="replace"):
                return False
            raise RuntimeError(log.read_text(errors="replace"))
        if time.monotonic() > deadline:
            raise RuntimeError(said)
        time.sleep(0.05)


def _free_port() -> int:
    """Return a loopback port nobody listens on at the moment (the server may still lose it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
