"""Tests of housekeeping: stale batch uploads and unpublished template candidates go, versions stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select

from service.background.housekeeping import STALE_AFTER, Swept, sweep_stale
from service.database.models import TemplateVersion
from service.services import Wenshu


def age(path: Path, days: float) -> None:
    """Set a file's or folder's modification time so many days back."""
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


def test_stale_uploads_and_candidates_are_removed_and_versions_kept(wenshu: Wenshu) -> None:
    """This test ensures that only what is old and unpublished is removed, whatever else lies there."""
    uploads = wenshu.settings.batch_path / "uploads"
    old_upload, new_upload = uploads / ("a" * 32), uploads / ("b" * 32)
    for folder in (old_upload, new_upload):
        folder.mkdir(parents=True)
        (folder / "table.csv").write_text("addressee\n单位\n", encoding="utf-8")
    age(old_upload, STALE_AFTER.days + 1)

    old_candidate, _path = wenshu.templates.put(b"an old candidate nobody published")
    new_candidate, _path = wenshu.templates.put(b"a candidate uploaded today")
    age(wenshu.templates.root / f"{old_candidate}.docx", STALE_AFTER.days + 1)
    with wenshu.database.session() as session:
        versions = list(session.scalars(select(TemplateVersion)))
    for version in versions:  # shipped version 1 of every kind, as old as can be
        age(wenshu.templates.root / version.path, 365)

    swept = sweep_stale(wenshu)
    assert (swept.uploads, swept.candidates) == (1, 1)
    assert not old_upload.exists() and new_upload.exists()
    assert not (wenshu.templates.root / f"{old_candidate}.docx").exists()
    assert (wenshu.templates.root / f"{new_candidate}.docx").exists()
    assert all((wenshu.templates.root / version.path).exists() for version in versions)
    assert sweep_stale(wenshu) == Swept(0, 0)


def test_nothing_to_sweep_on_a_new_instance(wenshu: Wenshu) -> None:
    """This test ensures that a sweep of a fresh instance (no uploads folder yet) removes nothing."""
    assert sweep_stale(wenshu) == Swept(0, 0)
