"""Tests of what a command loads before it does anything: pyHanko only when something is signed or checked."""

from __future__ import annotations

import os
import subprocess
import sys

from service.foundations.config import PROJECT_ROOT

# Loaded by pyHanko's signing and validation (aiohttp for timestamps): half a second.
SIGNING_MODULES = ("pyhanko.sign", "aiohttp")
PROBE = (
    "import sys, service.commands.cli, service.acts.issuing, service.batch.executor;"
    f"print([m for m in sys.modules if m.split('.')[0] == 'aiohttp' or m.startswith({SIGNING_MODULES[0]!r})])"
)


def test_commands_load_no_signing_until_they_sign() -> None:
    """This test ensures that the command line and the issuing and batch code load neither pyHanko's signing nor aiohttp until a signer is made or a signature checked."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WENSHU_")}
    loaded = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, env=environment,
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout.strip()  # fmt: skip
    assert loaded == "[]"
