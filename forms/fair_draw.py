"""The fair draw (双随机): units and officers ranked by SHA-256 of the seed and their names, repeatable by hand."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SEED_BYTES = 16  # 128 bits, written as 32 hexadecimal digits
SEED_PATTERN = re.compile(r"[0-9a-f]{32}")
SHOWN_DIGITS = 8  # the leading digits of a check value printed beside a unit or an officer
OFFICERS_PER_UNIT = 2
KEY_MONITORING = "重点监控"
# Names the procedure in every record, so that a record of another procedure is never redone
# by this one.
PROCEDURE = "SHA-256 排序抽取"
_CONFLICT_SEPARATORS = re.compile(r"[、，,；;]")


class DrawImpossible(ValueError):
    """Raised when the register holds fewer units to draw from than the method needs."""


def new_seed() -> str:
    """Return a seed drawn by the system: 128 random bits as 32 lowercase hexadecimal digits."""
    return secrets.token_hex(SEED_BYTES)


def is_seed(text: str) -> bool:
    """Return whether text is a seed as the system draws it."""
    return SEED_PATTERN.fullmatch(text) is not None


def check_value(text: str) -> str:
    """Return the SHA-256 of text's UTF-8 bytes as 64 lowercase hexadecimal digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unit_text(seed: str, unit: str) -> str:
    """Return what is hashed for a unit: the seed, then the unit's name, nothing between."""
    return seed + unit


def officer_text(seed: str, unit: str, name: str, certificate: str) -> str:
    """Return what is hashed for an officer and a unit: seed, unit, name, 执法证号, nothing between."""
    return seed + unit + name + certificate


def conflicts_of(text: str | None) -> list[str]:
    """Return the unit names in an officer's conflict list (separated by 、 or ，), each once."""
    return list(
        dict.fromkeys(
            name.strip() for name in _CONFLICT_SEPARATORS.split(text or "") if name.strip()
        )
    )


def draw_count(percent: int, register_size: int) -> int:
    """Return how many units are drawn: ceil(percent% × register size), at least 1."""
    return max(1, -(-percent * register_size // 100))


@dataclass(frozen=True)
class DrawnOfficer:
    """An officer drawn for a unit, with the check value that ranked him or her."""

    name: str
    certificate: str
    digest: str


@dataclass(frozen=True)
class DrawnUnit:
    """One drawn unit, its check value, and the officers drawn to inspect it, smallest value first."""

    name: str
    key_monitoring: bool
    digest: str
    officers: tuple[DrawnOfficer, ...]


@dataclass(frozen=True)
class Draw:
    """The outcome of one draw, with everything needed to repeat it."""

    seed: str
    method: str
    percent: int
    register: tuple[dict[str, Any], ...]  # units as given: name, key_monitoring
    pool: tuple[dict[str, str], ...]  # officers as given: name, certificate, conflicts
    population: tuple[str, ...]  # the names drawn from (all, or those flagged 重点监控)
    count: int
    units: tuple[DrawnUnit, ...]  # smallest check value first
    short_of_officers: tuple[tuple[str, int], ...]  # (unit, officers free of conflict)

    def ranks(self) -> dict[str, tuple[int, str]]:
        """Return each unit of the population's place (1 = smallest check value) and value."""
        values = sorted((check_value(unit_text(self.seed, name)), name) for name in self.population)
        return {name: (place, value) for place, (value, name) in enumerate(values, start=1)}


def draw(
    seed: str,
    method: str,
    percent: int,
    units: Sequence[Mapping[str, Any]],
    officers: Sequence[Mapping[str, Any]],
) -> Draw:
    """Return the draw for this seed: the same seed, register and pool always give the same list.

    Each unit's check value is the SHA-256 of the seed followed by its name; the units with
    the smallest values are drawn. For each drawn unit, the officers without a conflict with
    it are ranked the same way by seed, unit, name and 执法证号, and the first two drawn.
    The order the rows were typed in does not matter.
    """
    register: tuple[dict[str, Any], ...] = tuple(
        {"name": str(u["name"]), "key_monitoring": bool(u.get("key_monitoring"))} for u in units
    )
    pool: tuple[dict[str, str], ...] = tuple(
        {
            "name": str(o["name"]),
            "certificate": str(o["certificate"]),
            "conflicts": str(o.get("conflicts") or ""),
        }
        for o in officers
    )
    # 重点监控 draws among the units flagged so; every other method, among the whole register.
    population: tuple[str, ...] = tuple(
        u["name"] for u in register if method != KEY_MONITORING or u["key_monitoring"]
    )
    count = draw_count(percent, len(register))
    if count > len(population):
        raise DrawImpossible(f"按{method}应抽取{count}家单位，可供抽取的只有{len(population)}家")
    flagged = {u["name"] for u in register if u["key_monitoring"]}
    ranked = sorted(population, key=lambda name: check_value(unit_text(seed, name)))
    drawn: list[DrawnUnit] = []
    short: list[tuple[str, int]] = []
    for name in ranked[:count]:
        free = [o for o in pool if name not in conflicts_of(o["conflicts"])]
        if len(free) < OFFICERS_PER_UNIT:
            short.append((name, len(free)))
        candidates = [
            DrawnOfficer(
                o["name"],
                o["certificate"],
                check_value(officer_text(seed, name, o["name"], o["certificate"])),
            )
            for o in free
        ]
        # A stable sort: officers whose texts coincide keep the pool's order.
        chosen = sorted(candidates, key=lambda o: o.digest)[:OFFICERS_PER_UNIT]
        drawn.append(
            DrawnUnit(name, name in flagged, check_value(unit_text(seed, name)), tuple(chosen))
        )
    return Draw(
        seed, method, percent, register, pool, population, count, tuple(drawn), tuple(short)
    )


def draw_record(result: Draw) -> dict[str, Any]:
    """Return the draw as JSON: its inputs as given and its result, to record and to print in the PDF."""
    return {
        "procedure": PROCEDURE,
        "seed": result.seed,
        "method": result.method,
        "percent": result.percent,
        "register": [dict(unit) for unit in result.register],
        "pool": [dict(officer) for officer in result.pool],
        "count": result.count,
        "drawn": [
            {
                "unit": unit.name,
                "digest": unit.digest,
                "officers": [
                    {"name": o.name, "certificate": o.certificate, "digest": o.digest}
                    for o in unit.officers
                ],
            }
            for unit in result.units
        ],
    }


class RecordUnreadable(ValueError):
    """Raised for a record that is not one of this procedure, or lacks what redoing it needs."""


def redo(record: Mapping[str, Any]) -> Draw:
    """Return the draw made again from a record's seed, method, percent, register and pool."""
    if record.get("procedure") != PROCEDURE:
        raise RecordUnreadable("记录的不是按校验值排序的抽取")
    try:
        seed, method, percent = record["seed"], record["method"], record["percent"]
        register, pool = record["register"], record["pool"]
        if not (isinstance(seed, str) and isinstance(method, str) and type(percent) is int):
            raise TypeError("seed, method or percent")
        return draw(seed, method, percent, register, pool)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise RecordUnreadable(f"记录不完整或格式不对：{error}") from error


def first_difference(record: Mapping[str, Any], again: Draw) -> str | None:
    """Return, in Chinese, the first place where a record's result differs from the draw made again."""
    expected = draw_record(again)
    if record.get("count") != expected["count"]:
        return f"名单记载抽取{record.get('count')}家单位，按比例重新计算应为{expected['count']}家"
    claimed = record.get("drawn")
    if not isinstance(claimed, list) or len(claimed) != len(expected["drawn"]):
        return f"名单所列单位的家数与应抽取的{expected['count']}家不符"
    for index, (given, right) in enumerate(zip(claimed, expected["drawn"], strict=True), 1):
        if not isinstance(given, dict):
            return f"名单第{index}家单位的记录格式不对"
        if given.get("unit") != right["unit"]:
            return (
                f"名单第{index}家单位为“{given.get('unit')}”，"
                f"按随机种子和单位名录重新抽取应为“{right['unit']}”"
            )
        if given.get("digest") != right["digest"]:
            return f"名单第{index}家单位“{right['unit']}”的校验值与重新计算的不符"
        if given.get("officers") != right["officers"]:
            shown = "、".join(o["name"] for o in right["officers"]) or "（无）"
            return f"名单第{index}家单位“{right['unit']}”的检查人员与重新抽取的{shown}不符"
    return None
