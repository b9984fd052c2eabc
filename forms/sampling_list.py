"""双随机抽查名单: units and officers drawn reproducibly from a seed (档案安全监管 §三, 电子档案监管 §三)."""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation, ValidationError

from forms.fields import (
    ArchiveView,
    InstrumentForm,
    OfficerRow,
    RowForm,
    choice,
    date,
    flag,
    integer,
    long_text,
    rows,
    rule_first,
    short_text,
)

OFFICERS_PER_UNIT = 2
# Each method's percent range (inclusive) and the percent used when the clerk gives none.
# The seed fixes 现场检查 at 10%, 全面检查 at 15–25% and 抽查 at 6–10%, and speaks of
# "5%左右" key-monitoring units; "about 5%" is read as 4–6%.
RANGES: dict[str, tuple[int, int]] = {
    "现场检查": (10, 10),
    "全面检查": (15, 25),
    "抽查": (6, 10),
    "重点监控": (4, 6),
}
DEFAULT_PERCENT = {"现场检查": 10, "重点监控": 5}
KEY_MONITORING = "重点监控"
# Where the bureau's own rules set each method (the seed's 档案安全监管 and 电子档案监管).
BASIS = {
    "现场检查": "《君山区档案安全监管制度》第三条第（三）项",
    "全面检查": "《君山区电子档案监管制度》第三条第（一）项",
    "抽查": "《君山区电子档案监管制度》第三条第（一）项",
    "重点监控": "《君山区电子档案监管制度》第三条第（一）项",
}
_CONFLICT_SEPARATORS = re.compile(r"[、，,；;]")


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


def percent_problem(method: str, percent: int | None) -> str | None:
    """Return why a percent does not suit the method, or None when it does."""
    low, high = RANGES[method]
    if percent is None:
        return None if method in DEFAULT_PERCENT else f"请选定{method}的抽取比例（{low}%至{high}%）"
    if low <= percent <= high:
        return None
    if low == high:
        return f"{method}的抽取比例为{low}%"
    return f"{method}的抽取比例应当在{low}%至{high}%之间"


@dataclass(frozen=True)
class DrawnUnit:
    """One drawn unit and the officers drawn to inspect it, in name order."""

    name: str
    key_monitoring: bool
    officers: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Draw:
    """The outcome of one draw, with everything needed to repeat it."""

    seed: str
    method: str
    percent: int
    register: tuple[dict[str, Any], ...]  # units sorted by name
    pool: tuple[dict[str, str], ...]  # officers sorted by name, then certificate
    population: tuple[str, ...]  # the names drawn from (all, or those flagged 重点监控)
    count: int
    units: tuple[DrawnUnit, ...]
    short_of_officers: tuple[tuple[str, int], ...]  # (unit, officers free of conflict)


class DrawImpossible(ValueError):
    """Raised when the register holds fewer units to draw from than the method needs."""


def draw(
    seed: str,
    method: str,
    percent: int,
    units: list[dict[str, Any]],
    officers: list[dict[str, Any]],
) -> Draw:
    """Return the draw for this seed: the same seed, register and pool always give the same list.

    The register is sorted by unit name and the pool by name and certificate (code-point
    order), so the order rows were typed in does not matter. One random.Random seeded
    with the seed string first samples the units, then, unit by unit in drawn order,
    two officers among those without a conflict with that unit.
    """
    register = tuple(
        sorted(
            ({"name": u["name"], "key_monitoring": bool(u.get("key_monitoring"))} for u in units),
            key=lambda u: u["name"],
        )
    )
    pool = tuple(
        sorted(
            (
                {
                    "name": o["name"],
                    "certificate": o["certificate"],
                    "conflicts": o.get("conflicts") or "",
                }
                for o in officers
            ),
            key=lambda o: (o["name"], o["certificate"]),
        )
    )
    if method == KEY_MONITORING:
        population = tuple(u["name"] for u in register if u["key_monitoring"])
    else:
        population = tuple(u["name"] for u in register)
    count = draw_count(percent, len(register))
    if count > len(population):
        raise DrawImpossible(f"按{method}应抽取{count}家单位，可供抽取的只有{len(population)}家")
    generator = random.Random(seed)
    flagged = {u["name"] for u in register if u["key_monitoring"]}
    drawn: list[DrawnUnit] = []
    short: list[tuple[str, int]] = []
    for name in generator.sample(population, count):
        free = [o for o in pool if name not in conflicts_of(o["conflicts"])]
        if len(free) < OFFICERS_PER_UNIT:
            short.append((name, len(free)))
            drawn.append(DrawnUnit(name, name in flagged, ()))
            continue
        chosen = sorted(
            generator.sample(free, OFFICERS_PER_UNIT), key=lambda o: (o["name"], o["certificate"])
        )
        pair = tuple({"name": o["name"], "certificate": o["certificate"]} for o in chosen)
        drawn.append(DrawnUnit(name, name in flagged, pair))
    return Draw(
        seed, method, percent, register, pool, population, count, tuple(drawn), tuple(short)
    )


def draw_sentence(result: Draw) -> str:
    """Return, in words, what was drawn from what, at which ratio, for which inspection."""
    size, count = len(result.register), result.count
    if result.method == KEY_MONITORING:
        return (
            f"按单位名录所列{size}家单位{result.percent}%的比例，从其中标注为重点监控单位的"
            f"{len(result.population)}家中抽取{count}家单位，开展重点监控现场检查"
        )
    return (
        f"从单位名录所列{size}家单位中按{result.percent}%的比例抽取{count}家单位开展{result.method}"
    )


def method_steps(result: Draw) -> list[str]:
    """Return the method of the draw, step by step, precise enough for anyone to repeat it."""
    size = len(result.register)
    exact = (Decimal(size) * result.percent / 100).normalize()
    source = f"附件1所列{size}家单位"
    if result.method == KEY_MONITORING:
        source += f"中标注为重点监控单位的{len(result.population)}家"
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    return [
        f"（一）以随机种子“{result.seed}”作为文字串，建立{python}标准库的伪随机数生成器 "
        f'random.Random("{result.seed}")。',
        f"（二）单位名录按单位名称的Unicode码位顺序排列（即附件1的顺序），用该生成器的 "
        f"random.sample 从{source}中抽取{result.count}家（{size}×{result.percent}%={exact:f}，"
        "向上取整，至少1家），抽中的先后顺序即名单的序号。",
        "（三）按抽中的先后顺序，对每家单位，从执法人员库（按姓名、执法证号的Unicode码位顺序排列，"
        "即附件2的顺序）中除去与该单位有利害关系的人员，用同一生成器的 random.sample 抽取"
        f"{OFFICERS_PER_UNIT}名，按姓名的Unicode码位顺序列出。",
        "（四）以相同的随机种子、单位名录和执法人员库重复上述步骤，得到的名单相同。",
    ]


class UnitRow(RowForm):
    """One unit of the register of units subject to inspection."""

    name = short_text("单位名称", max_length=60)
    key_monitoring = flag("重点监控单位")


class PoolOfficerRow(OfficerRow):
    """One enforcement officer of the pool, with the units he or she must stand aside from."""

    conflicts = short_text("有利害关系的单位（以、或，分隔）", max_length=500, required=False)


class SamplingListForm(InstrumentForm):
    """Facts of one 双随机抽查名单."""

    addressee = short_text("主送单位", max_length=60)
    method = choice("检查方式", tuple(RANGES))
    percent = rule_first(
        integer("抽取比例（%）", minimum=1, maximum=100, required=False), "check_percent"
    )
    seed = short_text("随机种子", max_length=64)
    units = rows(UnitRow, "单位名录", max_entries=2000)
    officers = rows(PoolOfficerRow, "执法人员库", max_entries=500)
    arrangements = long_text("检查安排", required=False)
    issue_date = date("成文日期")

    def check_percent(self, field: Field) -> None:
        """The percent must lie in the method's range; a fixed ratio is filled in when omitted."""
        method = self.method.data
        given = bool(field.raw_data) and str(field.raw_data[0]).strip() != ""
        if method not in RANGES or (given and field.data is None):
            return  # no method chosen yet, or a percent that is not a whole number
        problem = percent_problem(method, field.data if given else None)
        if problem and not given:
            raise StopValidation(problem)  # the Optional validator would clear a plain error
        if problem:
            raise ValidationError(problem)
        if not given:
            field.data = DEFAULT_PERCENT[method]

    def validate_units(self, field: Field) -> None:
        """The register lists each unit once and, for 重点监控, enough flagged units."""
        if not field.data:
            raise ValidationError("请填写单位名录（至少1家单位）")
        names = [row["name"] for row in field.data if row["name"]]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValidationError(f"单位名录中{'、'.join(repeated)}重复出现")
        if self.method.data == KEY_MONITORING and len(names) == len(field.data):
            percent = self._percent()
            flagged = sum(1 for row in field.data if row["key_monitoring"])
            if percent is not None and draw_count(percent, len(names)) > flagged:
                raise ValidationError(
                    f"按重点监控方式应抽取{draw_count(percent, len(names))}家，"
                    f"单位名录中标注重点监控的只有{flagged}家"
                )

    def validate_officers(self, field: Field) -> None:
        """Each drawn unit gets two officers with no conflict with it, by the same draw as printed."""
        if len(field.data) < OFFICERS_PER_UNIT:
            raise ValidationError(f"执法人员库至少应有{OFFICERS_PER_UNIT}名执法人员")
        certificates = [row["certificate"] for row in field.data if row["certificate"]]
        repeated = sorted({c for c in certificates if certificates.count(c) > 1})
        if repeated:
            raise ValidationError(f"执法证号{'、'.join(repeated)}重复出现")
        result = self._draw()
        if result is None:
            return
        if result.short_of_officers:
            described = "；".join(
                f"{unit}只有{free}名无利害关系的执法人员" for unit, free in result.short_of_officers
            )
            raise ValidationError(
                f"抽中的单位须各有{OFFICERS_PER_UNIT}名无利害关系的执法人员：{described}。"
                "请补充执法人员库"
            )
        registered = {row["name"] for row in self.units.data}
        for row in field.data:
            unknown = [name for name in conflicts_of(row["conflicts"]) if name not in registered]
            if unknown:
                self.warn(
                    f"执法人员{row['name']}的利害关系单位{'、'.join(unknown)}不在单位名录中，"
                    "请核对名称是否与名录一致"
                )

    def _percent(self) -> int | None:
        """Return the percent the draw uses, or None while the method or percent is wrong."""
        method = self.method.data
        if method not in RANGES or percent_problem(method, self.percent.data):
            return None
        return self.percent.data if self.percent.data is not None else DEFAULT_PERCENT[method]

    def _draw(self) -> Draw | None:
        """Return the draw these facts give, or None while its inputs are incomplete or wrong."""
        percent = self._percent()
        units, officers = self.units.data, self.officers.data
        complete = (
            percent is not None
            and self.seed.data
            and units
            and all(row["name"] for row in units)
            and all(row["name"] and row["certificate"] for row in officers)
        )
        if not complete or percent is None:
            return None
        try:
            return draw(self.seed.data, self.method.data, percent, units, officers)
        except DrawImpossible:
            return None  # reported at the register


def draw_context(values: dict[str, Any], archive: ArchiveView | None) -> dict[str, Any]:
    """Return the drawn list, the register and pool in draw order, and the method in words."""
    method = values["method"]
    percent = values["percent"] if values["percent"] is not None else DEFAULT_PERCENT[method]
    result = draw(str(values["seed"]), method, percent, values["units"], values["officers"])
    steps = method_steps(result)
    return {
        "method_text": "".join(steps),
        "method_steps": steps,
        "basis": BASIS[method],
        "draw_sentence": draw_sentence(result),
        "ratio": f"{percent}%",
        "register_size": len(result.register),
        "population_size": len(result.population),
        "draw_count": result.count,
        "drawn": [
            {
                "index": index,
                "unit": unit.name,
                "officers": [f"{o['name']}（{o['certificate']}）" for o in unit.officers],
            }
            for index, unit in enumerate(result.units, start=1)
        ],
        "register_rows": [
            {"index": index, "name": u["name"], "key_monitoring": "是" if u["key_monitoring"] else ""}
            for index, u in enumerate(result.register, start=1)
        ],
        "pool_rows": [
            {"index": index, "name": o["name"], "certificate": o["certificate"],
             "conflicts": "、".join(conflicts_of(o["conflicts"]))}
            for index, o in enumerate(result.pool, start=1)
        ],
    }  # fmt: skip
