"""Tests of the 双随机抽查名单: the system's seed, the draw by SHA-256, the methods' ratios, conflicts."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from forms.fair_draw import (
    conflicts_of,
    draw,
    draw_count,
    draw_record,
    first_difference,
    is_seed,
    new_seed,
    redo,
)
from forms.sampling_list import DRAW, DRAW_FIRST, SEED_NOT_TYPED, draw_context
from forms.sampling_method import grouped
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import validation_errors

SAMPLING = get_instrument("sampling_list")
SEED = "0123456789abcdef0123456789abcdef"


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(SAMPLING, facts)


def context_of(facts: dict[str, Any]) -> dict[str, Any]:
    """Return the computed context of valid facts."""
    return draw_context(validate_facts(SAMPLING, facts).values, None)


def drawn(facts: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Return the drawn list for valid facts: (unit, officers) in list order."""
    return [(row["unit"], row["officers"]) for row in context_of(facts)["drawn"]]


def sha256(text: str) -> str:
    """Return the SHA-256 of the text's UTF-8 bytes, computed here apart from the service."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def register(size: int, flagged: int = 0) -> list[dict[str, Any]]:
    """Return a register of size made-up units, the first flagged ones marked 重点监控."""
    return [
        {"name": f"岳阳市君山区第{index:03d}号单位", "key_monitoring": index < flagged}
        for index in range(size)
    ]


def officers(count: int, conflicts: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Return a pool of made-up officers; conflicts maps an officer's position to his units."""
    return [
        {"name": f"执法员{index:02d}", "certificate": f"430611{index:05d}",
         "conflicts": (conflicts or {}).get(index, "")}
        for index in range(count)
    ]  # fmt: skip


def test_sample_is_valid_and_draws_two_officers_per_unit() -> None:
    """This test ensures that the shipped sample passes and draws 20% of 30 units, two officers each."""
    assert errors_for(sample("sampling_list")) == {}
    result = drawn(sample("sampling_list"))
    assert len(result) == 6
    assert all(len(officers) == 2 for _, officers in result)


@pytest.mark.parametrize("field", ["addressee", "method", "issue_date"])
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it."""
    facts = sample("sampling_list")
    del facts[field]
    errors = errors_for(facts)
    assert field in errors
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_a_list_without_a_seed_asks_for_the_draw() -> None:
    """This test ensures that a list with no seed is told to draw, never to type one."""
    facts = sample("sampling_list")
    del facts["seed"]
    assert errors_for(facts) == {"seed": [DRAW_FIRST]}


@pytest.mark.parametrize(
    "seed", ["20260310", SEED.upper(), SEED + "0", SEED[:-1], "我的种子", " " + SEED[1:]]
)
def test_a_seed_not_drawn_by_the_system_is_refused(seed: str) -> None:
    """This test ensures that a typed seed (digits, capitals, another length) is refused at the seed."""
    assert errors_for(sample("sampling_list") | {"seed": seed}) == {"seed": [SEED_NOT_TYPED]}


def test_the_system_seed_is_128_random_bits_in_hex() -> None:
    """This test ensures that the seed the system draws is 32 lowercase hex digits, new each time."""
    seeds = {new_seed() for _ in range(50)}
    assert len(seeds) == 50
    assert all(is_seed(seed) and len(seed) == 32 for seed in seeds)


def test_a_check_value_is_the_sha256_of_seed_and_name_as_utf8() -> None:
    """This test ensures that a unit's check value is SHA-256 of the seed then its name, UTF-8, nothing between.

    The expected value was computed outside Python: printf '%s' "<seed>岳阳市君山区教育局" | sha256sum.
    """
    units = [{"name": "岳阳市君山区教育局", "key_monitoring": False}]
    result = draw(SEED, "现场检查", 10, units, officers(2))
    assert result.units[0].digest == (
        "75960ed403748c510d5b6d4a12dd4616b3e71f66505ebf2d44b2d32fb876c8a1"
    )
    pool = [{"name": "李建华", "certificate": "43061120101"}, *officers(1)]
    result = draw(SEED, "现场检查", 10, units, pool)
    by_name = {o.name: o.digest for o in result.units[0].officers}
    assert by_name["李建华"] == ("6a79770dc26ecd0626121c7d8109b7cd48d221309d37e7c3f142afe00a7652ed")


def test_the_units_with_the_smallest_check_values_are_drawn_in_that_order() -> None:
    """This test ensures that the drawn units are those whose SHA-256 of seed and name are smallest."""
    facts = sample("sampling_list") | {"seed": SEED}
    names = [unit["name"] for unit in facts["units"]]
    expected = sorted(names, key=lambda name: sha256(SEED + name))[:6]
    assert [unit for unit, _ in drawn(facts)] == expected


def test_the_officers_are_those_with_the_smallest_check_values_free_of_conflict() -> None:
    """This test ensures that each unit's two officers are its unconflicted ones ranked by seed, unit, name, 执法证号."""
    facts = sample("sampling_list") | {"seed": SEED}
    for unit, pair in drawn(facts):
        free = [o for o in facts["officers"] if unit not in conflicts_of(o.get("conflicts"))]
        ranked = sorted(free, key=lambda o: sha256(SEED + unit + o["name"] + o["certificate"]))
        assert pair == [f"{o['name']}（{o['certificate']}）" for o in ranked[:2]]


def test_same_seed_and_register_give_the_same_list() -> None:
    """This test ensures that the draw is repeatable, whatever order the rows were typed in."""
    facts = sample("sampling_list")
    shuffled = facts | {"units": facts["units"][::-1], "officers": facts["officers"][::-1]}
    assert drawn(facts) == drawn(facts) == drawn(shuffled)


def test_different_seed_gives_a_different_list() -> None:
    """This test ensures that another seed, over a register of 30 units, draws another list."""
    facts = sample("sampling_list")
    assert drawn(facts) != drawn(facts | {"seed": SEED})


def test_conflicted_officers_are_never_drawn_for_their_units() -> None:
    """This test ensures that over many seeds no officer is drawn for a unit he or she is conflicted with."""
    units = register(20)
    names = [unit["name"] for unit in units]
    # Officers 0-3 are each conflicted with half the register.
    conflicts = {index: "、".join(names[index % 2 :: 2]) for index in range(4)}
    facts = sample("sampling_list") | {
        "units": units,
        "officers": officers(7, conflicts),
        "method": "全面检查",
        "percent": 25,
    }
    by_name = {f"执法员{index:02d}": set(conflicts_of(text)) for index, text in conflicts.items()}
    for _ in range(100):
        for unit, pair in drawn(facts | {"seed": new_seed()}):
            for officer in pair:
                assert unit not in by_name.get(officer.split("（")[0], set())


def test_conflicts_may_be_separated_by_either_comma() -> None:
    """This test ensures that a conflict list separated by 、 or ， names each unit."""
    assert conflicts_of("甲单位、乙单位，丙单位, 丁单位") == [
        "甲单位",
        "乙单位",
        "丙单位",
        "丁单位",
    ]


def test_a_unit_that_may_be_drawn_without_two_free_officers_is_refused_whatever_the_seed() -> None:
    """This test ensures that a pool leaving any drawable unit fewer than two unconflicted officers is refused."""
    units = register(30)
    facts = sample("sampling_list") | {
        "units": units,
        "officers": officers(3, {0: units[29]["name"], 1: units[29]["name"]}),
        "method": "现场检查",
        "percent": 10,
    }
    for _ in range(5):
        errors = errors_for(facts | {"seed": new_seed()})
        assert list(errors) == ["officers"]
        assert f"{units[29]['name']}只有1名无利害关系的执法人员" in errors["officers"][0]


def test_a_unit_that_cannot_be_drawn_needs_no_officers() -> None:
    """This test ensures that for 重点监控 only the flagged units need two unconflicted officers."""
    units = register(40, flagged=2)
    facts = sample("sampling_list") | {
        "units": units,
        "officers": officers(3, {0: units[39]["name"], 1: units[39]["name"]}),
        "method": "重点监控",
        "percent": 5,
    }
    assert errors_for(facts) == {}


def test_a_pool_of_fewer_than_two_officers_is_refused() -> None:
    """This test ensures that the officer pool holds at least two officers."""
    facts = sample("sampling_list") | {"officers": officers(1)}
    assert errors_for(facts) == {"officers": ["执法人员库至少应有2名执法人员"]}


@pytest.mark.parametrize(
    ("method", "percent", "valid"),
    [
        ("现场检查", 10, True), ("现场检查", 9, False), ("现场检查", 11, False),
        ("全面检查", 15, True), ("全面检查", 25, True), ("全面检查", 14, False), ("全面检查", 26, False),
        ("抽查", 6, True), ("抽查", 10, True), ("抽查", 5, False), ("抽查", 11, False),
        ("重点监控", 4, True), ("重点监控", 6, True), ("重点监控", 3, False), ("重点监控", 7, False),
    ],
)  # fmt: skip
def test_each_methods_ratio_bounds(method: str, percent: int, valid: bool) -> None:
    """This test ensures that each method accepts exactly its seed's ratio range."""
    facts = sample("sampling_list") | {"method": method, "percent": percent}
    errors = errors_for(facts)
    if valid:
        assert errors == {}
    else:
        assert list(errors) == ["percent"]
        assert errors["percent"][0].startswith(f"{method}的抽取比例")


def test_fixed_ratio_is_filled_in_and_a_range_must_be_chosen() -> None:
    """This test ensures that 现场检查 takes 10% when no percent is given, while 全面检查 asks for one."""
    facts = sample("sampling_list")
    del facts["percent"]
    fixed = validate_facts(SAMPLING, facts | {"method": "现场检查"})
    assert fixed.values["percent"] == 10
    assert errors_for(facts | {"method": "全面检查"}) == {
        "percent": ["请选定全面检查的抽取比例（15%至25%）"]
    }


@pytest.mark.parametrize(
    ("percent", "size", "count"),
    [(10, 30, 3), (10, 31, 4), (15, 31, 5), (20, 30, 6), (6, 10, 1), (5, 1, 1), (25, 100, 25)],
)
def test_count_is_rounded_up_and_at_least_one(percent: int, size: int, count: int) -> None:
    """This test ensures that the number drawn is ceil(ratio × register size), at least 1."""
    assert draw_count(percent, size) == count


def test_count_rounding_through_the_form() -> None:
    """This test ensures that 10% of a register of 31 draws 4 units and says why in the method."""
    facts = sample("sampling_list") | {"units": register(31), "method": "现场检查", "percent": 10}
    context = context_of(facts)
    assert len(context["drawn"]) == context["draw_count"] == 4
    assert "31×10%=3.1，有小数的进为整数，至少抽取1家" in context["method_text"]


def test_key_monitoring_draws_only_flagged_units() -> None:
    """This test ensures that 重点监控 draws from the units flagged 重点监控 and nowhere else."""
    units = register(40, flagged=3)
    flagged = {unit["name"] for unit in units if unit["key_monitoring"]}
    facts = sample("sampling_list") | {"units": units, "method": "重点监控", "percent": 5}
    for _ in range(30):
        result = drawn(facts | {"seed": new_seed()})
        assert len(result) == 2
        assert {unit for unit, _ in result} <= flagged


def test_key_monitoring_needs_enough_flagged_units() -> None:
    """This test ensures that 重点监控 with fewer flagged units than the count is refused at the register."""
    facts = sample("sampling_list") | {
        "units": register(40, flagged=1),
        "method": "重点监控",
        "percent": 5,
    }
    assert errors_for(facts) == {
        "units": ["按重点监控方式应抽取2家，单位名录中标注重点监控的只有1家"]
    }


def test_register_and_pool_must_not_repeat() -> None:
    """This test ensures that a unit listed twice or a certificate number used twice is refused."""
    facts = sample("sampling_list")
    facts["units"] = [*facts["units"], facts["units"][0]]
    facts["officers"] = [*facts["officers"], facts["officers"][0] | {"name": "另一人"}]
    errors = errors_for(facts)
    assert errors["units"] == ["单位名录中中共岳阳市君山区委办公室重复出现"]
    assert errors["officers"] == ["执法证号43061120101重复出现"]


def test_empty_register_is_refused() -> None:
    """This test ensures that a list cannot be drawn from an empty register."""
    assert errors_for(sample("sampling_list") | {"units": []}) == {
        "units": ["请填写单位名录（至少1家单位）"]
    }


def test_conflict_with_an_unknown_unit_is_a_warning() -> None:
    """This test ensures that a conflict naming a unit missing from the register is pointed out, not refused."""
    facts = sample("sampling_list")
    facts["officers"][2]["conflicts"] = "岳阳市君山区某某公司"
    warnings = validate_facts(SAMPLING, facts).warnings
    assert warnings == (
        "执法人员刘志刚的利害关系单位岳阳市君山区某某公司不在单位名录中，请核对名称是否与名录一致",
    )


def test_method_text_states_the_procedure_in_plain_chinese_without_program_names() -> None:
    """This test ensures that the printed method names seed, bytes, digest, ratio and count, and no program."""
    facts = sample("sampling_list")
    context = context_of(facts)
    text = context["method_text"]
    for part in ("128位", "32位十六进制数", "首尾相接", "不加空格或任何符号", "UTF-8", "SHA-256",
                 "从小到大", "前6位", "附件1所列30家单位", "30×20%=6", "抽取6家",
                 "有利害关系的人员", "最小的2名", "抽取记录第1号"):  # fmt: skip
        assert part in text, part
    for program in ("Python", "random", "Unicode", "码位", "sample"):
        assert program not in text
    assert context["ratio"] == "20%"
    assert context["register_size"] == 30


def test_worked_example_checks_the_first_line_with_its_own_values() -> None:
    """This test ensures that the annex's example shows the first unit's text and its full check value."""
    facts = sample("sampling_list")
    context = context_of(facts)
    first = context["drawn"][0]["unit"]
    example = "".join(context["example_steps"])
    value = sha256(facts["seed"] + first)
    assert f"“{facts['seed']}{first}”" in example
    assert grouped(value) in example
    assert context["drawn"][0]["digest"] == value[:8]


def test_register_rows_show_each_units_check_value_and_place() -> None:
    """This test ensures that annex 1 gives every drawable unit the leading digits of its value and its place."""
    facts = sample("sampling_list")
    rows = context_of(facts)["register_rows"]
    places = sorted(rows, key=lambda row: sha256(facts["seed"] + row["name"]))
    assert [row["rank"] for row in places] == [str(n) for n in range(1, 31)]
    assert all(row["digest"] == sha256(facts["seed"] + row["name"])[:8] for row in rows)
    drawn_units = [unit for unit, _ in drawn(facts)]
    assert [row["name"] for row in places[:6]] == drawn_units


def test_key_monitoring_register_shows_no_place_for_units_not_drawable() -> None:
    """This test ensures that under 重点监控 a unit not flagged has no check value or place in annex 1."""
    facts = sample("sampling_list") | {
        "units": register(40, flagged=3),
        "method": "重点监控",
        "percent": 5,
    }
    rows = {row["name"]: row for row in context_of(facts)["register_rows"]}
    assert (
        rows["岳阳市君山区第039号单位"]["rank"] == rows["岳阳市君山区第039号单位"]["digest"] == "—"
    )
    assert sorted(rows[f"岳阳市君山区第{n:03d}号单位"]["rank"] for n in range(3)) == ["1", "2", "3"]


def test_a_record_redoes_to_the_same_draw_and_names_an_altered_line() -> None:
    """This test ensures that a draw's record redoes the same draw, and an altered unit is named as the first difference."""
    result = draw(SEED, "全面检查", 20, register(30), officers(8))
    record = draw_record(result)
    assert redo(record) == result
    assert first_difference(record, redo(record)) is None
    altered = draw_record(result)
    altered["drawn"][1]["unit"] = "岳阳市君山区第029号单位"
    assert first_difference(altered, redo(altered)) == (
        "名单第2家单位为“岳阳市君山区第029号单位”，按随机种子和单位名录重新抽取应为"
        f"“{result.units[1].name}”"
    )


def test_departures_from_the_recorded_draw_are_named_at_their_fields() -> None:
    """This test ensures that changing method, percent, register or pool after the draw is refused at the field."""
    facts = sample("sampling_list")
    values = validate_facts(SAMPLING, facts).values
    record = DRAW.record(values)
    reordered = validate_facts(
        SAMPLING, facts | {"units": facts["units"][::-1], "officers": facts["officers"][::-1]}
    ).values
    assert DRAW.departures(reordered, record) == {}
    changed = values | {
        "percent": 25,
        "units": [*values["units"][1:], {"name": "岳阳市君山区新单位", "key_monitoring": False}],
        "officers": [
            values["officers"][0] | {"conflicts": "岳阳市君山区教育局"},
            *values["officers"][1:],
        ],
    }
    problems = DRAW.departures(changed, record)
    assert problems == {
        "percent": ["抽取比例与抽取时的20%不同，改动后须重新抽取"],
        "units": [
            "单位名录与抽取时不同（增加了岳阳市君山区新单位；删去了中共岳阳市君山区委办公室），"
            "改动后须重新抽取"
        ],
        "officers": ["执法人员库与抽取时不同（执法证号改动了43061120101），改动后须重新抽取"],
    }
    assert DRAW.departures(values | {"method": "抽查"}, record) == {
        "method": ["检查方式与抽取时的“全面检查”不同，改动后须重新抽取"]
    }
