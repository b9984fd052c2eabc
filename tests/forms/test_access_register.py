"""Tests of the 档案查阅（复制）登记单: identity numbers, purpose, records and copied pages."""

from __future__ import annotations

from typing import Any

import pytest

from forms.identity import resident_id_check_character
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import validation_errors

REGISTER = get_instrument("access_register")
# Made-up numbers of 君山区 (430611) residents whose check characters were computed per GB 11643.
VALID_ID = "430611196809170039"
VALID_ID_ENDING_IN_X = "43061119900219018X"


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(REGISTER, facts)


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule."""
    assert errors_for(sample("access_register")) == {}


@pytest.mark.parametrize(
    "field", ["visitor", "id_type", "id_number", "purpose", "copies", "visit_date", "receiver"]
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it."""
    facts = sample("access_register")
    del facts[field]
    errors = errors_for(facts)
    assert field in errors
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_check_character_of_made_up_numbers() -> None:
    """This test ensures that the GB 11643 check character is computed as the standard's weights give."""
    assert resident_id_check_character(VALID_ID[:17]) == "9"
    assert resident_id_check_character(VALID_ID_ENDING_IN_X[:17]) == "X"


def test_valid_resident_id_number() -> None:
    """This test ensures that a resident ID number with the right check digit passes, x read as X."""
    assert errors_for(sample("access_register") | {"id_number": VALID_ID}) == {}
    facts = sample("access_register") | {"id_number": VALID_ID_ENDING_IN_X.lower()}
    assert validate_facts(REGISTER, facts).values["id_number"] == VALID_ID_ENDING_IN_X


def test_wrong_check_digit_is_refused() -> None:
    """This test ensures that a resident ID number whose last digit does not check is refused."""
    facts = sample("access_register") | {"id_number": VALID_ID[:17] + "8"}
    assert errors_for(facts) == {
        "id_number": ["公民身份号码的校验码不对（按前17位应为9），请核对号码"]
    }


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("43061119680917003", "公民身份号码应为18位：前17位是数字，最后1位是数字或X"),
        ("4306111968091700A9", "公民身份号码应为18位：前17位是数字，最后1位是数字或X"),
        ("430611196802300039", "公民身份号码中的出生日期19680230不是有效日期"),
    ],
)
def test_malformed_resident_id_number(number: str, message: str) -> None:
    """This test ensures that a resident ID number of the wrong shape or an impossible birth date is refused."""
    facts = sample("access_register") | {"id_number": number}
    assert errors_for(facts) == {"id_number": [message]}


def test_other_id_types_are_free_text() -> None:
    """This test ensures that numbers of other ID types are not held to the resident ID format."""
    facts = sample("access_register") | {"id_type": "护照", "id_number": "E12345678"}
    assert errors_for(facts) == {}


def test_purpose_other_needs_details() -> None:
    """This test ensures that the purpose 其他 must be explained, and is accepted once it is."""
    facts = sample("access_register") | {"purpose": "其他"}
    del facts["purpose_details"]
    assert errors_for(facts) == {"purpose_details": ["利用目的为“其他”的，请填写利用目的说明"]}
    assert errors_for(facts | {"purpose_details": "核实祖屋产权来源"}) == {}


def test_purpose_outside_the_list_is_refused() -> None:
    """This test ensures that a purpose outside the five listed is refused."""
    assert "purpose" in errors_for(sample("access_register") | {"purpose": "随便看看"})


def test_service_item_defaults_to_archive_use_and_is_one_of_the_seeds() -> None:
    """This test ensures that the service item defaults to 档案利用服务 and must be a listed service."""
    facts = sample("access_register")
    del facts["service_item"]
    assert validate_facts(REGISTER, facts).values["service_item"] == "档案利用服务"
    assert errors_for(facts | {"service_item": "现行文件利用中心"}) == {}
    assert "service_item" in errors_for(facts | {"service_item": "档案寄存服务"})


def test_copied_pages_must_sum_to_the_copies() -> None:
    """This test ensures that the pages copied per record add up to the total copied."""
    facts = sample("access_register") | {"copies": 7}
    assert errors_for(facts) == {
        "copies": ["复制页数合计为7页，但各件档案的复制页数相加为6页，两者应当相等"]
    }


def test_no_copies_means_no_copied_pages() -> None:
    """This test ensures that a visit without copies passes, and one claiming none but listing some does not."""
    facts = sample("access_register") | {"copies": 0}
    assert "copies" in errors_for(facts)
    for row in facts["records"]:
        del row["copied_pages"]
    assert errors_for(facts) == {}


def test_copies_cannot_be_negative() -> None:
    """This test ensures that the number of copies is a whole number not below zero."""
    assert "copies" in errors_for(sample("access_register") | {"copies": -1})


def test_a_record_cannot_have_more_pages_copied_than_it_has() -> None:
    """This test ensures that the pages copied of a record do not exceed its pages."""
    facts = sample("access_register") | {"copies": 40}
    facts["records"][0]["copied_pages"] = 38
    assert errors_for(facts) == {"records": ["第1项（档号J012-1-45）复制38页，超过该档案的36页"]}


def test_at_least_one_record() -> None:
    """This test ensures that a register names at least one record consulted."""
    facts = sample("access_register") | {"records": [], "copies": 0}
    assert errors_for(facts) == {"records": ["请填写查阅的档案（至少1件）"]}


def test_record_rows_need_reference_title_and_pages() -> None:
    """This test ensures that each record row carries its 档号, title and pages."""
    facts = sample("access_register")
    del facts["records"][1]["reference"]
    errors = errors_for(facts)
    assert list(errors) == ["records"]
    assert errors["records"][0].startswith("第2项")


def test_repeated_reference_is_a_warning() -> None:
    """This test ensures that the same 档号 listed twice is pointed out without refusing the register."""
    facts = sample("access_register")
    facts["records"][2]["reference"] = "J012-1-45"
    assert validate_facts(REGISTER, facts).warnings == (
        "档号J012-1-45在查阅档案中重复登记，请核对",
    )
