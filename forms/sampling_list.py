"""双随机抽查名单: units and officers drawn by the system's seed, as anyone can repeat (档案安全监管 §三, 电子档案监管 §三)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import Field
from wtforms.validators import StopValidation, ValidationError

from forms.fair_draw import (
    KEY_MONITORING,
    OFFICERS_PER_UNIT,
    SHOWN_DIGITS,
    Draw,
    conflicts_of,
    draw,
    draw_count,
    draw_record,
    is_seed,
    new_seed,
)
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
    picks,
    rows,
    rule_first,
    short_text,
)
from forms.sampling_method import draw_sentence, method_steps, worked_example

# Each method's percent range (inclusive) and the percent used when the clerk gives none.
# The seed fixes 现场检查 at 10%, 全面检查 at 15–25% and 抽查 at 6–10%, and speaks of
# "5%左右" key-monitoring units; "about 5%" is read as 4–6%.
RANGES: dict[str, tuple[int, int]] = {
    "现场检查": (10, 10),
    "全面检查": (15, 25),
    "抽查": (6, 10),
    KEY_MONITORING: (4, 6),
}
DEFAULT_PERCENT = {"现场检查": 10, KEY_MONITORING: 5}
# Where the bureau's own rules set each method (the seed's 档案安全监管 and 电子档案监管).
BASIS = {
    "现场检查": "《君山区档案安全监管制度》第三条第（三）项",
    "全面检查": "《君山区电子档案监管制度》第三条第（一）项",
    "抽查": "《君山区电子档案监管制度》第三条第（一）项",
    KEY_MONITORING: "《君山区电子档案监管制度》第三条第（一）项",
}
DRAW_FIRST = "请先点击“抽取”，由系统生成随机种子并抽取名单"
SEED_NOT_TYPED = "随机种子由系统在抽取时生成（32位十六进制数），不能填写或修改，请点击“抽取”"


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


def percent_of(values: Mapping[str, Any]) -> int:
    """Return the percent a valid list draws at: the one given, or the method's fixed one."""
    percent = values.get("percent")
    return int(percent) if percent is not None else DEFAULT_PERCENT[values["method"]]


class UnitRow(RowForm):
    """One unit of the register of units subject to inspection."""

    name = picks(short_text("单位名称", max_length=60), "units")
    key_monitoring = flag("重点监控单位")


class PoolOfficerRow(OfficerRow):
    """One enforcement officer of the pool, with the units he or she must stand aside from."""

    conflicts = short_text("有利害关系的单位（以、或，分隔）", max_length=500, required=False)


class SamplingListForm(InstrumentForm):
    """Facts of one 双随机抽查名单; seed and draw are filled in by the system's draw, never typed."""

    addressee = short_text("主送单位", max_length=60)
    method = choice("检查方式", tuple(RANGES))
    percent = rule_first(
        integer("抽取比例（%）", minimum=1, maximum=100, required=False), "check_percent"
    )
    units = rows(UnitRow, "单位名录", max_entries=2000)
    officers = rows(PoolOfficerRow, "执法人员库", max_entries=500)
    seed = rule_first(short_text("随机种子", max_length=64, required=False), "check_seed")
    draw = integer("抽取记录号", minimum=1, required=False)
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

    def check_seed(self, field: Field) -> None:
        """The seed is one the system drew: 32 lowercase hexadecimal digits, never typed."""
        given = bool(field.raw_data) and str(field.raw_data[0]).strip() != ""
        if not given:
            raise StopValidation(DRAW_FIRST)  # the Optional validator would clear a plain error
        if not is_seed(field.data or ""):
            raise StopValidation(SEED_NOT_TYPED)

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
        """Every unit that may be drawn has two officers free of conflict, whatever the seed."""
        if len(field.data) < OFFICERS_PER_UNIT:
            raise ValidationError(f"执法人员库至少应有{OFFICERS_PER_UNIT}名执法人员")
        certificates = [row["certificate"] for row in field.data if row["certificate"]]
        repeated = sorted({c for c in certificates if certificates.count(c) > 1})
        if repeated:
            raise ValidationError(f"执法证号{'、'.join(repeated)}重复出现")
        short = self._short_of_officers()
        if short:
            described = "；".join(f"{unit}只有{free}名无利害关系的执法人员" for unit, free in short)
            raise ValidationError(
                f"每家可能抽中的单位须有{OFFICERS_PER_UNIT}名无利害关系的执法人员：{described}。"
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

    def _short_of_officers(self) -> list[tuple[str, int]]:
        """Return the units that may be drawn with fewer than two officers free of conflict.

        Judged over every unit that may be drawn, not the units one seed happens to draw:
        whether a list can be issued must not depend on the draw.
        """
        units, officers = self.units.data, self.officers.data
        if not all(row["name"] for row in units) or not all(row["name"] for row in officers):
            return []
        drawable = [
            row["name"]
            for row in units
            if self.method.data != KEY_MONITORING or row["key_monitoring"]
        ]
        short = []
        for name in drawable:
            free = sum(1 for row in officers if name not in conflicts_of(row["conflicts"]))
            if free < OFFICERS_PER_UNIT:
                short.append((name, free))
        return short


def draw_of(values: Mapping[str, Any]) -> Draw:
    """Return the draw the facts of a valid list give."""
    return draw(
        str(values["seed"]),
        values["method"],
        percent_of(values),
        values["units"],
        values["officers"],
    )


def draw_context(values: dict[str, Any], archive: ArchiveView | None) -> dict[str, Any]:
    """Return the drawn list with its check values, the register and pool, and the method in words."""
    result = draw_of(values)
    ranks = result.ranks()
    steps = method_steps(result, values.get("draw"))
    return {
        "method_text": "".join(steps),
        "method_steps": steps,
        "example_steps": worked_example(result),
        "basis": BASIS[result.method],
        "draw_sentence": draw_sentence(result),
        "ratio": f"{result.percent}%",
        "register_size": len(result.register),
        "population_size": len(result.population),
        "draw_count": result.count,
        "drawn": [
            {
                "index": index,
                "unit": unit.name,
                "digest": unit.digest[:SHOWN_DIGITS],
                "officers": [f"{o.name}（{o.certificate}）" for o in unit.officers],
            }
            for index, unit in enumerate(result.units, start=1)
        ],
        "register_rows": [
            {"index": index, "name": u["name"], "key_monitoring": "是" if u["key_monitoring"] else "",
             "digest": ranks[u["name"]][1][:SHOWN_DIGITS] if u["name"] in ranks else "—",
             "rank": str(ranks[u["name"]][0]) if u["name"] in ranks else "—"}
            for index, u in enumerate(result.register, start=1)
        ],
        "pool_rows": [
            {"index": index, "name": o["name"], "certificate": o["certificate"],
             "conflicts": "、".join(conflicts_of(o["conflicts"]))}
            for index, o in enumerate(result.pool, start=1)
        ],
    }  # fmt: skip


def _named(names: list[str]) -> str:
    """Return a few names for a message, with how many more there are."""
    shown = "、".join(names[:3])
    return shown + (f"等{len(names)}个" if len(names) > 3 else "")


def _changes(now: dict[str, Any], then: dict[str, Any]) -> str:
    """Return, in words, what was added, removed and changed between two keyed lists."""
    added = [key for key in now if key not in then]
    removed = [key for key in then if key not in now]
    changed = [key for key in now if key in then and now[key] != then[key]]
    parts = [
        f"{verb}{_named(names)}"
        for verb, names in (("增加了", added), ("删去了", removed), ("改动了", changed))
        if names
    ]
    return "；".join(parts)


class SamplingDraw:
    """How a 双随机抽查名单's draw is recorded, and how its facts are held to the recorded draw."""

    seed_field = "seed"
    draw_field = "draw"

    def new_seed(self) -> str:
        """Return a seed drawn by the system at the moment of the draw."""
        return new_seed()

    def record(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return the draw the facts give as JSON: its inputs as given and its result."""
        return draw_record(draw_of(values))

    def departures(
        self, values: Mapping[str, Any], record: Mapping[str, Any]
    ) -> dict[str, list[str]]:
        """Return, at their fields, where the facts differ from the inputs of the recorded draw."""
        redraw = "，改动后须重新抽取"
        problems: dict[str, list[str]] = {}
        if values["method"] != record.get("method"):
            problems["method"] = [f"检查方式与抽取时的“{record.get('method')}”不同{redraw}"]
        elif percent_of(values) != record.get("percent"):
            problems["percent"] = [f"抽取比例与抽取时的{record.get('percent')}%不同{redraw}"]
        units = _changes(
            {u["name"]: bool(u["key_monitoring"]) for u in values["units"]},
            {u["name"]: bool(u["key_monitoring"]) for u in record.get("register", [])},
        )
        if units:
            problems["units"] = [f"单位名录与抽取时不同（{units}）{redraw}"]
        pool = _changes(
            {o["certificate"]: (o["name"], set(conflicts_of(o["conflicts"]))) for o in values["officers"]},
            {o["certificate"]: (o["name"], set(conflicts_of(o["conflicts"])))
             for o in record.get("pool", [])},
        )  # fmt: skip
        if pool:
            problems["officers"] = [f"执法人员库与抽取时不同（执法证号{pool}）{redraw}"]
        return problems

    def result(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the recorded result for a page: each unit with its officers' names, in order."""
        return [
            {"unit": row["unit"], "digest": row["digest"][:SHOWN_DIGITS],
             "officers": [o["name"] for o in row["officers"]]}
            for row in record.get("drawn", [])
        ]  # fmt: skip


DRAW = SamplingDraw()
