"""A worker whose port another program took before the worker bound it starts again on a new port."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.foundations.config import Settings
from service.render.office import process
from service.render.office.process import OfficeWorker
from service.render.office.retry import OfficeError

pytestmark = pytest.mark.office


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_a_worker_whose_port_was_taken_starts_on_new_ports(
    tmp_path: Path,
    taken_port: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """This test ensures that losing the race for a port costs a restart, not the worker."""
    chosen = iter([taken_port])
    monkeypatch.setattr(process, "free_port", lambda: next(chosen, None) or free())
    worker = OfficeWorker("ports", Settings(instance_path=tmp_path / "instance"))
    with caplog.at_level(logging.WARNING, logger=process.__name__):
        worker.start()
    try:
        assert worker.port != taken_port
        assert worker.healthy()
        assert "starting it on a new port" in caplog.text
    finally:
        worker.kill()


def test_a_worker_that_keeps_losing_its_port_gives_up_with_the_reason(
    tmp_path: Path, taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a port always taken ends in OfficeError after a few tries, not a hang."""
    monkeypatch.setattr(process, "free_port", lambda: taken_port)
    worker = OfficeWorker("ports", Settings(instance_path=tmp_path / "instance"))
    with pytest.raises(OfficeError, match="the LibreOffice worker exited with"):
        worker.start()
    assert worker.process is not None and worker.process.poll() is not None


def free() -> int:
    """Return a port nothing listens on, as the worker would choose it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
