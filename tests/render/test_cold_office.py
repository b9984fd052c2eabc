"""The one-shot converter: a soffice that never finishes is a conversion failure, not a hang or a crash."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from service.foundations.config import Settings
from service.render.office import cold
from service.render.office.cold import ColdOffice
from service.render.office.retry import OfficeError


def test_a_soffice_that_never_finishes_is_an_office_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a cold soffice outliving its deadline raises OfficeError, not TimeoutExpired."""
    stuck = tmp_path / "soffice"
    stuck.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    stuck.chmod(0o755)
    monkeypatch.setattr(cold, "COLD_START_SECONDS", 0)
    settings = Settings(
        instance_path=tmp_path / "instance", soffice_path=str(stuck), office_timeout=1.0
    )
    docx = tmp_path / "notice.docx"
    docx.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(OfficeError, match=r"did not finish notice\.docx within 1 s"):
        ColdOffice(settings).convert(docx, tmp_path / "notice.pdf")
    assert time.monotonic() - started < 50  # the stuck child was not waited for
    assert not (tmp_path / "notice.pdf").exists()
