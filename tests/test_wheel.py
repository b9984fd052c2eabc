"""Tests of the built wheel: installed away from the checkout, it finds its templates and samples."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from service.instruments.registry import INSTRUMENTS
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds a wheel and a virtualenv: about half a minute


def copy_sources(destination: Path) -> Path:
    """Return a copy of what the wheel is built from: the folders pyproject.toml names."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    folders = {name.partition(".")[0] for name in setuptools["packages"]}
    folders |= set(setuptools["package-dir"].values())
    for folder in sorted(folders):
        shutil.copytree(ROOT / folder, destination / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name in ("pyproject.toml", pyproject["project"]["readme"]):
        shutil.copy2(ROOT / name, destination / name)
    return destination


def run(
    command: list[str | Path], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Return a finished command's outcome, its output as text."""
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a wheel of the working tree, built offline with the virtualenv's setuptools."""
    work = tmp_path_factory.mktemp("wheel")
    sources = copy_sources(work / "src")
    built = run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", work / "dist",
         sources],
        cwd=work, env=child_environment(),
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (work / "dist").glob("wenshu-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(built_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a fresh virtualenv holding the wheel, its dependencies seen in the project's venv."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    made = run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv],
               cwd=venv.parent, env=child_environment())  # fmt: skip
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                  cwd=venv.parent, env=child_environment()).stdout.strip()  # fmt: skip
    # The dependencies are those the suite runs with: the project's site-packages, after the
    # new venv's own (which holds the wheel) and before the system's (which holds uno).
    Path(purelib, "project-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index"]
    done = run([*pip, built_wheel], cwd=venv.parent, env=child_environment())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return venv


def child_environment(**settings: str) -> dict[str, str]:
    """Return a child's environment: the shell's less WENSHU_*, PYTHON* and pip's, plus settings."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WENSHU_", "PYTHON", "PIP_", "VIRTUAL_ENV"))
    }
    return inherited | settings


def test_wheel_holds_the_shipped_templates_and_samples(built_wheel: Path) -> None:
    """This test ensures that the wheel holds templates_docx/ and samples/ inside the package."""
    with zipfile.ZipFile(built_wheel) as wheel:
        names = set(wheel.namelist())
    for path in sorted((ROOT / "templates_docx").glob("*.docx")):
        assert f"service/templates_docx/{path.name}" in names
    for path in sorted((ROOT / "samples").glob("*.json")):
        assert f"service/samples/{path.name}" in names
    assert "service/render/fonts.conf" in names
    assert "service/database/migrations/env.py" in names
    for locale in ("zh_CN", "en"):  # the interface's compiled catalogs, committed with their .po
        assert f"service/web/translations/{locale}/LC_MESSAGES/messages.mo" in names
    assert not any(name.startswith(("samples/", "templates_docx/", "tests/")) for name in names)


def test_installed_wheel_runs_from_its_own_files(installed: Path, tmp_path: Path) -> None:
    """This test ensures that the installed code, templates and samples are the venv's own."""
    found = run(
        [installed / "bin" / "python", "-c",
         "import service; from service.foundations.shipped import shipped_samples, shipped_templates;"
         " print(service.__file__); print(shipped_templates()); print(shipped_samples())"],
        cwd=tmp_path, env=child_environment(),
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    site = installed.resolve()
    for line in found.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(site), line
        assert not Path(line).resolve().is_relative_to(ROOT), line


def test_installed_wheel_prepares_an_instance_and_lints_and_publishes(
    installed: Path, tmp_path: Path
) -> None:
    """This test ensures that an installed wheel runs init-db, template lint and publish."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    template = shutil.copy(ROOT / "templates_docx" / "supervision_notice.docx", elsewhere)
    env = child_environment(WENSHU_INSTANCE=str(tmp_path / "instance"))
    wenshu = installed / "bin" / "wenshu"

    prepared = run([wenshu, "init-db"], cwd=elsewhere, env=env)
    assert prepared.returncode == 0, prepared.stderr
    for kind in INSTRUMENTS:
        assert f"template installed as version 1: {kind}" in prepared.stdout

    checked = run([wenshu, "template", "lint", template, "--kind", "supervision_notice"],
                  cwd=elsewhere, env=env)  # fmt: skip
    assert (checked.returncode, checked.stdout.strip()) == (0, "clean"), checked.stderr

    published = run([wenshu, "template", "publish", "supervision_notice", template],
                    cwd=elsewhere, env=env)  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert "published supervision_notice v2 (active)" in published.stdout


def test_installed_wheel_keeps_its_default_instance_under_its_prefix(
    installed: Path, tmp_path: Path
) -> None:
    """This test ensures that an installed wheel's default instance is in <prefix>/var."""
    prepared = run([installed / "bin" / "wenshu", "init-db"], cwd=tmp_path, env=child_environment())
    assert prepared.returncode == 0, prepared.stderr
    database = installed / "var" / "wenshu-instance" / "wenshu.sqlite3"
    assert f"database ready: sqlite:///{database}" in prepared.stdout
    assert database.is_file()
