"""The `wenshu cases` commands: a closed case's file (案卷) as one PDF/A, and as a BagIt package for transfer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from service.cases.records import NoSuchCase, case_id_for_number
from service.commands.common import EXIT_INVALID, EXIT_NOT_ISSUED, opened
from service.custody.case_bag import export_case_bag
from service.custody.case_file import case_file_pdf, record_case_file
from service.custody.case_volume import CaseFileRefused, CaseNotClosed
from service.custody.export import ExportRefused
from service.services import Wenshu

ACTOR_HELP = "经办人（记入审计链）"


@click.group()
def cases() -> None:
    """Enforcement cases: a closed case's file (案卷) for the archive and for transfer."""


@cases.command("file")
@click.argument("number")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="案卷 PDF 输出路径"
)
@click.option("--as", "actor", default="cli", show_default=True, help=ACTOR_HELP)
def file_command(number: str, output: Path, actor: str) -> None:
    """Write the file of the closed case NUMBER (案号) as one PDF/A; print its path.

    Exit 2 for an unknown case or one not yet closed, 1 when an archived file differs
    from its record or the conversion fails.
    """
    with opened() as wenshu:
        case_id = _case_id(wenshu, number)
        try:
            data = case_file_pdf(wenshu, case_id)
        except CaseFileRefused as refused:
            _refused(refused)
        record_case_file(wenshu, case_id, number, data, actor, "export", "cli")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)
    click.echo(f"case file of {number} written to {output}")


@cases.command("export")
@click.argument("number")
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--as", "actor", default="cli", show_default=True, help=ACTOR_HELP)
def export_command(number: str, out_dir: Path, actor: str) -> None:
    """Write the closed case NUMBER (案号) as a BagIt package: its 案卷, documents by 文号, case.json.

    Exit 2 for an unknown case, one not yet closed or an OUT_DIR that is not new or empty,
    1 when an archived file differs from its record or the conversion fails.
    """
    with opened() as wenshu:
        case_id = _case_id(wenshu, number)
        try:
            result = export_case_bag(wenshu, case_id, out_dir, actor)
        except ExportRefused as refused:
            click.echo(f"export: {refused}", err=True)
            sys.exit(EXIT_INVALID)
        except CaseFileRefused as refused:
            _refused(refused)
    click.echo(f"exported case {number} with {len(result.numbers)} documents to {result.path}")


def _case_id(wenshu: Wenshu, number: str) -> int:
    """Return the id of the case numbered so, or exit 2 saying there is none."""
    with wenshu.database.session() as session:
        try:
            return case_id_for_number(session, number)
        except NoSuchCase as error:
            click.echo(f"case: {error}（请核对案号，如 君档立〔2026〕3号）", err=True)
            sys.exit(EXIT_INVALID)


def _refused(refused: CaseFileRefused) -> NoReturn:
    """Say why the case's file was not made: exit 2 for an open case, 1 for the archive's fault."""
    for problem in refused.problems:
        click.echo(problem, err=True)
    click.echo(f"case: {refused}", err=True)
    sys.exit(EXIT_INVALID if isinstance(refused, CaseNotClosed) else EXIT_NOT_ISSUED)
