"""The templates and samples shipped in the package: the repository's templates_docx/ and samples/.

pyproject.toml maps the two folders into the package as service.templates_docx and
service.samples, so importlib.resources finds them wherever the package is: the repository's
own folders from a checkout (an editable install), their installed copies from a wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped_folder(package: str) -> Path:
    """Return the folder on disk holding a data package's files."""
    folder = files(package)
    # pip installs a wheel unpacked; only a zipped install would give something else.
    if not isinstance(folder, Path):
        raise RuntimeError(
            f"随包提供的 {package} 不是磁盘上的目录（{folder}）：请用 pip install 安装 wenshu 的 wheel"
        )
    return folder


def shipped_templates() -> Path:
    """Return the folder of the shipped templates, version 1 of each kind: <kind>.docx."""
    return shipped_folder("service.templates_docx")


def shipped_samples() -> Path:
    """Return the folder of the shipped sample facts, one <kind>.json per kind."""
    return shipped_folder("service.samples")


SAMPLES = shipped_samples()
