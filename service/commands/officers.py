"""The officers command: the officer directory a form's 执法人员 are checked against, imported, listed, deactivated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.archive.officer_table import OfficersRefused
from service.archive.officers import (
    UnknownOfficer,
    deactivate_officer,
    import_officers,
    list_officers,
)
from service.commands.common import EXIT_INVALID, opened
from service.foundations.tables import TableUnreadable


@click.group()
def officers() -> None:
    """Manage the officer directory (执法人员名录): who may be named as an enforcement officer, until when."""


@officers.command("import")
@click.argument("table", type=click.Path(path_type=Path))
def import_command(table: Path) -> None:
    """Add or update the officers of a .csv or .xlsx table (姓名, 执法证号, 有效期至).

    All rows or none: a bad row is named with its number and reason, exit 2, nothing changed.
    An officer is found by 执法证号; a known one takes the table's name and date.
    """
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            report = import_officers(session, table)
    except OfficersRefused as refused:
        for problem in refused.problems:
            click.echo(problem.line(), err=True)
        click.echo("officers: 执法人员名录未作任何改动；请改正以上各行后重新导入", err=True)
        sys.exit(EXIT_INVALID)
    except TableUnreadable as error:
        click.echo(f"officers: {error}", err=True)
        sys.exit(EXIT_INVALID)
    for certificate in report.added:
        click.echo(f"新增：{certificate}")
    for certificate in report.updated:
        click.echo(f"更新：{certificate}")
    click.echo(
        f"导入完成：新增{len(report.added)}人，更新{len(report.updated)}人，"
        f"未变{report.unchanged}人"
    )


@officers.command("list")
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
def list_command(as_json: bool) -> None:
    """List every officer of the directory: name, 执法证号, 有效期至; deactivated ones marked."""
    with opened() as wenshu, wenshu.database.session() as session:
        entries = list_officers(session)
    if as_json:
        described = [
            {
                "name": entry.name,
                "certificate": entry.certificate,
                "valid_until": entry.valid_until.isoformat(),
                "active": entry.active,
            }
            for entry in entries
        ]
        click.echo(json.dumps(described, ensure_ascii=False, indent=2))
        return
    for entry in entries:
        status = "" if entry.active else "\t（已停用）"
        click.echo(f"{entry.name}\t{entry.certificate}\t{entry.valid_until.isoformat()}{status}")


@officers.command("deactivate")
@click.argument("certificate")
def deactivate_command(certificate: str) -> None:
    """Take an officer out of the directory by 执法证号: forms can no longer name him or her."""
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            deactivate_officer(session, certificate)
    except UnknownOfficer as error:
        click.echo(f"officers: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"已停用：{certificate}")
