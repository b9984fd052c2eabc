"""What the wenshu commands share: reading facts, naming errors, opening the services."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import click

from service.acts.errors import FactsRefused, KindUnknown, NotIssued
from service.background.startup import prepare_service
from service.foundations.config import Settings, load_settings
from service.instruments.facts import InvalidFacts
from service.instruments.registry import Instrument, UnknownKind, get_instrument
from service.render.office.cold import ColdOffice
from service.render.office.converter import Converter
from service.render.office.pool import OfficePool
from service.render.office.shared_workers import running_workers
from service.services import Wenshu

EXIT_INVALID = 2  # the input is at fault: facts, kind, a file
EXIT_NOT_ISSUED = 1  # the input was fine but the document could not be made


def read_facts(path: Path) -> dict[str, Any]:
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


def with_rows(
    instrument: Instrument, facts: dict[str, Any], tables: tuple[str, ...]
) -> dict[str, Any]:
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


def instrument_or_exit(kind: str) -> Instrument:
    """Return the instrument of a kind, or exit 2 naming the known kinds."""
    try:
        return get_instrument(kind)
    except UnknownKind as error:
        click.echo(f"kind: {error}", err=True)
        sys.exit(EXIT_INVALID)


def report_invalid(error: InvalidFacts | FactsRefused) -> NoReturn:
    """Print one "field: message" line per problem and exit 2."""
    for line in error.lines():
        click.echo(line, err=True)
    sys.exit(EXIT_INVALID)


def exit_not_issued(command: str, error: NotIssued, then: str = "") -> NoReturn:
    """Say why nothing was issued, and exit 2 when the input is at fault, 1 otherwise.

    Every command that issues answers the family here: the facts' problems one
    "field: message" line each, an unknown kind as "kind: …", any other cause as
    "command: message", followed by then (what to run next) when given. Never a traceback.
    """
    if isinstance(error, FactsRefused):
        report_invalid(error)
    if isinstance(error, KindUnknown):
        click.echo(f"kind: {error}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(f"{command}: {error}" + (f"\n{then}" if then else ""), err=True)
    sys.exit(EXIT_NOT_ISSUED)


@dataclass(frozen=True)
class CommandOffice:
    """The LibreOffice a command converts on, and the line telling the operator which it is."""

    converter: Converter
    said: str


def command_office(settings: Settings) -> CommandOffice:
    """Return the running service's workers when it has some on this instance, else a cold soffice.

    Workers listed in the settings (office_addresses) come first, as for every command.
    """
    if settings.office_addresses:
        count = len(settings.office_addresses)
        return CommandOffice(OfficePool(settings), f"使用设置中列出的排版进程（{count} 个）")
    running = running_workers(settings)
    if running:
        shared = replace(settings, office_addresses=tuple(running))
        return CommandOffice(OfficePool(shared), f"使用运行中服务的排版进程（{len(running)} 个）")
    return CommandOffice(ColdOffice(settings), "启动本命令自己的排版进程")


@contextmanager
def opened(
    settings: Settings | None = None, converter: Converter | None = None
) -> Iterator[Wenshu]:
    """Yield the services of the configured instance, database prepared, closed afterwards."""
    wenshu = Wenshu.open(settings or load_settings(), converter)
    try:
        prepare_service(wenshu)
        yield wenshu
    finally:
        wenshu.close()
