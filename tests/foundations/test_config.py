"""Tests of settings: the instance's wenshu.toml, the environment, and the bureau's 机关代字."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.acts.issuing import issue_document
from service.background.startup import prepare_service
from service.foundations.config import load_settings
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests.conftest import sample


def write_toml(instance: Path) -> None:
    """Write a bureau configuration into an instance folder."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "wenshu.toml").write_text(
        'office_workers = 3\n[bureau]\nname = "某某区档案局"\nshort_name = "某某区档案局"\n'
        'agency_codes = { supervision_notice = "某档监" }\n',
        encoding="utf-8",
    )


def test_instance_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that wenshu.toml sets values and the environment overrides them."""
    write_toml(tmp_path)
    monkeypatch.setenv("WENSHU_INSTANCE", str(tmp_path))
    assert load_settings().office_workers == 3
    assert load_settings().bureau.name == "某某区档案局"
    monkeypatch.setenv("WENSHU_OFFICE_WORKERS", "1")
    assert load_settings().office_workers == 1
    assert load_settings().resolved_database_url == f"sqlite:///{tmp_path / 'wenshu.sqlite3'}"


def test_unknown_setting_is_refused(tmp_path: Path) -> None:
    """This test ensures that a misspelt setting is an error, not silently ignored."""
    (tmp_path / "wenshu.toml").write_text("office_worker = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="office_worker"):
        load_settings({"instance_path": tmp_path})


@pytest.mark.office
def test_bureau_agency_code_and_name_reach_the_document(
    tmp_path: Path, office_pool: OfficePool
) -> None:
    """This test ensures that a bureau's own 机关代字 and name are used for numbers and metadata."""
    write_toml(tmp_path)
    wenshu = Wenshu.open(load_settings({"instance_path": tmp_path}), office_pool)
    prepare_service(wenshu)
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "t")
    assert document.number == "某档监〔2026〕1号"
    from service.render.pdfa import read_archival_metadata

    metadata = read_archival_metadata(wenshu.archive.absolute(document.pdf_path))
    assert metadata["责任者"] == "某某区档案局"
    wenshu.database.dispose()
