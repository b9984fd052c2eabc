"""Tests of the 法制审核意见书's rules: 行政处罚法 第五十八条, every item checked, a failed review not 同意."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forms.legal_review import CONCLUSIONS, GROUNDS, ITEMS
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.record_columns import columns
from tests.forms.rendered import CASE_NUMBER, render_in_case

REVIEW = get_instrument("legal_review")
PROBLEM = "询问笔录未记录执法人员出示执法证件的情况"


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(REVIEW, facts)


def story() -> dict[str, Any]:
    """Return the sample: the review of 2026-04-08, 同意."""
    return sample("legal_review")


def failing(item: str, **changes: Any) -> dict[str, Any]:
    """Return the story's review with one item found wanting, and other changes."""
    facts = story() | changes
    facts["checked"] = [
        row | {"result": "否", "note": PROBLEM} if row["item"] == item else row
        for row in facts["checked"]
    ]
    return facts


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule."""
    assert errors_for(story()) == {}


@pytest.mark.parametrize(
    "field",
    [
        "cause",
        "party_name",
        "submitted_on",
        "review_date",
        "reviewer",
        "grounds",
        "proposal",
        "conclusion",
    ],
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it."""
    facts = story()
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_the_certificate_is_optional() -> None:
    """This test ensures that a reviewer without a 法律职业资格 certificate number may still sign."""
    assert errors_for(story() | {"reviewer_certificate": ""}) == {}


@pytest.mark.parametrize("ground", GROUNDS)
def test_each_ground_of_article_58_is_accepted(ground: str) -> None:
    """This test ensures that each of the four cases of 第五十八条第一款 may be named."""
    assert errors_for(story() | {"grounds": ground}) == {}


def test_a_ground_outside_article_58_is_refused() -> None:
    """This test ensures that a case 第五十八条 does not list is refused."""
    assert list(errors_for(story() | {"grounds": "负责人认为需要审核的"})) == ["grounds"]


def test_the_review_follows_the_submission() -> None:
    """This test ensures that a review dated before the submission is refused, the same day accepted."""
    assert errors_for(story() | {"review_date": "2026-04-02"}) == {
        "review_date": ["审核日期不能早于送审日期"]
    }
    assert errors_for(story() | {"review_date": "2026-04-03"}) == {}


def test_every_item_is_reviewed() -> None:
    """This test ensures that a review leaving out items names each missing one."""
    facts = story()
    facts["checked"] = facts["checked"][:4]
    assert errors_for(facts) == {
        "checked": ["请逐项审核并填写：程序是否合法、处罚是否适当（共6项，每项填写“是”或者“否”）"]
    }


def test_an_item_is_reviewed_once() -> None:
    """This test ensures that one item given twice is refused."""
    facts = story()
    facts["checked"][1]["item"] = ITEMS[0]
    assert errors_for(facts) == {"checked": ["审核事项“执法主体是否合法”填写了不止一次"]}


def test_an_item_outside_the_list_is_refused() -> None:
    """This test ensures that an item the review does not know is refused at its row."""
    facts = story()
    facts["checked"][0]["item"] = "文书是否规范"
    assert list(errors_for(facts)) == ["checked"]


def test_an_item_found_wanting_says_why() -> None:
    """This test ensures that a 否 without the problem found is refused."""
    facts = failing(ITEMS[2], conclusion="建议补充调查", opinion="请补充调查。")
    facts["checked"][2]["note"] = ""
    assert errors_for(facts) == {"checked": ["审核事项“证据是否确凿”为“否”的，请写明存在的问题"]}


@pytest.mark.parametrize("item", ITEMS)
def test_a_failed_item_rules_out_agreement(item: str) -> None:
    """This test ensures that any item found wanting forbids the conclusion 同意 (第五十八条)."""
    errors = errors_for(failing(item))
    assert list(errors) == ["conclusion"]
    assert errors["conclusion"][0].startswith(f"审核事项“{item}”为“否”，审核结论不能是同意")
    assert "第五十八条" in errors["conclusion"][0]


@pytest.mark.parametrize("conclusion", CONCLUSIONS[1:])
def test_a_review_not_passed_gives_its_opinion(conclusion: str) -> None:
    """This test ensures that every conclusion but 同意 needs the written opinion."""
    facts = failing(ITEMS[1], conclusion=conclusion, opinion=None)
    assert errors_for(facts) == {"opinion": ["审核未通过的，请写明审核意见：存在的问题和处理建议"]}
    assert errors_for(facts | {"opinion": "建议补充询问当事人法定代表人。"}) == {}


def test_an_agreement_needs_no_opinion() -> None:
    """This test ensures that 同意 may be given without a written opinion."""
    assert errors_for(story() | {"opinion": None}) == {}


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_the_review_prints_each_item_and_its_conclusion(
    converter: Converter, tmp_path: Path
) -> None:
    """This test ensures that the review prints its case, the ground, every item, the conclusion ticked
    and the opinion, and leaves the reviewer's signature blank for the hand."""
    labels, values = columns(render_in_case("legal_review", story(), converter, tmp_path))
    assert f"{CASE_NUMBER}岳阳君信档案数字化服务有限公司擅自提供属于国家所有的档案案" in values
    assert "2026年4月3日审核日期2026年4月8日周敏资格证书编号A20154306110287" in values
    assert "《中华人民共和国行政处罚法》第五十八条第一款第二项" in values
    for number, item in enumerate(ITEMS, start=1):
        assert f"{number}．{item}：是" in values
    assert "程序是否合法：是。已于2026年3月11日送达" in values
    assert "☑同意☐建议补充调查☐建议修改处罚内容☐不同意" in values
    assert values.endswith("同意承办人的处理意见，可以提请负责人集体讨论决定。")
    assert labels.endswith("审核结论审核意见法制审核人员签名")


@pytest.mark.office
def test_a_review_not_passed_ticks_its_conclusion(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a failed item prints its problem and the conclusion reached is the one ticked."""
    facts = failing(ITEMS[2], conclusion="建议补充调查", opinion="建议补充询问当事人法定代表人。")
    _labels, values = columns(render_in_case("legal_review", facts, converter, tmp_path))
    assert f"3．证据是否确凿：否。{PROBLEM}" in values
    assert "☐同意☑建议补充调查☐建议修改处罚内容☐不同意" in values
