"""A 双随机抽查名单 checked from the issued PDF alone: its draw done again, its printed lines compared."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from forms.fair_draw import (
    SHOWN_DIGITS,
    Draw,
    RecordUnreadable,
    conflicts_of,
    first_difference,
    redo,
)
from forms.sampling_list import RANGES, percent_problem
from service.custody.printed_tables import TableNotFound, section, table_rows
from service.render.pages import PageWord, page_words
from service.render.pdfa import read_source

LIST = ("一、抽查名单", "二、抽取方法", ("序号", "被抽查单位", "校验值", "检查人员（执法证号）"))
REGISTER = ("附件1", "附件2", ("序号", "单位名称", "重点监控", "校验值", "名次"))
POOL = ("附件2", "附件3", ("序号", "姓名", "执法证号", "有利害关系的单位"))


class NotADrawnList(ValueError):
    """Raised for a file that cannot be read, or holds no record of a draw to redo."""


@dataclass(frozen=True)
class Verdict:
    """What checking a list found: the first difference (None: it matches) and what was redone."""

    difference: str | None
    seed: str
    units: int


def verify_drawn_list(path: Path) -> Verdict:
    """Return whether the list at path is its draw done again, and where it first is not.

    The draw's record (seed, method, percent, register, pool and result) is read from the
    PDF's XMP, the draw made again from its inputs and compared with its result, then the
    printed seed, list and attachments compared with the draw made again. Raises
    NotADrawnList for a file that cannot be read or holds no draw record.
    """
    try:
        source = read_source(path)
    except ValueError as error:
        raise NotADrawnList(f"无法读取 {path.name}：{error}") from error
    if not source:
        raise NotADrawnList(f"{path.name} 中没有抽取记录：不是由本系统生成的双随机抽查名单")
    try:
        record = json.loads(source)
        if not isinstance(record, dict):
            raise TypeError("not an object")
        again = redo(record)
    except (ValueError, TypeError, RecordUnreadable) as error:
        raise NotADrawnList(f"{path.name} 中的抽取记录无法读取：{error}") from error
    difference = ratio_difference(again) or first_difference(record, again)
    if difference is None:
        try:
            words = page_words(path)
        except (OSError, ValueError) as error:
            raise NotADrawnList(f"无法读取 {path.name} 的文字：{error}") from error
        difference = printed_difference(words, again)
    return Verdict(difference, again.seed, again.count)


def ratio_difference(again: Draw) -> str | None:
    """Return why the recorded method or ratio is not one the bureau's rules allow, or None."""
    if again.method not in RANGES:
        return f"抽取记录中的检查方式“{again.method}”不是规定的检查方式"
    problem = percent_problem(again.method, again.percent)
    return f"抽取记录中的抽取比例{again.percent}%不合规定：{problem}" if problem else None


def printed_difference(words: Sequence[PageWord], again: Draw) -> str | None:
    """Return the first place where the printed seed, list or attachments differ from the draw."""
    if not any(word.text == again.seed for word in words):
        return f"印出的随机种子与抽取记录中的“{again.seed}”不符"
    ranks = again.ranks()
    tables: list[tuple[tuple[str, str, tuple[str, ...]], str, list[list[str]]]] = [
        (LIST, "名单", [
            [str(n), unit.name, unit.digest[:SHOWN_DIGITS],
             "".join(f"{o.name}（{o.certificate}）" for o in unit.officers)]
            for n, unit in enumerate(again.units, 1)
        ]),
        (REGISTER, "附件1单位名录", [
            [str(n), u["name"], "是" if u["key_monitoring"] else "",
             ranks[u["name"]][1][:SHOWN_DIGITS] if u["name"] in ranks else "—",
             str(ranks[u["name"]][0]) if u["name"] in ranks else "—"]
            for n, u in enumerate(again.register, 1)
        ]),
        (POOL, "附件2执法人员库", [
            [str(n), o["name"], o["certificate"], "、".join(conflicts_of(o["conflicts"]))]
            for n, o in enumerate(again.pool, 1)
        ]),
    ]  # fmt: skip
    for (start, end, headers), name, expected in tables:
        difference = _table_difference(words, start, end, headers, name, expected)
        if difference:
            return difference
    return None


def _table_difference(
    words: Sequence[PageWord],
    start: str,
    end: str,
    headers: Sequence[str],
    name: str,
    expected: list[list[str]],
) -> str | None:
    """Return the first printed cell of one table that differs from the draw made again."""
    try:
        printed = table_rows(section(words, start, end), headers)
    except TableNotFound as error:
        return f"印出的{name}无法读取：{error}"
    for number, (row, right) in enumerate(zip(printed, expected, strict=False), 1):
        for header, cell, value in zip(headers, row, right, strict=True):
            if _plain(cell) != _plain(value):
                return (
                    f"印出的{name}第{number}行“{header}”为“{cell}”，按抽取记录重新抽取应为“{value}”"
                )
    if len(printed) != len(expected):
        return f"印出的{name}有{len(printed)}行，按抽取记录重新抽取应为{len(expected)}行"
    return None


def _plain(text: str) -> str:
    """Return text without spaces, as printed words are read back."""
    return "".join(text.split())
