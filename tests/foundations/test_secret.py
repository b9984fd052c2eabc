"""Tests of the service's own secret: configured, or created once in the instance folder."""

from __future__ import annotations

import stat
from pathlib import Path

from service.foundations.config import load_settings
from service.foundations.secret import instance_secret, service_secret


def test_configured_secret_wins(tmp_path: Path) -> None:
    """This test ensures that a configured secret_key is the service's secret and no file is written."""
    settings = load_settings({"instance_path": tmp_path, "secret_key": "configured"})
    assert service_secret(settings) == "configured"
    assert not (tmp_path / "secret_key").exists()


def test_instance_secret_is_created_once_readable_by_its_owner(tmp_path: Path) -> None:
    """This test ensures that without a configured secret one is created in the instance with mode 0600 and kept."""
    settings = load_settings({"instance_path": tmp_path / "instance"})
    first = service_secret(settings)
    path = tmp_path / "instance" / "secret_key"
    assert len(first) == 64 and path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert service_secret(settings) == first
    assert instance_secret(tmp_path / "instance") == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no partial file left
