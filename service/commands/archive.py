"""The `wenshu archive` commands: verify the archive and its audit chain, export, re-render to compare."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.acts.errors import NotIssued
from service.acts.rerendering import rerender_and_compare
from service.commands.common import EXIT_INVALID, exit_not_issued, opened
from service.custody.checks import run_check
from service.custody.export import ExportRefused, export_bag


@click.group()
def archive() -> None:
    """The archive: verify fixity, signatures and the audit chain, export for transfer, re-render to compare."""


@archive.command("verify")
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
@click.option("--as", "actor", default="cli", show_default=True, help="检测人")
# The service runs this command in a child process, for its schedule or the archive page, and says so.
@click.option(
    "--trigger", type=click.Choice(["cli", "schedule", "web"]), default="cli", hidden=True
)
def verify_command(as_json: bool, actor: str, trigger: str) -> None:
    """Recompute SHA-256 and SM3 of every archived PDF, check its signatures, verify the audit chain.

    Exit 0 when all is well, 1 with problems: one tab-separated line per problem
    (kind, 文号 or -, path, message; kind "signature" for a signature that fails or was
    removed). Temporary files left in .incoming/ are listed on stderr and are not problems.
    The records are streamed and the files hashed by a few threads, so memory stays flat
    however large the archive.
    """
    with opened() as wenshu:
        result = run_check(wenshu, actor, trigger)
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
            tally = result.signatures
            click.echo(
                f"ok: 电子签名 {tally.verified} 份核验有效，"
                f"{tally.unsealed} 份未加盖电子印章（签发时无须加盖）"
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
    with opened() as wenshu:
        try:
            result = export_bag(wenshu, out, actor, kind, year)
        except ExportRefused as refused:
            for problem in refused.problems:
                click.echo(problem, err=True)
            click.echo(f"export: {refused}", err=True)
            sys.exit(1 if refused.problems else EXIT_INVALID)
    click.echo(f"exported {len(result.numbers)} documents to {result.path}")


@archive.command("rerender")
@click.argument("document_id", type=int)
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
    help="重新生成的 PDF 写到这里（不归档）",
)  # fmt: skip
def rerender_command(document_id: int, out: Path) -> None:
    """Render an archived document again from the context and template version it was issued with.

    The PDF is written to --out, not archived; its text is compared page by page with the
    archived file's. Exit 0 when every page reads the same, 1 when a page differs or the
    document cannot be rendered.
    """
    with opened() as wenshu:
        try:
            comparison = rerender_and_compare(wenshu, document_id)
        except NotIssued as error:
            exit_not_issued("rerender", error)
    out.write_bytes(comparison.pdf.data)
    if comparison.same_text:
        click.echo(
            f"ok: {comparison.number} 重新生成的 {comparison.pdf.pages} 页与归档文件文字一致：{out}"
        )
        return
    pages = "、".join(f"第{page}页" for page in comparison.differing_pages)
    click.echo(
        f"rerender: {comparison.number} 重新生成后{pages}与归档文件文字不同：{out}", err=True
    )
    sys.exit(1)
