"""The one-shot converter: a fresh soffice --convert-to per document, for single commands."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from service.foundations.config import Settings
from service.render.office.converter import convert_to_argument
from service.render.office.process import office_environment
from service.render.office.profile import isolated, write_settings
from service.render.office.retry import OfficeError

# A cold soffice spends its first seconds starting; the conversion's own deadline comes after.
COLD_START_SECONDS = 60


class ColdOffice:
    """The one-shot way: a fresh soffice --convert-to per document (for single commands)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Convert one document with a cold soffice, holding a lock on the shared profile."""
        profiles = self.settings.office_profiles_path
        profiles.mkdir(parents=True, exist_ok=True)
        with open(profiles / "cold.lock", "w") as lock, tempfile.TemporaryDirectory() as outdir:
            # Two soffice processes sharing one profile fail silently.
            fcntl.flock(lock, fcntl.LOCK_EX)
            write_settings(profiles / "cold")  # nothing linked is fetched: see office_profile
            command = isolated([
                self.settings.soffice_path, "--headless", "--norestore", "--nolockcheck",
                f"-env:UserInstallation={(profiles / 'cold').as_uri()}",
                "--convert-to", convert_to_argument(options), "--outdir", outdir, str(docx_path),
            ])  # fmt: skip
            allowed = self.settings.office_timeout + COLD_START_SECONDS
            try:
                result = subprocess.run(
                    command,
                    env=office_environment(self.settings),
                    capture_output=True,
                    timeout=allowed,
                    check=False,
                )
            except subprocess.TimeoutExpired as error:
                raise OfficeError(
                    f"soffice did not finish {docx_path.name} within {allowed:g} s"
                ) from error
            produced = Path(outdir) / (docx_path.stem + ".pdf")
            if result.returncode != 0 or not produced.exists():
                detail = result.stderr.decode(errors="replace").strip()
                raise OfficeError(f"soffice could not convert {docx_path.name}: {detail}")
            shutil.move(produced, pdf_path)
