"""The `wenshu draw` commands: draw a list with the system's seed, and check an issued list again."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.acts.drawing import make_draw
from service.acts.errors import NotIssued
from service.commands.common import (
    EXIT_INVALID,
    exit_not_issued,
    instrument_or_exit,
    opened,
    read_facts,
)
from service.custody.drawn_lists import NotADrawnList, verify_drawn_list

EXIT_DIFFERENT = 1  # the list is not its draw done again


@click.group()
def draw() -> None:
    """双随机抽取：由系统生成随机种子抽取名单，或按已生成的名单重新抽取核对。"""


@draw.command("make")
@click.argument("kind")
@click.argument("facts_file", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="写入含随机种子的事实"
)
@click.option(
    "--as", "drawn_by", default="cli", show_default=True, help="抽取人（生成名单的经办人）"
)
@click.option("--replaces", type=int, default=None, help="本次取代的本人先前一次抽取的记录号")
def make(kind: str, facts_file: Path, output: Path, drawn_by: str, replaces: int | None) -> None:
    """Draw with a seed the system draws now, record it, and write the facts to issue with."""
    instrument_or_exit(kind)
    facts = read_facts(facts_file)
    try:
        with opened() as wenshu:
            drawn = make_draw(wenshu, kind, facts, drawn_by, replaces=replaces)
    except NotIssued as error:
        exit_not_issued("draw", error)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_text(json.dumps(drawn.facts, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(output)
    click.echo(f"抽取记录第{drawn.id}号，随机种子 {drawn.seed}")
    for number, row in enumerate(drawn.result, start=1):
        click.echo(f"{number}\t{row['unit']}\t{row['digest']}\t{'、'.join(row['officers'])}")


@draw.command("verify")
@click.argument("pdf", type=click.Path(path_type=Path))
def verify(pdf: Path) -> None:
    """Redo an issued list's draw from the PDF alone: exit 0 when it matches, 1 when not, 2 unreadable."""
    try:
        verdict = verify_drawn_list(pdf)
    except NotADrawnList as error:
        click.echo(f"{pdf}: {error}", err=True)
        sys.exit(EXIT_INVALID)
    if verdict.difference is not None:
        click.echo(f"不符：{verdict.difference}")
        sys.exit(EXIT_DIFFERENT)
    click.echo(
        f"一致：按随机种子 {verdict.seed} 重新抽取，名单所列{verdict.units}家单位及其检查人员、"
        "单位名录和执法人员库与抽取结果相同"
    )
