"""Tests of the 巡查、回访记录's rules: kind, methods, two certified officers, signature or refusal."""

from __future__ import annotations

from typing import Any

import pytest

from service.instruments.facts import Facts, InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample

RECORD = get_instrument("inspection_record")
NO_METHOD = {
    "method_report": False,
    "method_records": False,
    "method_site": False,
    "method_assessment": False,
}
REFUSAL = "被检查单位负责人王振华拒绝签字，执法人员李建平、周晓燕在场见证。"


def check(facts: dict[str, Any]) -> Facts:
    """Return the validated facts."""
    return validate_facts(RECORD, facts)


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    try:
        check(facts)
    except InvalidFacts as error:
        return error.errors
    return {}


def officer(name: str, certificate: str) -> dict[str, str]:
    """Return one officer row."""
    return {"name": name, "certificate": certificate}


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule, without warnings."""
    facts = check(sample("inspection_record"))
    assert facts.warnings == ()
    assert [row["name"] for row in facts.values["officers"]] == ["李建平", "周晓燕"]


@pytest.mark.parametrize(
    "field",
    ["unit", "inspection_date", "inspection_kind", "checked_items", "problems", "handling"],
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any required element gives a Chinese message at it."""
    facts = sample("inspection_record")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择"))


@pytest.mark.parametrize("kind", ["定期巡查", "不定期巡查", "回访"])
def test_each_kind_of_inspection_is_accepted(kind: str) -> None:
    """This test ensures that the seed's three kinds of 日常检查 are accepted."""
    assert errors_for(sample("inspection_record") | {"inspection_kind": kind}) == {}


def test_kind_outside_the_seed_is_refused() -> None:
    """This test ensures that a kind other than 定期巡查、不定期巡查、回访 is refused."""
    assert "inspection_kind" in errors_for(
        sample("inspection_record") | {"inspection_kind": "专项检查"}
    )


def test_no_method_is_refused() -> None:
    """This test ensures that a record naming no method of inspection is refused at the methods."""
    errors = errors_for(sample("inspection_record") | NO_METHOD)
    assert errors == {
        "method_report": ["请至少选择一种检查方式（听取汇报、查阅资料、核查现场、安全测评）"]
    }


@pytest.mark.parametrize("method", list(NO_METHOD))
def test_any_one_method_is_enough(method: str) -> None:
    """This test ensures that each of the four methods alone satisfies the rule."""
    assert errors_for(sample("inspection_record") | NO_METHOD | {method: True}) == {}


def test_one_officer_is_refused() -> None:
    """This test ensures that an inspection by a single officer is refused."""
    facts = sample("inspection_record")
    facts["officers"] = facts["officers"][:1]
    assert errors_for(facts) == {"officers": ["至少需要2名执法人员"]}


def test_missing_officers_are_refused() -> None:
    """This test ensures that a record without officers asks for at least two."""
    facts = sample("inspection_record")
    del facts["officers"]
    assert errors_for(facts) == {"officers": ["至少需要2名执法人员"]}


def test_three_officers_are_accepted() -> None:
    """This test ensures that more than two officers are accepted and kept in order."""
    facts = sample("inspection_record")
    facts["officers"].append(officer("陈立新", "43061120220052"))
    assert [row["name"] for row in check(facts).values["officers"]][-1] == "陈立新"


def test_officer_without_certificate_is_refused() -> None:
    """This test ensures that every officer must have a certificate number."""
    facts = sample("inspection_record")
    facts["officers"][1] = officer("周晓燕", "")
    assert errors_for(facts) == {"officers": ["第2项：请填写执法证号"]}


def test_the_same_certificate_twice_is_refused() -> None:
    """This test ensures that one certificate holder entered twice does not count as two officers."""
    facts = sample("inspection_record")
    facts["officers"][1] = officer("李建平", "43061120190031")
    assert errors_for(facts) == {
        "officers": ["执法证号43061120190031重复：每名执法人员应当持有各自的执法证件"]
    }


def test_recorded_refusal_replaces_the_signature() -> None:
    """This test ensures that a record without the head's signature is accepted with a recorded refusal."""
    facts = sample("inspection_record") | {"head_name": None, "refusal_note": REFUSAL}
    assert check(facts).values["refusal_note"] == REFUSAL


@pytest.mark.parametrize("head_name", [None, "", "   "])
def test_neither_signature_nor_refusal_is_refused(head_name: str | None) -> None:
    """This test ensures that a record with neither the head's signature nor a refusal is refused."""
    facts = sample("inspection_record") | {"head_name": head_name}
    assert errors_for(facts) == {
        "head_name": [
            "请填写签字确认的被检查单位负责人姓名；负责人拒绝签字的，请记录拒绝签字的情况"
        ]
    }


def test_signature_and_refusal_together_are_refused() -> None:
    """This test ensures that a record cannot both carry the head's signature and record a refusal."""
    facts = sample("inspection_record") | {"refusal_note": REFUSAL}
    assert errors_for(facts) == {
        "refusal_note": ["被检查单位负责人已签字确认的，不应再记录拒绝签字的情况"]
    }
