"""Tests of `wenshu render` in a case: the operator opens and approves a case and issues in it by its number."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from service.commands.cli import main
from service.database.models import AuditEvent, Document
from service.foundations.config import load_settings
from service.render.ofd.package import read_info
from service.services import Wenshu
from tests.casework import UNITS
from tests.conftest import SAMPLES


def render(runner: CliRunner, tmp_path: Path, kind: str, *more: str) -> tuple[int, str, str]:
    """Run `wenshu render KIND sample -o …` with more arguments; return exit code, stdout, stderr."""
    out = tmp_path / f"{kind}.pdf"
    result = runner.invoke(
        main, ["render", kind, str(SAMPLES / f"{kind}.json"), "-o", str(out), *more]
    )
    return result.exit_code, result.stdout.strip(), result.stderr


def test_the_operator_opens_a_case_and_issues_in_it_by_its_number(
    runner: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that render opens an approved case, issues a record in it by --case, and refuses a case kind without one or with an unknown number."""
    assert runner.invoke(main, ["units", "import", str(UNITS)]).exit_code == 0
    code, number, errors = render(runner, tmp_path, "case_opening", "--as", "刘建平")
    assert (code, number) == (0, "君档立〔2026〕1号"), errors
    code, record, errors = render(runner, tmp_path, "site_record", "--case", number)
    assert (code, record) == (0, "君档勘录〔2026〕1号"), errors

    code, _out, errors = render(runner, tmp_path, "inquiry_record")
    assert code == 2 and errors.startswith("case: 询问笔录只能在案件中制作")
    code, _out, errors = render(runner, tmp_path, "inquiry_record", "--case", "君档立〔2026〕9号")
    assert code == 2 and errors.startswith("case: 没有案件 君档立〔2026〕9号")

    settings = load_settings({"instance_path": Path(os.environ["WENSHU_INSTANCE"])})
    wenshu = Wenshu.open(settings)
    try:
        with wenshu.database.session() as session:
            approvals = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "approve")
            ).all()
    finally:
        wenshu.close()
    assert [(entry.actor, entry.details["via"]) for entry in approvals] == [("刘建平", "cli")]


def test_render_writes_the_archived_ofd_beside_the_pdf(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that --ofd writes the OFD archived with the document, and that it names its 文号."""
    out = tmp_path / "out" / "notice.ofd"
    code, number, errors = render(runner, tmp_path, "supervision_notice", "--ofd", str(out))
    assert code == 0, errors
    settings = load_settings({"instance_path": tmp_path / "cli-instance"})
    wenshu = Wenshu.open(settings)
    with wenshu.database.session() as session:
        document = session.scalars(select(Document)).one()
    assert out.read_bytes() == wenshu.archive.read(document.ofd_path)
    wenshu.close()
    assert read_info(out.read_bytes()).custom[0] == ("文号", number)
    assert not list(out.parent.glob("*.part"))
