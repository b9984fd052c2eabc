"""The suite runs apart from the operator's services, whatever WENSHU_* variables the shell exports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PROBE = '''
"""A test run by tests/test_isolation.py under an operator's environment."""

import os
from pathlib import Path

from service.commands.cli import main
from service.foundations.config import load_settings


def test_probe(tmp_path, runner):
    """This test ensures that the operator's WENSHU_* variables are gone before any test runs."""
    assert [name for name in os.environ if name.startswith("WENSHU_")] == ["WENSHU_INSTANCE"]
    settings = load_settings({"instance_path": tmp_path})
    assert (settings.database_url, settings.archive_folder, settings.batch_folder) == ("", "", "")
    assert settings.broker_url == "" and settings.secret_key == ""
    result = runner.invoke(main, ["init-db"])
    assert result.exit_code == 0, result.output
    assert (Path(os.environ["WENSHU_INSTANCE"]) / "wenshu.sqlite3").exists()
'''


def test_the_suite_ignores_the_operators_settings(tmp_path: Path) -> None:
    """This test ensures that a suite run from an operator's shell touches none of the operator's services."""
    operator = tmp_path / "operator"
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    environment = {name: value for name, value in os.environ.items()}
    environment.update(
        # Unreachable on purpose: a test that used them would fail to connect.
        WENSHU_DATABASE_URL="postgresql+psycopg://operator@127.0.0.1:9/real",
        WENSHU_BROKER_URL="redis://127.0.0.1:9/0",
        WENSHU_ARCHIVE=str(operator / "archive"),
        WENSHU_BATCHES=str(operator / "batches"),
        WENSHU_INSTANCE=str(operator / "instance"),
        WENSHU_SECRET_KEY="the-operators-secret",
        WENSHU_OFFICE_ADDRESSES="127.0.0.1:9",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(probe)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert not operator.exists()
