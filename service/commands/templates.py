"""The template commands: lint, list, show, publish and activate template versions."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from service.archive.templates import VersionRefused, list_versions
from service.commands.common import EXIT_INVALID, instrument_or_exit, opened
from service.foundations.shipped import SAMPLES
from service.layouts.candidates import check_candidate
from service.layouts.lint import LintReport, read_sample
from service.layouts.versions import TemplateRefused, activate_version, publish_version


@click.group()
def template() -> None:
    """Template versions: lint, list, show, publish, activate."""


# As the web upload's default limit (max_upload_bytes); a template is a few hundred KB.
MAX_TEMPLATE_BYTES = 16 * 1024 * 1024


def read_template_file(path: Path, report: LintReport) -> bytes | None:
    """Return a template file's bytes, or None with the reason added to the report.

    Whatever the path names (nothing, a directory, a pipe that never ends, a device that
    never stops giving bytes, a file too large), the answer is a report, never a wait or
    a traceback. The file is opened without blocking and checked to be a regular file
    before anything is read, so no check can be outrun by the path changing meanwhile.
    """
    where, advice = str(path), "请给出模板 .docx 文件的路径"
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        report.add("error", where, "找不到该文件", advice)
        return None
    except OSError as error:
        report.add("error", where, f"无法打开该文件（{error.strerror or error}）", advice)
        return None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        kind = (
            "这是一个目录，不是文件"
            if stat.S_ISDIR(status.st_mode)
            else "这不是普通文件（是设备、管道或套接字）"
        )
        report.add("error", where, kind, advice)
        return None
    with os.fdopen(descriptor, "rb") as file:
        try:
            # Read at most one byte past the limit: the size stat gave may change meanwhile.
            data = b"" if status.st_size > MAX_TEMPLATE_BYTES else file.read(MAX_TEMPLATE_BYTES + 1)
        except OSError as error:
            report.add("error", where, f"无法读取该文件（{error.strerror or error}）", advice)
            return None
    if status.st_size > MAX_TEMPLATE_BYTES or len(data) > MAX_TEMPLATE_BYTES:
        report.add("error", where, f"文件超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB，不是模板",
                   "模板通常只有几百 KB，请删去其中的大图片后重新保存")  # fmt: skip
        return None
    if not data:
        report.add("error", where, "文件是空的", "请在 Word 或 LibreOffice 中另存为 .docx 后再检查")
        return None
    return data


@template.command("lint")
@click.argument("docx", type=click.Path(path_type=Path))
@click.option("--kind", required=True, help="文书种类，如 supervision_notice")
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
def lint_command(docx: Path, kind: str, as_json: bool) -> None:
    """Check a DOCX template against an instrument's form; exit 0 clean, 1 with problems."""
    instrument_or_exit(kind)
    report = LintReport()
    data = read_template_file(docx, report)
    if data is not None:
        # Anything lint could not foresee in a hostile file is a refusal too, never a traceback.
        report = check_candidate(kind, data)
    if as_json:
        click.echo(report.to_json())
    else:
        for problem in report.problems:
            click.echo(problem.line())
        if report.clean:
            click.echo("clean")
    sys.exit(0 if report.clean else 1)


@template.command("list")
@click.argument("kind", required=False)
def list_command(kind: str | None) -> None:
    """List template versions (of one kind, or all)."""
    if kind:
        instrument_or_exit(kind)
    with opened() as wenshu, wenshu.database.session() as session:
        rows = [
            (v.kind, v.version, v.active, v.sha256, v.published_by, v.published_at, v.note)
            for v in list_versions(session, kind)
        ]
    for name, version, active, sha256, by, at, note in rows:
        mark = "*" if active else " "
        click.echo(f"{mark} {name}\tv{version}\t{sha256[:16]}\t{by}\t{at:%Y-%m-%d %H:%M}\t{note}")


@template.command("show")
@click.argument("kind")
@click.option("--version", "number", type=int, help="版本号，默认为启用中的版本")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="把该版本的 DOCX 写到此处")
def show_command(kind: str, number: int | None, output: Path | None) -> None:
    """Show one version's details (the active one by default), optionally writing its DOCX."""
    instrument_or_exit(kind)
    with opened() as wenshu, wenshu.database.session() as session:
        versions = list_versions(session, kind)
        chosen = next((v for v in versions if (v.version == number if number else v.active)), None)
        if chosen is None:
            which = f"第{number}版" if number else "启用中的"
            click.echo(f"template: {kind} 没有{which}模板", err=True)
            sys.exit(EXIT_INVALID)
        data = wenshu.templates.read_version(chosen)
        click.echo(
            f"kind: {kind}\nversion: {chosen.version}\nactive: {'yes' if chosen.active else 'no'}"
        )
        click.echo(f"sha256: {chosen.sha256}\npublished_by: {chosen.published_by}")
        click.echo(f"published_at: {chosen.published_at:%Y-%m-%d %H:%M:%S}\nnote: {chosen.note}")
    if output:
        output.write_bytes(data)
        click.echo(f"written: {output}")


@template.command("publish")
@click.argument("kind")
@click.argument("docx", type=click.Path(path_type=Path))
@click.option("--note", default="", help="本版说明")
@click.option("--as", "published_by", default="cli", show_default=True, help="发布人")
@click.option("--inactive", is_flag=True, help="只发布，不启用")
def publish_command(kind: str, docx: Path, note: str, published_by: str, inactive: bool) -> None:
    """Lint a template and publish it as the kind's next version (and make it active)."""
    instrument_or_exit(kind)
    unread = LintReport()
    data = read_template_file(docx, unread)
    if data is None:
        for problem in unread.problems:
            click.echo(problem.line(), err=True)
        click.echo("template: 模板未发布", err=True)
        sys.exit(1)
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            version, report = publish_version(
                session, wenshu.templates, kind, data, read_sample(kind, SAMPLES),
                published_by, note, activate=not inactive,
            )  # fmt: skip
            number = version.version
    except TemplateRefused as refused:
        for problem in refused.report.problems:
            click.echo(problem.line(), err=True)
        click.echo("template: 模板未发布", err=True)
        sys.exit(1)
    for problem in report.problems:
        click.echo(problem.line(), err=True)
    click.echo(f"published {kind} v{number}{'' if inactive else ' (active)'}")


@template.command("activate")
@click.argument("kind")
@click.argument("number", type=int)
@click.option("--as", "activated_by", default="cli", show_default=True, help="操作人")
def activate_command(kind: str, number: int, activated_by: str) -> None:
    """Make a version the active one (an earlier one to roll back)."""
    instrument_or_exit(kind)
    try:
        with opened() as wenshu, wenshu.database.session() as session:
            activate_version(session, kind, number, by=activated_by)
    except (LookupError, VersionRefused) as error:
        click.echo(f"template: {error.args[0]}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"active: {kind} v{number}")
