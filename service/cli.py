"""The wenshu command: list kinds, validate and render facts, prepare the database, serve the web."""

from __future__ import annotations

import json
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

import click

from service.accounts import ROLES, AccountError, create_token, create_user, has_users
from service.archive.lookup import DatabaseArchiveView
from service.archive_commands import archive
from service.batch.commands import batch
from service.config import PROJECT_ROOT, load_settings
from service.facts import InvalidFacts, describe_kinds, validate_facts
from service.issuing import IssueFailed, issue_document
from service.layouts.lint import lint_template, read_sample
from service.layouts.versions import (
    TemplateRefused,
    activate_version,
    list_versions,
    publish_version,
)
from service.registry import UnknownKind, get_instrument
from service.render.convert import OfficeError
from service.render.docx import TemplateProblem
from service.services import Wenshu

EXIT_INVALID = 2
SAMPLES = PROJECT_ROOT / "samples"


def _read_facts(path: Path) -> dict[str, Any]:
    """Return the facts object in a JSON file, or exit 2 with the reason."""
    try:
        facts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        click.echo(f"facts: 无法读取 {path}：{error}", err=True)
        sys.exit(EXIT_INVALID)
    if not isinstance(facts, dict):
        click.echo("facts: 应当是一个以字段名为键的 JSON 对象", err=True)
        sys.exit(EXIT_INVALID)
    return facts


def _with_rows(instrument: Any, facts: dict[str, Any], tables: tuple[str, ...]) -> dict[str, Any]:
    """Return facts with row fields filled from spreadsheets given as FIELD=FILE, or exit 2."""
    for table in tables:
        name, _, path = table.partition("=")
        if name not in instrument.row_readers:
            readable = "、".join(instrument.row_readers) or "无"
            click.echo(
                f"{name}: 不能从表格读取（{instrument.kind} 可读取的字段：{readable}）", err=True
            )
            sys.exit(EXIT_INVALID)
        try:
            facts = facts | {name: instrument.read_rows(name, path)}
        except (OSError, ValueError) as error:
            click.echo(f"{name}: {error}", err=True)
            sys.exit(EXIT_INVALID)
    return facts


ROWS_OPTION = click.option(
    "--rows",
    "tables",
    multiple=True,
    metavar="FIELD=FILE",
    help="从 .xlsx 或 .csv 表格读取一个明细字段（如 paper_reports=纸质报告.xlsx）",
)


def _instrument_or_exit(kind: str) -> Any:
    """Return the instrument of a kind, or exit 2 naming the known kinds."""
    try:
        return get_instrument(kind)
    except UnknownKind as error:
        click.echo(f"kind: {error}", err=True)
        sys.exit(EXIT_INVALID)


def _report_invalid(error: InvalidFacts) -> None:
    """Print one "field: message" line per problem and exit 2."""
    for line in error.lines():
        click.echo(line, err=True)
    sys.exit(EXIT_INVALID)


@click.group()
def main() -> None:
    """wenshu：档案行政执法文书的填写、编号、生成与归档。"""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
def kinds(as_json: bool) -> None:
    """List every instrument and its fields."""
    described = describe_kinds()
    if as_json:
        click.echo(json.dumps(described, ensure_ascii=False, indent=2))
        return
    for entry in described:
        names = "、".join(field["label"] for field in entry["fields"])
        click.echo(f"{entry['kind']}\t{entry['title']}\t{names}")


@main.command()
@click.argument("kind")
@click.argument("facts_file", type=click.Path(path_type=Path))
@ROWS_OPTION
def validate(kind: str, facts_file: Path, tables: tuple[str, ...]) -> None:
    """Check facts against an instrument's form without rendering anything."""
    instrument = _instrument_or_exit(kind)
    facts = _with_rows(instrument, _read_facts(facts_file), tables)
    settings = load_settings()
    wenshu = Wenshu.open(settings)
    try:
        wenshu.prepare()
        checked = validate_facts(
            instrument, facts, DatabaseArchiveView(wenshu.database), settings.policy
        )
    except InvalidFacts as error:
        _report_invalid(error)
    finally:
        wenshu.close()
    for warning in checked.warnings:
        click.echo(f"提醒：{warning}", err=True)
    click.echo("ok")


@main.command()
@click.argument("kind")
@click.argument("facts_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="PDF 输出路径")
@click.option("--as", "issued_by", default="cli", show_default=True, help="经办人")
@ROWS_OPTION
def render(
    kind: str, facts_file: Path, output: Path, issued_by: str, tables: tuple[str, ...]
) -> None:
    """Validate, number, render and archive one instrument; print its 文号."""
    instrument = _instrument_or_exit(kind)
    facts = _with_rows(instrument, _read_facts(facts_file), tables)
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        document = issue_document(wenshu, kind, facts, issued_by)
        data = wenshu.archive.read(document.pdf_path)
    except InvalidFacts as error:
        _report_invalid(error)
    except (OfficeError, IssueFailed, TemplateProblem) as error:
        click.echo(f"render: {error}", err=True)
        sys.exit(1)
    finally:
        wenshu.close()
    for warning in document.warnings:
        click.echo(f"提醒：{warning}", err=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)
    click.echo(document.number)


@main.command("init-db")
def init_db() -> None:
    """Create the database tables and install the shipped templates as version 1."""
    settings = load_settings()
    wenshu = Wenshu.open(settings)
    try:
        installed = wenshu.prepare()
    finally:
        wenshu.close()
    click.echo(f"database ready: {settings.resolved_database_url}")
    for kind in installed:
        click.echo(f"template installed as version 1: {kind}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web application, with its own LibreOffice workers."""
    import waitress

    from service import create_app

    app = create_app()
    # A plain kill (SIGTERM) stops the workers too, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"wenshu serving on http://{host}:{port}/")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="wenshu")
    finally:
        app.extensions["wenshu"].close()


@main.group()
def users() -> None:
    """Manage the people who sign in."""


@users.command("create")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(sorted(ROLES)), required=True, help="clerk、maintainer 或 admin"
)
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="不给则提示输入"
)
def create_user_command(name: str, role: str, password: str) -> None:
    """Create a user with a role."""
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            create_user(session, name, password, role)
    except AccountError as error:
        click.echo(f"users: {error}", err=True)
        sys.exit(EXIT_INVALID)
    finally:
        wenshu.close()
    click.echo(f"created {role} {name}")


@users.command("ensure-admin")
def ensure_admin() -> None:
    """Create a first administrator when there is no user yet, and say how to sign in."""
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            if has_users(session):
                click.echo("users exist; sign in with your account")
                return
            password = secrets.token_urlsafe(12)
            create_user(session, "admin", password, "admin")
    finally:
        wenshu.close()
    click.echo("first administrator created — sign in at /login with")
    click.echo("  username: admin")
    click.echo(f"  password: {password}")
    click.echo("then create clerks under 用户, or: wenshu users create NAME --role clerk")


@main.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("name")
def create_token_command(name: str) -> None:
    """Create an API token for a user; the token alone is printed on the last line."""
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            token = create_token(session, name)
    except AccountError as error:
        click.echo(f"tokens: {error}", err=True)
        sys.exit(EXIT_INVALID)
    finally:
        wenshu.close()
    click.echo(
        f"API token for {name} (use as: Authorization: Bearer TOKEN); it is shown only once:"
    )
    click.echo(token)


@main.group()
def template() -> None:
    """Template versions: lint, list, show, publish, activate."""


@template.command("lint")
@click.argument("docx", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--kind", required=True, help="文书种类，如 supervision_notice")
@click.option("--json", "as_json", is_flag=True, help="机器可读的 JSON 输出")
def lint_command(docx: Path, kind: str, as_json: bool) -> None:
    """Check a DOCX template against an instrument's form; exit 0 clean, 1 with problems."""
    instrument = _instrument_or_exit(kind)
    report = lint_template(docx.read_bytes(), instrument, read_sample(kind, SAMPLES))
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
        _instrument_or_exit(kind)
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            rows = [
                (v.kind, v.version, v.active, v.sha256, v.published_by, v.published_at, v.note)
                for v in list_versions(session, kind)
            ]
    finally:
        wenshu.close()
    for name, version, active, sha256, by, at, note in rows:
        mark = "*" if active else " "
        click.echo(f"{mark} {name}\tv{version}\t{sha256[:16]}\t{by}\t{at:%Y-%m-%d %H:%M}\t{note}")


@template.command("show")
@click.argument("kind")
@click.option("--version", "number", type=int, help="版本号，默认为启用中的版本")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="把该版本的 DOCX 写到此处")
def show_command(kind: str, number: int | None, output: Path | None) -> None:
    """Show one version's details (the active one by default), optionally writing its DOCX."""
    _instrument_or_exit(kind)
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            versions = list_versions(session, kind)
            chosen = next(
                (v for v in versions if (v.version == number if number else v.active)), None
            )
            if chosen is None:
                click.echo(
                    f"template: {kind} 没有{'第' + str(number) + '版' if number else '启用中的'}模板",
                    err=True,
                )
                sys.exit(EXIT_INVALID)
            data = wenshu.templates.read(chosen.path, chosen.sha256)
            details = (chosen.version, chosen.active, chosen.sha256, chosen.published_by,
                       chosen.published_at, chosen.note)  # fmt: skip
    finally:
        wenshu.close()
    version, active, sha256, by, at, note = details
    click.echo(f"kind: {kind}\nversion: {version}\nactive: {'yes' if active else 'no'}")
    click.echo(
        f"sha256: {sha256}\npublished_by: {by}\npublished_at: {at:%Y-%m-%d %H:%M:%S}\nnote: {note}"
    )
    if output:
        output.write_bytes(data)
        click.echo(f"written: {output}")


@template.command("publish")
@click.argument("kind")
@click.argument("docx", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--note", default="", help="本版说明")
@click.option("--as", "published_by", default="cli", show_default=True, help="发布人")
@click.option("--inactive", is_flag=True, help="只发布，不启用")
def publish_command(kind: str, docx: Path, note: str, published_by: str, inactive: bool) -> None:
    """Lint a template and publish it as the kind's next version (and make it active)."""
    _instrument_or_exit(kind)
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            version, report = publish_version(
                session, wenshu.templates, kind, docx.read_bytes(), read_sample(kind, SAMPLES),
                published_by, note, activate=not inactive,
            )  # fmt: skip
            number = version.version
    except TemplateRefused as refused:
        for problem in refused.report.problems:
            click.echo(problem.line(), err=True)
        click.echo("template: 模板未发布", err=True)
        sys.exit(1)
    finally:
        wenshu.close()
    for problem in report.problems:
        click.echo(problem.line(), err=True)
    click.echo(f"published {kind} v{number}{'' if inactive else ' (active)'}")


@template.command("activate")
@click.argument("kind")
@click.argument("number", type=int)
def activate_command(kind: str, number: int) -> None:
    """Make a version the active one (an earlier one to roll back)."""
    _instrument_or_exit(kind)
    wenshu = Wenshu.open(load_settings())
    try:
        wenshu.prepare()
        with wenshu.database.session() as session:
            activate_version(session, kind, number)
    except LookupError as error:
        click.echo(f"template: {error.args[0]}", err=True)
        sys.exit(EXIT_INVALID)
    finally:
        wenshu.close()
    click.echo(f"active: {kind} v{number}")


main.add_command(archive)


main.add_command(batch)
