"""Tests of `wenshu batch`: bad rows refused by row and field, outputs, resuming, a kill -9 mid-run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from service.background.startup import prepare_service
from service.batch.compose import EXPORT_OPTIONS
from service.commands.batch import SMALL_BATCH
from service.commands.cli import main
from service.database.batch_models import BatchJob
from service.database.models import Document
from service.foundations.config import Settings, load_settings
from service.render.office.cold import ColdOffice
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests import pdfcheck
from tests.archive_disk import REFUSALS, archive_on_tmpfs, files_in
from tests.batch.conftest import (
    circular_facts,
    common_facts,
    recipients_table,
    unit_names,
    villages,
    write_csv,
)
from tests.office_gate import office_gate

pytestmark = pytest.mark.office
KIND = "correction_order"


@pytest.fixture
def common(tmp_path: Path) -> Path:
    """The facts every correction order shares, as a JSON file."""
    path = tmp_path / "common.json"
    path.write_text(json.dumps(common_facts(KIND), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def workers(office_pool: OfficePool, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared LibreOffice workers, named to the command as running ones."""
    office_pool.wait_ready()
    addresses = ",".join(f"{worker.host}:{worker.port}" for worker in office_pool.workers)
    monkeypatch.setenv("WENSHU_OFFICE_ADDRESSES", addresses)
    return addresses


def instance_of(runner_env: Path) -> Wenshu:
    """Return services on the command's instance (no converter needed)."""
    wenshu = Wenshu.open(load_settings({"instance_path": runner_env}))
    prepare_service(wenshu)
    return wenshu


def numbers_of(instance: Path) -> list[str]:
    """Return the numbers recorded in an instance, in order."""
    wenshu = instance_of(instance)
    try:
        with wenshu.database.session() as session:
            return list(session.scalars(select(Document.number).order_by(Document.sequence)))
    finally:
        wenshu.close()


def batch(runner: CliRunner, *args: str) -> Result:
    """Invoke wenshu batch."""
    return runner.invoke(main, ["batch", *args])


def test_bad_rows_are_listed_and_nothing_is_issued(
    runner: CliRunner, tmp_path: Path, common: Path, workers: str
) -> None:
    """This test ensures that all bad rows are listed by row and field, exit 2, and nothing is issued."""
    table = write_csv(
        tmp_path / "r.csv",
        ["未提交自查报告的单位", "改正期限"],
        [["甲单位", ""], ["", "2026-11-09"], ["丙单位", "2026-01-01"], ["丁单位", "2026-13-40"]],
    )
    result = batch(runner, KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == [
        "第3行 unit", "第4行 deadline", "第5行 deadline",
    ]  # fmt: skip
    assert "3 行不合规，未生成任何文书" in lines[-1]
    assert numbers_of(tmp_path / "cli-instance") == []
    assert not (tmp_path / "out").exists()


def test_skip_invalid_issues_the_other_rows(
    runner: CliRunner, tmp_path: Path, common: Path, workers: str
) -> None:
    """This test ensures that --skip-invalid issues the good rows with gapless numbers."""
    table = write_csv(
        tmp_path / "r.csv",
        ["unit", "deadline"],
        [["甲单位", ""], ["乙单位", "2026-01-01"], ["丙单位", ""]],
    )
    out = tmp_path / "out"
    result = batch(
        runner, KIND, str(table), "--facts", str(common), "--out", str(out), "--skip-invalid"
    )
    assert result.exit_code == 0, result.output
    assert "第3行 deadline" in result.stderr and "跳过 1 行" in result.stderr
    assert numbers_of(tmp_path / "cli-instance") == ["君档责改〔2026〕1号", "君档责改〔2026〕2号"]
    with (out / "manifest.csv").open(encoding="utf-8-sig") as handle:
        assert [row["recipient"] for row in csv.DictReader(handle)] == ["甲单位", "丙单位"]


def test_outputs_and_running_the_same_command_again(
    runner: CliRunner, tmp_path: Path, common: Path, workers: str
) -> None:
    """This test ensures that the outputs are written, and the same input again issues nothing new."""
    units = unit_names(4)
    table = recipients_table(tmp_path, KIND, units)
    out = tmp_path / "out"
    args = [KIND, str(table), "--facts", str(common), "--out", str(out), "--as", "王文书"]
    first = batch(runner, *args)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("批量任务 #1：责令限期改正通知书 4 份")
    assert "进度 4/4" in first.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["copies.zip", "manifest.csv", "merged.pdf"]
        + [f"君档责改〔2026〕{n}号_{unit}.pdf" for n, unit in enumerate(units, start=1)]
    )
    (out / "manifest.csv").unlink()
    again = batch(runner, *args)
    assert again.exit_code == 0, again.output
    assert "批量任务 #1 已经完成（4 份），不再重复发文" in again.stdout
    assert (out / "manifest.csv").exists()
    assert len(numbers_of(tmp_path / "cli-instance")) == 4
    fresh = batch(runner, *args, "--new")
    assert fresh.exit_code == 0 and "批量任务 #2" in fresh.stdout
    assert len(numbers_of(tmp_path / "cli-instance")) == 8


def test_a_circular_batch_is_one_number_with_its_copies(
    runner: CliRunner, tmp_path: Path, workers: str
) -> None:
    """This test ensures that `wenshu batch` of a circular says the one 文号 its copies share and
    their 份号, and names each copy's file by both."""
    circular = "safety_circular"
    facts = tmp_path / "circular.json"
    facts.write_text(json.dumps(common_facts(circular), ensure_ascii=False), encoding="utf-8")
    units = unit_names(3)
    table = recipients_table(tmp_path, circular, units)
    out = tmp_path / "out"
    result = batch(runner, circular, str(table), "--facts", str(facts), "--out", str(out))
    assert result.exit_code == 0, result.output
    number = "君档通报〔2026〕1号"
    assert f"完成：3 份（共用文号 {number}，份号 000001–000003），输出在 {out}" in result.stdout
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(
        ["merged.pdf"] + [f"{number}_{n:06d}_{unit}.pdf" for n, unit in enumerate(units, 1)]
    )
    assert numbers_of(tmp_path / "cli-instance") == [number] * 3


def test_a_circular_to_too_many_units_asks_for_a_collective_name(
    runner: CliRunner, tmp_path: Path, workers: str
) -> None:
    """This test ensures that `wenshu batch` refuses a 主送 list the first page cannot hold in one
    line for all rows, exit 2, and issues under the 统称 given in --facts."""
    circular = "safety_circular"
    facts = tmp_path / "circular.json"
    facts.write_text(json.dumps(common_facts(circular), ensure_ascii=False), encoding="utf-8")
    units = villages(20)
    table = recipients_table(tmp_path, circular, units)
    out = tmp_path / "out"
    refused = batch(runner, circular, str(table), "--facts", str(facts), "--out", str(out))
    assert refused.exit_code == 2
    lines = refused.stderr.splitlines()
    assert lines[0].startswith("全部20行 addressee: 主送单位共20个") and "主送机关统称" in lines[0]
    assert lines[-1].endswith(
        "20 行不合规，未生成任何文书（改正后重试）"
    )  # skipping would leave none
    assert numbers_of(tmp_path / "cli-instance") == []
    facts.write_text(json.dumps(circular_facts(circular), ensure_ascii=False), encoding="utf-8")
    result = batch(runner, circular, str(table), "--facts", str(facts), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert numbers_of(tmp_path / "cli-instance") == ["君档通报〔2026〕1号"] * 20


def test_input_problems_exit_2(runner: CliRunner, tmp_path: Path, common: Path) -> None:
    """This test ensures that a missing table, an unknown kind or column, or bad facts exit 2."""
    table = write_csv(tmp_path / "r.csv", ["单位名称"], [["甲单位"]])
    out = str(tmp_path / "out")
    bad_facts = tmp_path / "bad.json"
    bad_facts.write_text('{"unit_name": "x"}', encoding="utf-8")
    cases = [
        (["batch", "--out", out], "需要文书种类和收文单位表格"),
        (["batch", "no_such_kind", str(table), "--out", out], "kind: 没有这种文书"),
        (["batch", KIND, str(table), "--facts", str(common), "--out", out], "“单位名称”不是"),
        (["batch", KIND, str(table), "--facts", str(bad_facts), "--out", out], "unit_name"),
        (["batch", "--resume", "99", "--out", out], "没有编号为 99 的批量任务"),
    ]
    for args, message in cases:
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)


def command_environment(settings: Settings, addresses: str) -> dict[str, str]:
    """Return the environment a `wenshu` subprocess runs in, on the test's instance and database."""
    env = dict(os.environ, WENSHU_INSTANCE=str(settings.instance_path))
    env["WENSHU_OFFICE_ADDRESSES"] = addresses
    if settings.database_url:
        env["WENSHU_DATABASE_URL"] = settings.database_url
    return env


def test_a_batch_killed_with_sigkill_resumes_exactly_once(
    settings: Settings, tmp_path: Path, common: Path, workers: str
) -> None:
    """This test ensures that after kill -9 mid-run the same command finishes: numbers 1..N once, no stray file."""
    units = unit_names(40)
    table = recipients_table(tmp_path, KIND, units)
    command = [str(Path(sys.executable).parent / "wenshu"), "batch", KIND, str(table), "--facts", str(common),
               "--out", str(tmp_path / "out"), "--chunk-size", "3"]  # fmt: skip
    env = command_environment(settings, workers)
    # Three merged conversions get through, the fourth waits: the kill comes after exactly three
    # chunks of three, however fast the machine converts.
    with office_gate(workers.split(","), allow=3) as gate:
        gated = command_environment(settings, gate.addresses)
        # The held conversion is not given up (and the job failed) before the kill, however late.
        gated["WENSHU_OFFICE_TIMEOUT"] = "900"
        with subprocess.Popen(
            command, env=gated, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        ) as process:
            assert process.stderr is not None
            hang = threading.Timer(300, process.kill)  # only if the fourth chunk never waits
            hang.start()
            for line in process.stderr:
                if line.startswith("进度 ") and int(line.split()[1].split("/")[0]) >= 9:
                    process.send_signal(signal.SIGKILL)
                    break
            hang.cancel()
        process.wait()
        assert process.returncode == -signal.SIGKILL and gate.held.is_set()
    wenshu = Wenshu.open(settings)
    try:
        with wenshu.database.session() as session:
            job = session.scalars(select(BatchJob)).one()
            assert job.done == 9 and job.runner  # the dead runner's name stays behind
            assert len(session.scalars(select(Document)).all()) == 9
        resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert f"继续输入相同的未完成批量任务 #{job.id}" in resumed.stdout
        with wenshu.database.session() as session:
            recorded = list(session.scalars(select(Document).order_by(Document.sequence)))
        assert [d.sequence for d in recorded] == list(range(1, 41))
        assert sorted(d.recipient for d in recorded) == sorted(units)
        root = settings.archive_path
        assert {str(p.relative_to(root)) for p in (root / "pdf").rglob("*.pdf")} == {
            d.pdf_path for d in recorded
        }
        assert list((root / ".incoming").iterdir()) == []
        assert len(list((tmp_path / "out").glob("君档责改*.pdf"))) == 40
    finally:
        wenshu.close()


def test_resume_by_job_id(runner: CliRunner, tmp_path: Path, common: Path, workers: str) -> None:
    """This test ensures that --resume JOB_ID goes on with a stopped job and writes its outputs."""
    units = unit_names(5)
    table = recipients_table(tmp_path, KIND, units)
    first = batch(runner, KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "a"))
    assert first.exit_code == 0
    wenshu = instance_of(tmp_path / "cli-instance")
    try:
        with wenshu.database.session() as session:
            session.get(BatchJob, 1).status = "failed"  # type: ignore[union-attr]
    finally:
        wenshu.close()
    result = batch(runner, "--resume", "1", "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert "继续批量任务 #1" in result.stdout
    assert len(list((tmp_path / "b").glob("君档责改*.pdf"))) == 5


def test_a_larger_batch_starts_its_own_workers(
    runner: CliRunner, tmp_path: Path, common: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that without running workers a batch of more than a few copies starts and stops its own."""
    monkeypatch.delenv("WENSHU_OFFICE_ADDRESSES", raising=False)
    units = unit_names(SMALL_BATCH + 1)
    table = recipients_table(tmp_path, KIND, units)
    result = batch(runner, KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert len(numbers_of(tmp_path / "cli-instance")) == SMALL_BATCH + 1
    slot = tmp_path / "cli-instance" / "batch-office" / "slot-0" / "office"
    assert (slot / "worker-0").is_dir()
    left = subprocess.run(["pgrep", "-f", str(slot)], capture_output=True, text=True).stdout
    assert left == ""


def test_a_small_batch_converts_merged_with_one_cold_soffice(
    runner: CliRunner, tmp_path: Path, common: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that a few copies without running workers go through one cold soffice call."""
    monkeypatch.delenv("WENSHU_OFFICE_ADDRESSES", raising=False)
    calls = []
    real = ColdOffice.convert

    def counted(self: ColdOffice, docx: Path, pdf: Path, options: Sequence[str] = ()) -> None:
        calls.append(options)
        real(self, docx, pdf, options)

    monkeypatch.setattr(ColdOffice, "convert", counted)
    table = recipients_table(tmp_path, KIND, unit_names(3))
    result = batch(runner, KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert calls == [EXPORT_OPTIONS]
    for path in (tmp_path / "out").glob("君档责改*.pdf"):
        assert pdfcheck.pdfa_violations(path) == []


@pytest.mark.parametrize(("options", "reason"), REFUSALS)
def test_a_refusing_archive_disk_stops_the_batch_with_how_to_resume(
    runner: CliRunner, tmp_path: Path, common: Path, workers: str, options: str, reason: str
) -> None:
    """This test ensures that a batch on a full or read-only archive disk exits 1 with a Chinese
    message and how to resume, no traceback, no file and no number used; resumed, it issues all."""
    instance = tmp_path / "cli-instance"
    table = recipients_table(tmp_path, KIND, unit_names(3))
    with archive_on_tmpfs(instance / "archive", options):
        stopped = batch(
            runner, KIND, str(table), "--facts", str(common), "--out", str(tmp_path / "a")
        )
        assert files_in(instance / "archive") == []
    assert stopped.exit_code == 1, stopped.output
    assert isinstance(stopped.exception, SystemExit) and "Traceback" not in stopped.output
    message, hint = stopped.stderr.splitlines()[-2:]
    assert message.startswith("batch: 归档存储") and reason in message and "重试" in message
    assert (
        hint == "批量任务 #1 已停止，已生成的文书都已归档；继续：wenshu batch --resume 1 --out DIR"
    )
    assert numbers_of(instance) == []
    resumed = batch(runner, "--resume", "1", "--out", str(tmp_path / "b"))
    assert resumed.exit_code == 0, resumed.output
    assert numbers_of(instance) == [f"君档责改〔2026〕{n}号" for n in range(1, 4)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"report_year": 2025, "colour": "红"}',
            "共同事实中的字段不属于责令限期改正通知书：colour",
        ),
        ('{"report_year": ', "共同事实不是有效的 JSON：第1行"),
        ('["a list"]', "共同事实应当是一个以字段名为键的 JSON 对象"),
    ],
)
def test_common_facts_are_refused_as_the_batch_page_refuses_them(
    runner: CliRunner, tmp_path: Path, content: str, message: str
) -> None:
    """This test ensures that the command checks its facts file with the batch page's own rules."""
    facts = tmp_path / "common.json"
    facts.write_text(content, encoding="utf-8")
    table = write_csv(tmp_path / "r.csv", ["unit"], [["甲单位"]])
    result = batch(runner, KIND, str(table), "--facts", str(facts), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"facts: {message}")
    assert "Traceback" not in result.output
    assert numbers_of(tmp_path / "cli-instance") == []
