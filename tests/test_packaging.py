"""Tests of the packaging: dependencies declared and locked, packages listed, shipped folders."""

from __future__ import annotations

import ast
import importlib.metadata
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from setuptools import find_namespace_packages

from service.foundations.config import Settings
from service.foundations.shipped import shipped_folder, shipped_samples, shipped_templates
from tests.conftest import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements.lock"
# Imported by the service but installed with the system, not by pip: the venv sees it
# through --system-site-packages.
SYSTEM_MODULES = {"uno": "LibreOffice's Python bridge (Debian's python3-uno)"}


def declared(*groups: str) -> list[Requirement]:
    """Return pyproject.toml's requirements: the dependencies, then the named extras'."""
    project = PYPROJECT["project"]
    lines = list(project["dependencies"])
    for group in groups:
        lines += project["optional-dependencies"][group]
    return [Requirement(line) for line in lines]


def locked() -> dict[str, Version]:
    """Return the versions pinned in requirements.lock, by canonical distribution name."""
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (pin,) = requirement.specifier
            assert pin.operator == "==", line
            pins[canonicalize_name(requirement.name)] = Version(pin.version)
    return pins


def third_party_imports() -> dict[str, set[str]]:
    """Return each top-level module that service/ and forms/ import from outside, with the files."""
    found: dict[str, set[str]] = {}
    for path in sorted([*(ROOT / "service").rglob("*.py"), *(ROOT / "forms").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in {"service", "forms"}:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_is_a_declared_dependency() -> None:
    """This test ensures that each module service/ and forms/ import has a declared dependency."""
    providers = importlib.metadata.packages_distributions()
    runtime = {canonicalize_name(requirement.name) for requirement in declared()}
    imports = third_party_imports()
    assert {"flask", "werkzeug", "jinja2", "uno"} <= set(imports)  # the scan reads the code
    undeclared = {}
    for module, files in imports.items():
        if module in SYSTEM_MODULES:
            continue
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        if not distributions & runtime:
            undeclared[module] = (sorted(distributions), sorted(files)[:3])
    assert undeclared == {}, f"imported but not in pyproject.toml's dependencies: {undeclared}"


def test_docxtpl_is_held_to_the_minor_version_whose_internals_are_called() -> None:
    """This test ensures that docxtpl's range admits the installed version, no other minor."""
    (docxtpl,) = [r for r in declared() if canonicalize_name(r.name) == "docxtpl"]
    installed = Version(importlib.metadata.version("docxtpl"))
    assert docxtpl.specifier.contains(installed)
    major, minor = installed.major, installed.minor
    assert not docxtpl.specifier.contains(f"{major}.{minor + 1}")
    assert not docxtpl.specifier.contains(f"{major}.{minor - 1}.99")


def test_lock_pins_every_declared_dependency_within_its_range() -> None:
    """This test ensures that the lock pins every dependency, extras too, within its range."""
    pins = locked()
    for requirement in declared("postgres", "dev"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is declared but not in requirements.lock"
        admitted = requirement.specifier.contains(pins[name], prereleases=True)
        assert admitted, f"{requirement} does not admit the locked {pins[name]}"


def test_installed_versions_are_the_locked_ones() -> None:
    """This test ensures that the suite runs with the locked versions (after an upgrade: make lock)."""
    drifted = {}
    for name, version in locked().items():
        try:
            installed = Version(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            continue  # pinned but needed by nothing here: a constraint installs nothing
        if installed != version:
            drifted[name] = (str(version), str(installed))
    assert drifted == {}, f"locked and installed versions differ: {drifted}"


def test_lock_holds_only_what_pip_installs_into_the_venv() -> None:
    """This test ensures that the lock pins none of the system's packages: pip cannot install them."""
    venv = Path(sys.prefix).resolve()
    assert venv != Path(sys.base_prefix).resolve(), "the suite runs in the project's virtualenv"
    outside = []
    for name in locked():
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        where = Path(str(distribution.locate_file(""))).resolve()
        if not where.is_relative_to(venv):
            outside.append(f"{name} ({where})")
    assert outside == [], f"pinned in requirements.lock but installed with the system: {outside}"


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    """This test ensures that pyproject.toml lists each package of service/ and forms/ for the wheel."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    found = set(find_namespace_packages(where=str(ROOT), include=["service*", "forms*"]))
    mapped = set(setuptools["package-dir"])
    missing = found - set(setuptools["packages"])
    assert missing == set(), f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert set(setuptools["packages"]) == found | mapped


def test_shipped_folders_are_the_repository_folders_in_a_checkout() -> None:
    """This test ensures that in a checkout the shipped templates and samples are the repository's."""
    assert shipped_templates() == ROOT / "templates_docx"
    assert shipped_samples() == ROOT / "samples"
    assert Settings().templates_path == ROOT / "templates_docx"
    assert (shipped_samples() / "supervision_notice.json").is_file()


def test_default_instance_of_a_checkout_is_beside_the_package() -> None:
    """This test ensures that a checkout keeps its instance in instance/ beside the package."""
    assert Settings().instance_path == ROOT / "instance"


def test_shipped_folder_refuses_a_package_that_is_not_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a data package inside a zip is named as such, not half-read."""
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("wenshu_zipped_data/__init__.py", "")
        zipped.writestr("wenshu_zipped_data/supervision_notice.json", "{}")
    monkeypatch.syspath_prepend(str(archive))
    try:
        with pytest.raises(RuntimeError, match="wenshu_zipped_data 不是磁盘上的目录"):
            shipped_folder("wenshu_zipped_data")
    finally:
        sys.modules.pop("wenshu_zipped_data", None)
