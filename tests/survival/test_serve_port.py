"""Survival: `wenshu serve` started by the tests on a port another program took in the meantime."""

from __future__ import annotations

import pytest

import tests.survival.conftest as survival
from tests.survival.conftest import Service, call
from tests.test_servers import free_then, taken_port


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_is_started_again_on_another_port_when_its_own_was_taken(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a port lost between its choice and the bind costs a retry, not the test."""
    with taken_port() as taken:
        ports = free_then(taken)
        monkeypatch.setattr(survival, "free_port", lambda: next(ports))
        service.start()
        assert service.port != taken
        assert call(service.url + "/api/kinds", service.token).status == 200
    first, second = service.logs
    assert "Address already in use" in first.read_text(errors="replace")
    assert "Address already in use" not in second.read_text(errors="replace")
