"""Tests of the 行政处罚事先告知书: the decision's statutory rules, the hearing right, the periods it gives."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from forms.penalty_decision import PolicyProblem
from forms.penalty_notice import PenaltyNoticeForm, hearing_right, hearing_thresholds
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.rendered import CASE_NUMBER, render_in_case

NOTICE = get_instrument("penalty_notice")
PARAGRAPH_1 = "《中华人民共和国档案法》第四十九条第一款"
UNIT_CODE = "12430611448972158K"  # a 事业单位's 统一社会信用代码 with a valid check character
PERSON_ID = "430611198607140527"  # a 公民身份号码 with a valid check character
HEARING_MESSAGE = (
    "拟罚款或者没收违法所得达到本局较大数额的标准（{whom}{amount}以上），应当告知当事人有要求"
    "听证的权利（《中华人民共和国行政处罚法》第六十三条第一款第一项、第二项），请勾选"
)


def check(facts: Mapping[str, Any], policy: Mapping[str, Any] | None = None) -> Facts:
    """Return the validated facts under the bureau's policy."""
    return validate_facts(NOTICE, facts, policy=policy)


def errors_for(
    facts: Mapping[str, Any], policy: Mapping[str, Any] | None = None
) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(NOTICE, facts, policy=policy)


def unit(fine: str, **changes: Any) -> dict[str, Any]:
    """Return the sample as a 单位 using an 档案馆's archives, 从轻, at this intended fine."""
    facts = sample("penalty_notice")
    del facts["mitigation_ground"]
    facts |= {"party_type": "单位", "party_id": UNIT_CODE, "penalty_basis": PARAGRAPH_1}
    return facts | {"fine": fine, "hearing_offered": False} | changes


def person(fine: str, **changes: Any) -> dict[str, Any]:
    """Return the sample as an individual using an 档案馆's archives, 从轻, at this intended fine."""
    facts = unit(fine, **changes)
    del facts["legal_representative"]
    return facts | {"party_type": "个人", "party_name": "张建军", "party_id": PERSON_ID} | changes


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule, its party told of a hearing."""
    facts = check(sample("penalty_notice"))
    assert facts.values["hearing_offered"] is True
    assert facts.values["statement_days"] == 3


@pytest.mark.parametrize(
    "name",
    ["party_name", "party_type", "party_id", "party_address", "facts", "evidence", "violation",
     "penalty_basis", "tier", "tier_reasons", "fine", "statement_days", "notice_date",
     "contact", "phone"],
)  # fmt: skip
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out an element the notice needs gives a Chinese message at it."""
    facts = sample("penalty_notice")
    del facts[name]
    errors = errors_for(facts)
    assert name in errors
    assert errors[name][0].startswith(("请填写", "请选择"))


# The decision's statutory rules ---------------------------------------------------------

SAME_AS_DECISION = [
    {"fine": "19999.99"},  # under the 档案服务企业's range of 第四十九条第二款
    {"fine": "80000"},  # above the 从轻 share of the range
    {"penalty_basis": PARAGRAPH_1},  # not the paragraph for an 档案服务企业
    {"tier": "减轻", "fine": "15000", "mitigation_ground": ""},  # 减轻 with no ground
    {"tier": "一般", "fine": "100000"},  # a ground that requires a lighter penalty
    {"illegal_gains": "3000"},  # no confiscation under 第二款
    {"party_id": "91430611MA4PBN3K2Y"},  # a wrong check character
    {"party_type": "个人"},  # an individual with a 法定代表人 and a credit code
]


@pytest.mark.parametrize("change", SAME_AS_DECISION)
def test_statutory_rules_are_the_decisions(change: dict[str, Any]) -> None:
    """This test ensures that the notice refuses what the decision refuses, with the same messages."""
    decision = sample("penalty_decision") | change
    notice = sample("penalty_notice") | change
    expected = errors_for_decision(decision)
    assert expected
    assert {name: messages for name, messages in errors_for(notice).items()} == expected


def errors_for_decision(facts: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return the penalty decision's validation errors for facts."""
    return validation_errors(get_instrument("penalty_decision"), facts)


def test_configured_tiers_apply_to_the_notice() -> None:
    """This test ensures that the bureau's discretion tiers bound the intended fine as they bound the decision."""
    policy = {"penalty_tiers": {"从轻": [0, 0.1]}}  # 从轻 up to 38,000 for an 档案服务企业
    assert errors_for(sample("penalty_notice"), policy) == {
        "fine": ["裁量档次为从轻的，罚款应当在20,000.00元至38,000.00元之间（法定幅度的0%至10%）"]
    }


# The hearing right: 较大数额 (第六十三条) ----------------------------------------------------


@pytest.mark.parametrize(
    ("party_type", "fine", "gains", "right"),
    [
        ("个人", "999.99", None, False),
        ("个人", "1000", None, True),
        ("单位", "19999.99", None, False),
        ("单位", "20000", None, True),
        ("档案服务企业", "19999.99", None, False),
        ("档案服务企业", "20000", None, True),
        ("单位", "10000", "20000", True),
        ("个人", "500", "999.99", False),
        ("单位", None, None, False),
    ],
)
def test_hearing_right_from_the_default_thresholds(
    party_type: str, fine: str | None, gains: str | None, right: bool
) -> None:
    """This test ensures that a fine or a confiscation reaching 1,000 (个人) or 20,000 (单位) gives a hearing right."""
    amount = Decimal(fine) if fine else None
    confiscated = Decimal(gains) if gains else None
    assert hearing_right(party_type, amount, confiscated, {}) is right


def test_configured_thresholds_replace_the_defaults_one_by_one() -> None:
    """This test ensures that the bureau's thresholds replace the defaults, the rest kept."""
    policy = {"hearing_threshold": {"单位": 50000}}
    assert hearing_thresholds(policy) == {"个人": Decimal(1000), "单位": Decimal(50000)}
    assert not hearing_right("档案服务企业", Decimal(45000), None, policy)
    assert hearing_right("单位", Decimal(50000), None, policy)
    assert hearing_right("个人", Decimal(1000), None, policy)


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ([1000, 20000], "hearing_threshold 应当是以“个人”“单位”为键的表"),
        ({"档案服务企业": 30000}, "hearing_threshold 中的“档案服务企业”不是个人或者单位（档案服务企业按单位计）"),
        ({"单位": 0}, "hearing_threshold 中“单位”应当是大于零的金额（元）"),
        ({"单位": -5}, "hearing_threshold 中“单位”应当是大于零的金额（元）"),
        ({"个人": "一千"}, "hearing_threshold 中“个人”应当是大于零的金额（元）"),
        ({"个人": True}, "hearing_threshold 中“个人”应当是大于零的金额（元）"),
        ({"个人": "Infinity"}, "hearing_threshold 中“个人”应当是大于零的金额（元）"),
    ],
)  # fmt: skip
def test_malformed_thresholds_are_refused(configured: Any, message: str) -> None:
    """This test ensures that a threshold configuration that cannot be used is refused, saying why."""
    with pytest.raises(PolicyProblem, match=message):
        hearing_right("单位", Decimal(20000), None, {"hearing_threshold": configured})


def test_a_party_with_a_hearing_right_must_be_told_of_it() -> None:
    """This test ensures that a notice of a fine of 较大数额 is refused unless it offers a hearing."""
    facts = sample("penalty_notice") | {"hearing_offered": False}
    assert errors_for(facts) == {
        "hearing_offered": [HEARING_MESSAGE.format(whom="单位", amount="20,000.00元")]
    }
    assert errors_for(person("1000")) == {
        "hearing_offered": [HEARING_MESSAGE.format(whom="个人", amount="1,000.00元")]
    }
    assert errors_for(person("999.99")) == {}


def test_a_hearing_may_be_offered_when_not_owed() -> None:
    """This test ensures that the bureau may offer a hearing below the threshold (第六十三条第一款第五项)."""
    assert errors_for(unit("15000", hearing_offered=True)) == {}
    assert errors_for(unit("15000")) == {}


def test_the_bureaus_threshold_decides_the_hearing_right() -> None:
    """This test ensures that the threshold the bureau configures is the one the notice is checked against."""
    facts = sample("penalty_notice") | {"hearing_offered": False}
    assert errors_for(facts, {"hearing_threshold": {"单位": 50000}}) == {}


def test_a_malformed_threshold_is_the_bureaus_error() -> None:
    """This test ensures that an unusable threshold configuration is reported at the fine, to the administrator."""
    errors = errors_for(sample("penalty_notice"), {"hearing_threshold": {"单位": "二万"}})
    assert errors == {
        "fine": [
            "本局配置的听证标准有误：hearing_threshold 中“单位”应当是大于零的金额（元），"
            "请联系系统管理员"
        ]
    }


# Periods and the contact ----------------------------------------------------------------


@pytest.mark.parametrize(("days", "valid"), [(2, False), (3, True), (15, True), (16, False)])
def test_statement_period_is_three_to_fifteen_working_days(days: int, valid: bool) -> None:
    """This test ensures that the 陈述、申辩 period is a whole number of working days from 3 to 15."""
    errors = errors_for(sample("penalty_notice") | {"statement_days": days})
    assert errors == (
        {} if valid else {"statement_days": ["陈述、申辩期限（工作日）应当是3到15之间的整数"]}
    )


def test_statement_period_suggests_three_days() -> None:
    """This test ensures that an empty form suggests three working days, the usual period."""
    assert PenaltyNoticeForm().statement_days.data == 3


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("0730-3108265", "0730-3108265"),
        ("07303108265", "07303108265"),
        ("0730-3108265转8001", "0730-3108265转8001"),
        ("13807301234", "13807301234"),
        ("０７３０－３１０８２６５", "0730-3108265"),
    ],
)
def test_phone_numbers_accepted(given: str, kept: str) -> None:
    """This test ensures that a fixed line with its area code or a mobile number is kept, full-width digits made ASCII."""
    assert check(sample("penalty_notice") | {"phone": given}).values["phone"] == kept


@pytest.mark.parametrize("given", ["3108265", "0730-31082", "1380730123", "电话0730-3108265"])
def test_phone_numbers_refused(given: str) -> None:
    """This test ensures that a number without its area code, or not a number, is refused."""
    assert errors_for(sample("penalty_notice") | {"phone": given}) == {
        "phone": [
            "联系电话应当是带区号的固定电话（如0730-3351234，分机号写在“转”之后）或者11位手机号码"
        ]
    }


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_notice_states_the_penalty_and_the_rights(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that the notice prints the case, the intended fine in 大写, both periods and the consequence."""
    text = pdfcheck.poppler_text(
        render_in_case("penalty_notice", sample("penalty_notice"), converter, tmp_path)
    )
    assert f"你单位涉嫌档案违法一案（案号：{CASE_NUMBER}）" in text
    assert "罚款45,000.00元（人民币肆万伍仟元整）" in text
    assert "你单位可以自收到本告知书之日起3个工作日内向本局提出陈述和申辩" in text
    assert "应当自收到本告知书之日起五个工作日内向本局提出" in text
    assert "你单位逾期未提出陈述、申辩，也未要求听证的，视为放弃上述权利" in text
    assert "本局联系人：李卫东，联系电话：0730-3108265。" in text


@pytest.mark.office
def test_no_hearing_paragraph_without_a_hearing_right(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a notice to an individual below the threshold speaks to 你 and offers no hearing."""
    facts = person("800", statement_days=5)
    text = pdfcheck.poppler_text(render_in_case("penalty_notice", facts, converter, tmp_path))
    assert "你可以自收到本告知书之日起5个工作日内向本局提出陈述和申辩" in text
    assert "要求听证" not in text
    assert "你逾期未提出陈述、申辩的，视为放弃陈述、申辩的权利" in text
    assert "你单位可以" not in text and "你单位逾期" not in text
    assert "罚款800.00元（人民币捌佰元整）" in text
