"""Tests of commands converting warm: on the running service's workers, or on the first of their own to answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.commands.batch import SMALL_BATCH
from service.commands.cli import main
from service.foundations.config import load_settings
from service.render.office.client import OfficeClient
from service.render.office.cold import ColdOffice
from service.render.office.pool import OfficePool
from service.render.office.process import OfficeWorker
from service.render.office.retry import OfficeError
from service.render.office.shared_workers import publish_workers, workers_file
from tests.batch.conftest import common_facts, recipients_table, unit_names
from tests.conftest import SAMPLES

pytestmark = pytest.mark.office
KIND = "correction_order"


@pytest.fixture
def service_workers(
    office_pool: OfficePool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The real pool of the session, named as the running service's workers on the command's
    instance; returns the addresses each conversion of the test went to."""
    monkeypatch.delenv("WENSHU_OFFICE_ADDRESSES", raising=False)
    office_pool.wait_ready()
    publish_workers(load_settings({"instance_path": tmp_path / "cli-instance"}), office_pool)
    used: list[str] = []
    real = OfficeClient.convert

    def recorded(self: OfficeClient, *args: object, **kwargs: object) -> None:
        used.append(f"{self.host}:{self.port}")
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    def refused(self: ColdOffice, docx: Path, pdf: Path, options: Sequence[str] = ()) -> None:
        raise AssertionError("a cold soffice was started while the service's workers answer")

    monkeypatch.setattr(OfficeClient, "convert", recorded)
    monkeypatch.setattr(ColdOffice, "convert", refused)
    return used


def test_render_converts_on_the_running_services_workers(
    runner: CliRunner, tmp_path: Path, office_pool: OfficePool, service_workers: list[str]
) -> None:
    """This test ensures that `wenshu render` converts on the running service's workers, says
    so, and leaves them running."""
    out = tmp_path / "notice.pdf"
    facts = str(SAMPLES / "supervision_notice.json")
    result = runner.invoke(main, ["render", "supervision_notice", facts, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "君档监通〔2026〕1号"
    assert "使用运行中服务的排版进程（2 个）" in result.stderr.splitlines()
    addresses = {f"{worker.host}:{worker.port}" for worker in office_pool.workers}
    assert service_workers and set(service_workers) <= addresses
    assert all(worker.healthy() for worker in office_pool.workers)
    assert out.read_bytes().startswith(b"%PDF")


def test_batch_converts_on_the_running_services_workers(
    runner: CliRunner, tmp_path: Path, office_pool: OfficePool, service_workers: list[str]
) -> None:
    """This test ensures that `wenshu batch` of more than a few copies starts no LibreOffice of
    its own when the service's workers answer, and leaves them running."""
    common = tmp_path / "common.json"
    common.write_text(json.dumps(common_facts(KIND), ensure_ascii=False), encoding="utf-8")
    table = recipients_table(tmp_path, KIND, unit_names(SMALL_BATCH + 1))
    args = ["batch", KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "out")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "使用运行中服务的排版进程（2 个）" in result.stderr.splitlines()
    assert len(list((tmp_path / "out").glob("君档责改*.pdf"))) == SMALL_BATCH + 1
    assert not (tmp_path / "cli-instance" / "batch-office").exists()
    addresses = {f"{worker.host}:{worker.port}" for worker in office_pool.workers}
    assert service_workers and set(service_workers) <= addresses
    assert all(worker.healthy() for worker in office_pool.workers)


def test_batch_begins_on_the_first_of_its_workers_to_answer(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a batch with no service to share starts its own workers, and issues
    every copy on the first that answers while the other has not started."""
    monkeypatch.delenv("WENSHU_OFFICE_ADDRESSES", raising=False)
    held = threading.Event()
    real = OfficeWorker.start

    def start(self: OfficeWorker) -> None:
        if self.name.endswith("-1"):
            held.wait(600)  # until the batch has ended: this worker never joins it
            raise OfficeError(f"{self.name}: held back by the test")
        real(self)

    monkeypatch.setattr(OfficeWorker, "start", start)
    common = tmp_path / "common.json"
    common.write_text(json.dumps(common_facts(KIND), ensure_ascii=False), encoding="utf-8")
    table = recipients_table(tmp_path, KIND, unit_names(SMALL_BATCH + 1))
    args = ["batch", KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "out")]
    try:
        result = runner.invoke(main, [*args, "--workers", "2"])
    finally:
        held.set()
    assert result.exit_code == 0, result.output
    assert "启动本命令自己的排版进程（2 个）" in result.stderr.splitlines()
    assert len(list((tmp_path / "out").glob("君档责改*.pdf"))) == SMALL_BATCH + 1
    assert not workers_file(load_settings({"instance_path": tmp_path / "cli-instance"})).exists()
