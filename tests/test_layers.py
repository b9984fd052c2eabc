"""The import contracts: each layer imports only the layers below it, checked by import-linter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Return the result of checking the contracts in project/pyproject.toml against its code."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WENSHU_")}
    environment["PYTHONPATH"] = str(project)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(project / "pyproject.toml")],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_import_contract_is_kept() -> None:
    """This test ensures that the code keeps every import contract, with no exceptions listed."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "ignore_imports" not in pyproject


def copy_project(target: Path) -> Path:
    """Return a copy of the code and its contracts, to break on purpose."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("service", "forms"):
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def add_import(module: Path, statement: str) -> None:
    """Append an import statement to a module of the copy."""
    module.write_text(module.read_text(encoding="utf-8") + f"\n{statement}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "statement", "refusal"),
    [
        # The archive reaching up to the composition root breaks the layers.
        ("service/archive/numbering.py", "import service.services  # noqa",
         "service.archive is not allowed to import service.services"),
        # Rendering importing WTForms, even inside a function, breaks its independence.
        ("service/render/pdfa.py", "def _peek():\n    import wtforms  # noqa",
         "service.render.pdfa -> wtforms"),
        # Only the interfaces may speak HTTP: a use case importing Flask is refused.
        ("service/acts/drafts.py", "from flask import request  # noqa",
         "service.acts.drafts -> flask"),
    ],
)  # fmt: skip
def test_a_broken_contract_is_caught(
    tmp_path: Path, module: str, statement: str, refusal: str
) -> None:
    """This test ensures that an import breaking a layer, rendering's independence or the Flask boundary fails the check."""
    project = copy_project(tmp_path)
    add_import(project / module, statement)
    result = lint_imports(project)
    assert result.returncode != 0
    assert refusal in result.stdout
