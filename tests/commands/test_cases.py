"""Tests of `wenshu cases file` and `wenshu cases export`: a closed case's 案卷 and its BagIt package, and their exits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import bagit
import pikepdf
import pytest
from click.testing import CliRunner
from sqlalchemy import select

import service.services
from service.background.startup import prepare_service
from service.commands.cli import main
from service.custody.case_volume import MISMATCH
from service.database.models import AuditEvent
from service.foundations.config import Settings, load_settings
from service.render.office.converter import Converter
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests import pdfcheck
from tests.archive.conftest import flip_byte
from tests.custody.case_files import case_documents, closed_case, open_case, short_closed_case
from tests.fake_office import BlankPageOffice


class Borrowed(Converter):
    """The session's LibreOffice pool lent to a command, which closes its converter when done.

    Not being the pool itself, it is left open by the command's Wenshu.close().
    """

    def __init__(self, pool: OfficePool) -> None:
        self.pool = pool

    def convert(self, docx_path: Path, pdf_path: Path, options: Sequence[str] = ()) -> None:
        """Convert with the pool."""
        self.pool.convert(docx_path, pdf_path, options)


@pytest.fixture
def cli(wenshu: Wenshu, monkeypatch: pytest.MonkeyPatch, office_pool: OfficePool) -> CliRunner:
    """A runner for the wenshu command on the wenshu fixture's instance, database and pool.

    The commands convert with the session's pool instead of starting LibreOffice cold.
    """

    def borrowed(_settings: Settings) -> Converter:
        return Borrowed(office_pool)

    monkeypatch.setattr(service.services, "default_converter", borrowed)
    monkeypatch.setenv("WENSHU_INSTANCE", str(wenshu.settings.instance_path))
    monkeypatch.setenv("WENSHU_DATABASE_URL", wenshu.settings.database_url)
    return CliRunner()


def fast_services() -> Wenshu:
    """Return the services of the runner's instance, converting to blank pages."""
    wenshu = Wenshu.open(load_settings(), BlankPageOffice())
    prepare_service(wenshu)
    return wenshu


def number_of(wenshu: Wenshu, case_id: int) -> str:
    """Return a case's number: its 立案审批表's 文号."""
    return next(d.number for d in case_documents(wenshu, case_id) if d.kind == "case_opening")


@pytest.mark.office
def test_file_and_export_write_the_case_file_and_its_bag(
    wenshu: Wenshu, cli: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that `cases file` writes the 案卷 (audited) and `cases export` a valid bag of the case."""
    case_id = closed_case(wenshu)
    number = number_of(wenshu, case_id)
    out = tmp_path / "files" / "volume.pdf"
    result = cli.invoke(main, ["cases", "file", number, "-o", str(out), "--as", "王档案员"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"case file of {number} written to {out}"
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        assert pdfcheck.pdfa_violations(out) == [] and len(outline.root) == 4
    with wenshu.database.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.actor, event.subject, event.details["via"]) == (
        "王档案员",
        f"{number}案卷",
        "cli",
    )
    assert event.details["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()

    bag = tmp_path / "bag"
    result = cli.invoke(main, ["cases", "export", number, str(bag)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"exported case {number} with 13 documents to {bag}"
    bagit.Bag(str(bag)).validate()
    assert (bag / "data" / f"{number}案卷.pdf").exists()


def test_an_unknown_case_number_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a number naming no case exits 2 saying so, and writes nothing."""
    out = tmp_path / "volume.pdf"
    result = runner.invoke(main, ["cases", "file", "君档立〔2026〕99号", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("case: 没有案件 君档立〔2026〕99号")
    assert not out.exists()
    result = runner.invoke(main, ["cases", "export", "君档立〔2026〕99号", str(tmp_path / "bag")])
    assert result.exit_code == 2 and not (tmp_path / "bag").exists()


def test_an_open_case_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a case before 结案 exits 2 saying it is not closed."""
    wenshu = fast_services()
    number = number_of(wenshu, open_case(wenshu))
    wenshu.close()
    result = runner.invoke(main, ["cases", "file", number, "-o", str(tmp_path / "volume.pdf")])
    assert result.exit_code == 2
    assert result.stderr.startswith("case: 案件尚未结案")


def test_export_into_a_folder_in_use_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that an export into a folder holding files exits 2 and leaves it as it was."""
    wenshu = fast_services()
    number = number_of(wenshu, short_closed_case(wenshu))
    wenshu.close()
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("已有文件", encoding="utf-8")
    result = runner.invoke(main, ["cases", "export", number, str(used)])
    assert result.exit_code == 2
    assert "已存在且不是空目录" in result.stderr
    assert [path.name for path in used.iterdir()] == ["keep.txt"]


def test_a_changed_archived_file_exits_1_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a document whose archived file changed exits 1, its 文号 and file named."""
    wenshu = fast_services()
    case_id = short_closed_case(wenshu)
    changed = case_documents(wenshu, case_id)[1]
    flip_byte(wenshu, changed)
    number = number_of(wenshu, case_id)
    wenshu.close()
    result = runner.invoke(main, ["cases", "file", number, "-o", str(tmp_path / "volume.pdf")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{changed.number}：文件 {changed.pdf_path} 与登记的固化信息不符",
        f"case: {MISMATCH}",
    ]
