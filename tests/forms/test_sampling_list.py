"""Tests of the 双随机抽查名单: its reproducible draw, the methods' ratios, conflicts and officers."""

from __future__ import annotations

from typing import Any

import pytest

from forms.sampling_list import conflicts_of, draw_context, draw_count
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import validation_errors

SAMPLING = get_instrument("sampling_list")


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(SAMPLING, facts)


def drawn(facts: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Return the drawn list for valid facts: (unit, officers) in list order."""
    values = validate_facts(SAMPLING, facts).values
    return [(row["unit"], row["officers"]) for row in draw_context(values, None)["drawn"]]


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


@pytest.mark.parametrize("field", ["addressee", "method", "seed", "issue_date"])
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it."""
    facts = sample("sampling_list")
    del facts[field]
    errors = errors_for(facts)
    assert field in errors
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_same_seed_and_register_give_the_same_list() -> None:
    """This test ensures that the draw is repeatable, whatever order the rows were typed in."""
    facts = sample("sampling_list")
    shuffled = facts | {"units": facts["units"][::-1], "officers": facts["officers"][::-1]}
    assert drawn(facts) == drawn(facts) == drawn(shuffled)


def test_different_seed_gives_a_different_list() -> None:
    """This test ensures that another seed, over a register of 30 units, draws another list."""
    facts = sample("sampling_list")
    assert drawn(facts) != drawn(facts | {"seed": "20260311"})


def test_a_numeric_seed_is_the_same_as_its_text() -> None:
    """This test ensures that a seed given as a number draws as the same digits given as text."""
    facts = sample("sampling_list")
    assert drawn(facts | {"seed": 20260310}) == drawn(facts | {"seed": "20260310"})


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
    for seed in range(200):
        for unit, pair in drawn(facts | {"seed": str(seed)}):
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


def test_too_few_officers_free_of_conflict_is_an_error_on_the_officers() -> None:
    """This test ensures that a drawn unit with fewer than two unconflicted officers is refused."""
    units = register(3)
    every_unit = "、".join(unit["name"] for unit in units)
    facts = sample("sampling_list") | {
        "units": units,
        "officers": officers(3, {0: every_unit, 1: every_unit}),
        "method": "现场检查",
        "percent": 10,
    }
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "只有1名无利害关系的执法人员" in errors["officers"][0]


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
    context = draw_context(validate_facts(SAMPLING, facts).values, None)
    assert len(context["drawn"]) == context["draw_count"] == 4
    assert "31×10%=3.1，向上取整" in context["method_text"]


def test_key_monitoring_draws_only_flagged_units() -> None:
    """This test ensures that 重点监控 draws from the units flagged 重点监控 and nowhere else."""
    units = register(40, flagged=3)
    flagged = {unit["name"] for unit in units if unit["key_monitoring"]}
    facts = sample("sampling_list") | {"units": units, "method": "重点监控", "percent": 5}
    for seed in range(30):
        result = drawn(facts | {"seed": str(seed)})
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


def test_method_text_states_seed_algorithm_size_ratio_and_count() -> None:
    """This test ensures that the printed method names everything needed to repeat the draw."""
    context = draw_context(validate_facts(SAMPLING, sample("sampling_list")).values, None)
    text = context["method_text"]
    for part in ('random.Random("20260310")', "random.sample", "30家单位", "20%", "抽取6家",
                 "按姓名、执法证号的Unicode码位顺序排列", "抽取2名"):  # fmt: skip
        assert part in text
    assert context["ratio"] == "20%"
    assert context["register_size"] == 30
    assert [row["index"] for row in context["register_rows"]] == list(range(1, 31))
