"""The template trial child loads rendering alone: neither the web app nor the database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the child has no use for; loading it cost each trial about a second of CPU.
NOT_NEEDED = ("flask", "sqlalchemy", "service.database", "service.background", "service.web")


def test_the_trial_child_imports_neither_the_web_app_nor_the_database() -> None:
    """This test ensures that importing what the trial child runs leaves Flask and SQLAlchemy unloaded."""
    probe = (
        "import json, sys\n"
        "import service.render.fill.trial, service.render.fill.docx\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert "service.render.fill.docx" in loaded
    assert [name for name in loaded if name.startswith(NOT_NEEDED)] == []
