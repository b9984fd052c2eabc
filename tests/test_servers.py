"""The suite's private PostgreSQL and Redis take another port when theirs was taken meanwhile."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import create_engine, text

import tests.postgres
import tests.redis_server

# They start real servers: not for the fast tier.
pytestmark = pytest.mark.slow


@contextmanager
def taken_port() -> Iterator[int]:
    """Yield a loopback port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def free_then(taken: int) -> Iterator[int]:
    """Yield the taken port first, as a probe that lost the race would, then free ones."""
    yield taken
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        yield port


def test_postgres_takes_another_port_when_its_own_was_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This test ensures that the private PostgreSQL starts on another port when the first is in use."""
    with taken_port() as taken:
        ports = free_then(taken)
        monkeypatch.setattr(tests.postgres, "_free_port", lambda: next(ports))
        with tests.postgres.postgres_server() as url:
            assert f":{taken}/" not in url
            engine = create_engine(url)
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar() == 1
            engine.dispose()


def test_redis_takes_another_port_when_its_own_was_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that the private Redis starts on another port when the first is in use."""
    with taken_port() as taken:
        ports = free_then(taken)
        monkeypatch.setattr(tests.redis_server, "_free_port", lambda: next(ports))
        with tests.redis_server.redis_server() as url:
            assert f":{taken}/" not in url
            client = redis.Redis.from_url(url)
            assert client.ping()
            client.close()
