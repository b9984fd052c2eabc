"""The wenshu command: list kinds, validate and render facts, prepare the database, serve the web."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
from pathlib import Path

import click

from service.acts.casework import Approval
from service.acts.errors import NotIssued
from service.acts.issuing import issue_document
from service.acts.opening import open_approved_case
from service.archive.lookup import DatabaseArchiveView
from service.background.startup import prepare_service
from service.cases.procedure import OPENING
from service.cases.records import NoSuchCase, case_id_for_number
from service.commands.accounts import tokens, users
from service.commands.archive import archive
from service.commands.batch import batch
from service.commands.cases import cases
from service.commands.common import (
    EXIT_INVALID,
    ROWS_OPTION,
    command_office,
    exit_not_issued,
    instrument_or_exit,
    opened,
    read_facts,
    report_invalid,
    with_rows,
)
from service.commands.draw import draw
from service.commands.officers import officers
from service.commands.seal import seal
from service.commands.templates import template
from service.commands.units import units
from service.commands.worker import worker
from service.foundations.config import load_settings
from service.foundations.formatting import local_date
from service.instruments.facts import InvalidFacts, describe_kinds, validate_facts
from service.services import Wenshu


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
    instrument = instrument_or_exit(kind)
    facts = with_rows(instrument, read_facts(facts_file), tables)
    try:
        with opened() as wenshu:
            archive_view = DatabaseArchiveView(wenshu.database)
            checked = validate_facts(instrument, facts, archive_view, wenshu.settings.policy)
    except InvalidFacts as error:
        report_invalid(error)
    for warning in checked.warnings:
        click.echo(f"提醒：{warning}", err=True)
    click.echo("ok")


@main.command()
@click.argument("kind")
@click.argument("facts_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="PDF 输出路径")
@click.option(
    "--ofd",
    "ofd_output",
    type=click.Path(path_type=Path),
    default=None,
    help="OFD 输出路径（可选）",
)
@click.option("--as", "issued_by", default="cli", show_default=True, help="经办人")
@click.option("--case", "case_number", default=None, help="在其中制作文书的案件的案号")
@ROWS_OPTION
def render(
    kind: str,
    facts_file: Path,
    output: Path,
    ofd_output: Path | None,
    issued_by: str,
    case_number: str | None,
    tables: tuple[str, ...],
) -> None:
    """Validate, number, render and archive one instrument; print its 文号.

    The operator is trusted as the approver of a kind the head approves, and recorded so in
    the audit chain; a 立案审批表 opens its case and prints the case number. --ofd also
    writes the OFD archived beside the PDF.
    """
    instrument = instrument_or_exit(kind)
    facts = with_rows(instrument, read_facts(facts_file), tables)
    settings = load_settings()
    office = command_office(settings)
    try:
        with opened(settings, office.converter) as wenshu:
            approval = cli_approval(wenshu, issued_by) if instrument.approval else None
            if kind == OPENING:
                assert approval is not None  # the 立案审批表 is always approved
                document = open_approved_case(wenshu, facts, issued_by, approval)
            else:
                case_id = case_or_exit(wenshu, case_number)
                document = issue_document(
                    wenshu, kind, facts, issued_by, case_id=case_id, approval=approval
                )
            data = wenshu.archive.read(document.pdf_path)
            ofd = wenshu.archive.read(document.ofd_path) if ofd_output is not None else b""
    except NotIssued as error:
        exit_not_issued("render", error)
    click.echo(office.said, err=True)
    for warning in document.warnings:
        click.echo(f"提醒：{warning}", err=True)
    write_whole(output, data)
    if ofd_output is not None:
        write_whole(ofd_output, ofd)
    click.echo(document.number)


def write_whole(output: Path, data: bytes) -> None:
    """Write a file under a temporary name and rename it, so that no half-written file is seen."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)


def cli_approval(wenshu: Wenshu, operator: str) -> Approval:
    """Return the approval the command line's operator gives, trusted as the head, on the bureau's today."""
    day = local_date(dt.datetime.now(dt.UTC), wenshu.settings.timezone)
    return Approval(head=operator, opinion="同意", day=day, via="cli")


def case_or_exit(wenshu: Wenshu, number: str | None) -> int | None:
    """Return the id of the case with this number (None for none), or exit 2 saying there is none."""
    if number is None:
        return None
    try:
        with wenshu.database.session() as session:
            return case_id_for_number(session, number)
    except NoSuchCase as error:
        click.echo(f"case: {error}", err=True)
        sys.exit(EXIT_INVALID)


@main.command("init-db")
def init_db() -> None:
    """Create the database tables and install the shipped templates as version 1."""
    settings = load_settings()
    wenshu = Wenshu.open(settings)
    try:
        installed = prepare_service(wenshu)
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
    from service.batch.dispatch import resume_orphans

    app = create_app()
    services, dispatcher = app.extensions["wenshu"], app.extensions["batch_dispatcher"]
    # A plain kill (SIGTERM) stops the workers too, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for job_id in resume_orphans(dispatcher, services):
        click.echo(f"resuming batch job #{job_id}, left unfinished by a stopped service")
    click.echo(f"wenshu serving on http://{host}:{port}/")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="wenshu")
    finally:
        dispatcher.close()
        services.close()


main.add_command(users)
main.add_command(units)
main.add_command(officers)
main.add_command(tokens)
main.add_command(template)
main.add_command(archive)
main.add_command(batch)
main.add_command(draw)
main.add_command(worker)
main.add_command(seal)
main.add_command(cases)
