"""The `wenshu archive` commands: verify the archive and its audit chain, export a BagIt package."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.background.startup import prepare_service
from service.custody.checks import run_check
from service.custody.export import ExportRefused, export_bag
from service.foundations.config import load_settings
from service.services import Wenshu

EXIT_INVALID = 2


@click.group()
def archive() -> None:
    """The archive: verify fixity and the audit chain, export for transfer."""


@archive.command("verify")
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
@click.option("--as", "actor", default="cli", show_default=True, help="检测人")
def verify_command(as_json: bool, actor: str) -> None:
    """Recompute SHA-256 and SM3 of every archived PDF and verify the audit chain.

    Exit 0 when all is well, 1 with problems: one tab-separated line per problem
    (kind, 文号 or -, path, message). Temporary files left in .incoming/ are listed
    on stderr and are not problems.
    """
    wenshu = Wenshu.open(load_settings())
    try:
        prepare_service(wenshu)
        result = run_check(wenshu, actor, "cli")
    finally:
        wenshu.close()
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            click.echo(problem.line())
        for leftover in result.leftovers:
            click.echo(f"提醒：{leftover.line()}", err=True)
        if result.ok:
            click.echo(
                f"ok: {result.documents} 份文书的文件与登记一致，"
                f"审计链 {result.audit_events} 条完整，链头 {result.chain_head}"
            )
    sys.exit(0 if result.ok else 1)


@archive.command("export")
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="导出目录（新的或空的）"
)
@click.option("--kind", default="", help="只导出一种文书，如 supervision_notice")
@click.option("--year", type=int, help="只导出一个年度")
@click.option("--as", "actor", default="cli", show_default=True, help="导出人")
def export_command(out: Path, kind: str, year: int | None, actor: str) -> None:
    """Write the archived documents as a BagIt package (sha256 and sha512 manifests)."""
    wenshu = Wenshu.open(load_settings())
    try:
        prepare_service(wenshu)
        result = export_bag(wenshu, out, actor, kind, year)
    except ExportRefused as refused:
        for problem in refused.problems:
            click.echo(problem, err=True)
        click.echo(f"export: {refused}", err=True)
        sys.exit(1 if refused.problems else EXIT_INVALID)
    finally:
        wenshu.close()
    click.echo(f"exported {len(result.numbers)} documents to {result.path}")
