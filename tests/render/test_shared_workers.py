"""Tests of the workers file through which the running service lends its LibreOffice workers to commands."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCServer

import pytest

from service.foundations.config import Settings, load_settings
from service.render.office.pool import OfficePool
from service.render.office.shared_workers import (
    publish_workers,
    running_workers,
    share_workers,
    withdraw_workers,
    workers_file,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an instance of two workers."""
    return load_settings({"instance_path": tmp_path / "instance", "office_workers": 2})


@pytest.fixture
def answering() -> Iterator[int]:
    """The port of something answering unoserver's "info", as a ready worker does."""
    server = SimpleXMLRPCServer(("127.0.0.1", 0), allow_none=True, logRequests=False)
    server.register_function(lambda: {"unoserver": "test"}, "info")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def pool(settings: Settings) -> Iterator[OfficePool]:
    """A pool whose two workers look started: each a live process with a port of its own."""
    pool = OfficePool(settings)
    for worker in pool.workers:
        worker.process = subprocess.Popen(["sleep", "600"], start_new_session=True)
    yield pool
    pool.close()


@pytest.fixture
def silent() -> Iterator[int]:
    """A loopback port held, but not listened on, by this test: a worker that is gone."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def test_published_workers_are_found_and_withdrawn(
    settings: Settings, pool: OfficePool, answering: int, silent: int
) -> None:
    """This test ensures that published workers that answer are found, in a file only its owner
    reads and writes, and that withdrawing removes it."""
    pool.workers[0].port, pool.workers[1].port = answering, silent
    publish_workers(settings, pool)
    path = workers_file(settings)
    assert path == settings.instance_path / "office" / "workers.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = json.loads(path.read_text())
    assert record["pid"] == os.getpid()
    assert record["addresses"] == [f"127.0.0.1:{answering}", f"127.0.0.1:{silent}"]
    assert record["started_at"].endswith("+00:00")
    assert [p.name for p in path.parent.iterdir()] == ["workers.json"]  # no temporary left
    assert running_workers(settings) == [f"127.0.0.1:{answering}"]  # the silent one left out
    withdraw_workers(settings)
    assert not path.exists()
    assert running_workers(settings) == []


def test_a_restarted_worker_is_published_at_its_new_port(
    settings: Settings, pool: OfficePool, answering: int
) -> None:
    """This test ensures that the file is written again with the new address when a worker
    (re)starts, and names no worker whose process is not running."""
    share_workers(settings, pool)
    assert pool.on_worker_ready is not None
    pool.workers[0].port = answering
    pool.workers[1].kill()  # being restarted: not named
    pool.on_worker_ready()
    record = json.loads(workers_file(settings).read_text())
    assert record["addresses"] == [f"127.0.0.1:{answering}"]
    pool.workers[0].kill()
    pool.on_worker_ready()
    assert not workers_file(settings).exists()


def test_a_stale_file_is_ignored(settings: Settings, answering: int) -> None:
    """This test ensures that a file left by a service that is gone (its pid dead) is ignored,
    even though something answers at its address, and that another process does not remove it."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    path = workers_file(settings)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": dead.pid, "addresses": [f"127.0.0.1:{answering}"]}))
    assert running_workers(settings) == []
    withdraw_workers(settings)
    assert path.exists()  # not this process's to remove
    path.write_text(json.dumps({"pid": os.getpid(), "addresses": [f"127.0.0.1:{answering}"]}))
    assert running_workers(settings) == [f"127.0.0.1:{answering}"]


@pytest.mark.parametrize(
    "content",
    ["", "{not json", "[]", json.dumps({"pid": "1", "addresses": []}), json.dumps({"pid": 1})],
)
def test_an_unreadable_file_is_ignored(settings: Settings, content: str) -> None:
    """This test ensures that a damaged or foreign workers file means no running workers."""
    path = workers_file(settings)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert running_workers(settings) == []


def test_workers_that_do_not_answer_are_ignored(settings: Settings, silent: int) -> None:
    """This test ensures that a live service whose workers do not answer lends none."""
    path = workers_file(settings)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": os.getpid(), "addresses": [f"127.0.0.1:{silent}"]}))
    assert running_workers(settings) == []
