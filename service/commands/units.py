"""The units command: the unit directory a case's party is taken from, imported, listed, deactivated."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.archive.unit_table import UnitsRefused
from service.archive.units import UnknownUnit, deactivate_unit, import_units, list_units
from service.commands.common import EXIT_INVALID, opened
from service.foundations.tables import TableUnreadable


@click.group()
def units() -> None:
    """Manage the unit directory (单位名录) that a case's party is taken from."""


@units.command("import")
@click.argument("table", type=click.Path(path_type=Path))
def import_command(table: Path) -> None:
    """Add or update the units of a .csv or .xlsx table (单位名称, 统一社会信用代码, 地址, 法定代表人, 所在乡镇, 单位类别).

    All rows or none: a bad row is named with its number and reason, exit 2, nothing changed.
    """
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            report = import_units(session, table)
    except UnitsRefused as refused:
        for problem in refused.problems:
            click.echo(problem.line(), err=True)
        click.echo("units: 单位名录未作任何改动；请改正以上各行后重新导入", err=True)
        sys.exit(EXIT_INVALID)
    except TableUnreadable as error:
        click.echo(f"units: {error}", err=True)
        sys.exit(EXIT_INVALID)
    for name in report.added:
        click.echo(f"新增：{name}")
    for name in report.updated:
        click.echo(f"更新：{name}")
    click.echo(
        f"导入完成：新增{len(report.added)}个，更新{len(report.updated)}个，"
        f"未变{report.unchanged}个"
    )


@units.command("list")
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
def list_command(as_json: bool) -> None:
    """List every unit of the directory, deactivated ones marked."""
    with opened() as wenshu, wenshu.database.session() as session:
        entries = list_units(session)
    if as_json:
        described = [entry.to_json() for entry in entries]
        click.echo(json.dumps(described, ensure_ascii=False, indent=2))
        return
    for entry in entries:
        status = "" if entry.active else "\t（已停用）"
        click.echo(
            f"{entry.name}\t{entry.credit_code}\t{entry.address}\t{entry.representative}"
            f"\t{entry.town}\t{entry.category}{status}"
        )


@units.command("deactivate")
@click.argument("name")
def deactivate_command(name: str) -> None:
    """Take a unit out of the directory: new cases can no longer name it; its documents stay."""
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            deactivate_unit(session, name)
    except UnknownUnit as error:
        click.echo(f"units: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"已停用：{name}")
