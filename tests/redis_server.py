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


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on a free loopback port, without persistence; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; make test installs it")
    root = Path(tempfile.mkdtemp(prefix="wenshu-redis-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(root),
               "--save", "", "--appendonly", "no", "--protected-mode", "yes"]  # fmt: skip
    with (root / "log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root / "log").read_text(errors="replace"))
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(root, ignore_errors=True)
