"""An archive folder on a small or read-only tmpfs, to see how every entry point meets a disk that refuses files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

FULL = "size=4k"  # one page: folders fit, a PDF of a hundred kilobytes never does
READ_ONLY = "ro"
# The two ways a disk refuses a file, with the words each entry point must pass on.
REFUSALS = [
    pytest.param(FULL, "归档存储空间已满", id="full"),
    pytest.param(READ_ONLY, "磁盘为只读", id="read-only"),
]


@contextmanager
def archive_on_tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """Mount a tmpfs with options over folder for the block, unmounted afterwards.

    Skips the test where mounting is not allowed (not root, or a container without the right).
    """
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, timeout=30)


def files_in(folder: Path) -> list[Path]:
    """Return every file under folder, temporary ones included (an absent folder has none)."""
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []
