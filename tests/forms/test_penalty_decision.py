"""Tests of the 行政处罚决定书's rules: its elements, the statutory fine ranges and the discretion tiers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from service.instruments.facts import Facts, InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests import pdfcheck
from tests.conftest import sample
from tests.forms.rendered import CASE_NUMBER, render_in_case

PENALTY = get_instrument("penalty_decision")
ITEM_2 = "第四十八条第二项“擅自提供、抄录、复制、公布属于国家所有的档案”"
ITEM_3 = "第四十八条第三项“买卖或者非法转让属于国家所有的档案”"
PARAGRAPH = {n: f"《中华人民共和国档案法》第四十九条第{n}款" for n in ("一", "二", "三")}
UNIT_CODE = "12430611448972158K"  # a 事业单位's 统一社会信用代码 with a valid check character
PERSON_ID = "430611198607140527"  # a 公民身份号码 with a valid check character
GROUND_1 = "第三十二条第一项“主动消除或者减轻违法行为危害后果”"


def check(facts: Mapping[str, Any], policy: Mapping[str, Any] | None = None) -> Facts:
    """Return the validated facts under the bureau's policy."""
    return validate_facts(PENALTY, facts, policy=policy)


def errors_for(
    facts: Mapping[str, Any], policy: Mapping[str, Any] | None = None
) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    try:
        check(facts, policy)
    except InvalidFacts as error:
        return error.errors
    return {}


def party(kind: str, fine: str, tier: str = "一般", **changes: Any) -> dict[str, Any]:
    """Return the sample as a case of item 二 against a party of this kind, at this fine and tier."""
    facts = sample("penalty_decision")
    del facts["mitigation_ground"]
    facts |= {"party_type": kind, "fine": fine, "tier": tier}
    if kind == "单位":
        facts |= {"party_id": UNIT_CODE, "penalty_basis": PARAGRAPH["一"]}
    elif kind == "个人":
        del facts["legal_representative"]
        facts |= {"party_name": "张建军", "party_id": PERSON_ID, "penalty_basis": PARAGRAPH["一"]}
    return facts | changes


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule."""
    assert errors_for(sample("penalty_decision")) == {}


@pytest.mark.parametrize(
    "name",
    ["party_name", "party_type", "party_id", "party_address", "facts", "evidence", "violation",
     "penalty_basis", "tier", "tier_reasons", "fine", "bank", "review_body", "court",
     "decision_date"],
)  # fmt: skip
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out a required element of 第五十九条 gives a Chinese message at it."""
    facts = sample("penalty_decision")
    del facts[name]
    errors = errors_for(facts)
    assert name in errors
    assert errors[name][0].startswith(("请填写", "请选择"))


# Fine ranges of 档案法 第四十九条, per party -------------------------------------------------

BOUNDS = [
    ("单位", "10000.00", "100000.00", "9999.99", "100000.01"),
    ("个人", "500.00", "5000.00", "499.99", "5000.01"),
    ("档案服务企业", "20000.00", "200000.00", "19999.99", "200000.01"),
]


@pytest.mark.parametrize(("kind", "low", "high", "below", "above"), BOUNDS)
def test_fine_range_of_each_party(kind: str, low: str, high: str, below: str, above: str) -> None:
    """This test ensures that each party's fine may reach its statutory bounds and not pass them."""
    assert errors_for(party(kind, low, "从轻")) == {}
    assert errors_for(party(kind, high, "从重")) == {}
    for fine, tier in ((below, "从轻"), (above, "从重")):
        errors = errors_for(party(kind, fine, tier))
        assert list(errors) == ["fine"]
        assert "罚款金额超出了这一幅度" in errors["fine"][0]


def test_range_message_names_the_paragraph() -> None:
    """This test ensures that the range message cites the paragraph and the bounds."""
    errors = errors_for(party("个人", "499.99", "从轻"))
    assert errors["fine"] == [
        "《中华人民共和国档案法》第四十九条第一款规定的罚款幅度为500.00元至5,000.00元，"
        "罚款金额超出了这一幅度"
    ]


def test_items_three_and_five_fine_a_service_firm_as_a_unit() -> None:
    """This test ensures that under 第四十九条第三款 an 档案服务企业 is fined within the unit range."""
    facts = party("档案服务企业", "100000.00", "从重", violation=ITEM_3)
    assert errors_for(facts)["penalty_basis"] == [
        f"档案服务企业有第四十八条第三项行为的，处罚依据应当是{PARAGRAPH['三']}"
    ]
    facts["penalty_basis"] = PARAGRAPH["三"]
    assert errors_for(facts) == {}
    assert "fine" in errors_for(facts | {"fine": "100000.01"})


def test_penalty_basis_must_match_party_and_item() -> None:
    """This test ensures that the paragraph cited is the one the statute gives for the party."""
    errors = errors_for(party("单位", "20000", "从轻", penalty_basis=PARAGRAPH["二"]))
    assert errors == {
        "penalty_basis": [f"单位有第四十八条第二项行为的，处罚依据应当是{PARAGRAPH['一']}"]
    }


# Discretion tiers ---------------------------------------------------------------------------

# 档案服务企业 range 20,000-200,000: 从轻 up to 74,000, 一般 74,000-146,000, 从重 from 146,000.
TIER_CASES = [
    ("从轻", ["20000", "74000"], ["74000.01"]),
    ("一般", ["74000", "146000"], ["73999.99", "146000.01"]),
    ("从重", ["146000", "200000"], ["145999.99"]),
]


@pytest.mark.parametrize(("tier", "passing", "failing"), TIER_CASES)
def test_amount_consistent_with_tier(tier: str, passing: list[str], failing: list[str]) -> None:
    """This test ensures that each tier accepts the amounts in its share of the range and no others."""
    for fine in passing:
        assert errors_for(party("档案服务企业", fine, tier)) == {}, fine
    for fine in failing:
        errors = errors_for(party("档案服务企业", fine, tier))
        assert list(errors) == ["fine"], fine
        assert errors["fine"][0].startswith(f"裁量档次为{tier}的，罚款应当在")


def test_tier_message_gives_the_amounts_and_shares() -> None:
    """This test ensures that the tier message names the allowed amounts and the shares of the range."""
    errors = errors_for(party("档案服务企业", "74000.01", "从轻"))
    assert errors["fine"] == [
        "裁量档次为从轻的，罚款应当在20,000.00元至74,000.00元之间（法定幅度的0%至30%）"
    ]


def test_mitigated_fine_goes_below_the_minimum_but_not_to_nothing() -> None:
    """This test ensures that 减轻 needs a fine under the minimum and above zero."""
    mitigated = {"mitigation_ground": GROUND_1}
    assert errors_for(party("档案服务企业", "19999.99", "减轻", **mitigated)) == {}
    assert errors_for(party("档案服务企业", "0.01", "减轻", **mitigated)) == {}
    errors = errors_for(party("档案服务企业", "20000", "减轻", **mitigated))
    assert errors["fine"][0].startswith("减轻处罚的罚款应当低于法定最低额20,000.00元")
    assert errors_for(party("档案服务企业", "0", "减轻", **mitigated)) == {
        "fine": ["罚款金额应当大于零"]
    }


def test_mitigation_needs_a_statutory_ground() -> None:
    """This test ensures that 减轻 without a ground of 行政处罚法 第三十条 or 第三十二条 is refused."""
    assert errors_for(party("档案服务企业", "15000", "减轻")) == {
        "mitigation_ground": [
            "减轻处罚应当有法定情形（《中华人民共和国行政处罚法》第三十条、第三十二条），请选择"
        ]
    }


@pytest.mark.parametrize("tier", ["一般", "从重"])
def test_a_ground_rules_out_ordinary_and_heavier(tier: str) -> None:
    """This test ensures that with a ground that requires a lighter penalty, 一般 and 从重 are refused."""
    fine = "100000" if tier == "一般" else "180000"
    facts = party("档案服务企业", fine, tier, mitigation_ground=GROUND_1)
    assert errors_for(facts) == {
        "mitigation_ground": [f"有该情形的，应当从轻或者减轻处罚，裁量档次不能是{tier}"]
    }


def test_minor_ground_only_for_individuals() -> None:
    """This test ensures that the minors' ground of 第三十条 applies to an individual only."""
    minor = {"mitigation_ground": "第三十条“已满十四周岁不满十八周岁的未成年人有违法行为”"}
    assert errors_for(party("个人", "300", "减轻", **minor)) == {}
    assert errors_for(party("单位", "5000", "减轻", **minor)) == {
        "mitigation_ground": ["未成年人的情形只适用于当事人是个人的案件"]
    }


SPLIT = {"penalty_tiers": {"从轻": [0, 0.2], "一般": [0.2, 0.6], "从重": [0.6, 1.0]}}


def test_configured_split_overrides_the_default() -> None:
    """This test ensures that the bureau's configured tiers replace the default 30/70 split."""
    # 从轻 now ends at 20% of 20,000-200,000, i.e. 56,000; the default allowed 74,000.
    assert errors_for(party("档案服务企业", "60000", "从轻")) == {}
    assert errors_for(party("档案服务企业", "56000", "从轻"), SPLIT) == {}
    assert errors_for(party("档案服务企业", "60000", "从轻"), SPLIT) == {
        "fine": ["裁量档次为从轻的，罚款应当在20,000.00元至56,000.00元之间（法定幅度的0%至20%）"]
    }
    assert errors_for(party("档案服务企业", "60000", "一般"), SPLIT) == {}
    assert "fine" in errors_for(party("档案服务企业", "60000", "一般"))


def test_partly_configured_split_keeps_the_default_for_the_rest() -> None:
    """This test ensures that tiers the bureau did not configure keep their default share."""
    policy = {"penalty_tiers": {"从重": [0.8, 1]}}
    assert "fine" in errors_for(party("档案服务企业", "160000", "从重"), policy)
    assert errors_for(party("档案服务企业", "74000", "从轻"), policy) == {}


@pytest.mark.parametrize(
    "tiers",
    [{"从宽": [0, 0.3]}, {"从轻": [0.3, 0.1]}, {"从轻": "0-0.3"}, {"从轻": [0, 2]}, [0.3, 0.7]],
)
def test_malformed_configuration_is_reported(tiers: Any) -> None:
    """This test ensures that a malformed configured split is reported, not silently ignored."""
    errors = errors_for(party("档案服务企业", "30000", "从轻"), {"penalty_tiers": tiers})
    assert errors["fine"][0].startswith("本局配置的裁量基准有误：penalty_tiers")


# Party ------------------------------------------------------------------------------------


def test_credit_code_check_character() -> None:
    """This test ensures that a unit's credit code is checked by its GB 32100 check character."""
    facts = sample("penalty_decision") | {"party_id": "91430611MA4PBN3K2Y"}
    assert errors_for(facts) == {"party_id": ["统一社会信用代码的校验位不对，请核对是否抄错"]}
    facts["party_id"] = "91430611MA4PBN3K2"
    assert "18位" in errors_for(facts)["party_id"][0]


def test_id_number_for_an_individual() -> None:
    """This test ensures that an individual gives a 公民身份号码 with a real birth date and check digit."""
    assert errors_for(party("个人", "1000", "从轻")) == {}
    assert errors_for(party("个人", "1000", "从轻", party_id="430611198607140528")) == {
        "party_id": ["公民身份号码的校验码不对（按前17位应为7），请核对号码"]
    }
    assert errors_for(party("个人", "1000", "从轻", party_id="430611198602300527")) == {
        "party_id": ["公民身份号码中的出生日期19860230不是有效日期"]
    }
    assert "party_id" in errors_for(party("个人", "1000", "从轻", party_id=UNIT_CODE))


def test_individual_has_no_legal_representative() -> None:
    """This test ensures that a 法定代表人 is refused for an individual."""
    facts = party("个人", "1000", "从轻", legal_representative="张建军")
    assert errors_for(facts) == {
        "legal_representative": ["当事人是个人的，不填写法定代表人（负责人）"]
    }


# Officers and confiscation -----------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1])
def test_at_least_two_officers(count: int) -> None:
    """This test ensures that fewer than two enforcement officers are refused (第四十二条)."""
    facts = sample("penalty_decision")
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_officers_have_their_own_certificates() -> None:
    """This test ensures that two officers cannot share one certificate number."""
    facts = sample("penalty_decision")
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名执法人员应当持有各自的执法证件"]
    }


def test_illegal_gains_only_under_the_third_paragraph() -> None:
    """This test ensures that illegal gains are confiscated only under 第四十九条第三款, and warned of there."""
    assert errors_for(sample("penalty_decision") | {"illegal_gains": "3000"}) == {
        "illegal_gains": [f"{PARAGRAPH['二']}没有规定没收违法所得"]
    }
    third = party("单位", "50000", violation=ITEM_3, penalty_basis=PARAGRAPH["三"])
    assert check(third | {"illegal_gains": "3000"}).warnings == ()
    assert check(third).warnings == (
        f"{PARAGRAPH['三']}规定没收违法所得；当事人没有违法所得的，请在违法事实中写明",
    )
    assert "illegal_gains" in errors_for(third | {"illegal_gains": "0"})


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_amount_in_words_is_printed(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that the decision prints the fine in figures and in 大写, its case and a written waiver."""
    facts = party("单位", "15000", "从轻") | {
        "party_name": "岳阳市君山区广兴洲镇中心学校",
        "waiver_date": "2026-04-10",
    }
    text = pdfcheck.poppler_text(render_in_case("penalty_decision", facts, converter, tmp_path))
    assert "罚款15,000.00元（人民币壹万伍仟元整）" in text
    assert "统一社会信用代码：" + UNIT_CODE in text
    assert "在利用档案馆的档案时" in text
    assert f"当事人涉嫌档案违法一案（案号：{CASE_NUMBER}）" in text
    assert "当事人已于2026年4月10日书面明确放弃陈述、申辩和要求听证的权利" in text


# Remedies: the 复议机关 and the court -----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["岳阳市档案局", "湖南省档案局", "岳阳市人民政府", "君山区人民政府", "岳阳市君山区司法局"],
)
def test_review_body_is_the_district_government(body: str) -> None:
    """This test ensures that only the bureau's own district government is accepted as 复议机关."""
    errors = errors_for(sample("penalty_decision") | {"review_body": body})
    assert list(errors) == ["review_body"]
    assert errors["review_body"][0].startswith("行政复议机关应当是岳阳市君山区人民政府：")
    assert "《中华人民共和国行政复议法》第二十四条第一款第一项" in errors["review_body"][0]


def test_configured_review_body_replaces_the_shipped_one() -> None:
    """This test ensures that a bureau's policy review_body is the one required, without the configuration hint."""
    policy = {"review_body": "华容县人民政府"}
    facts = sample("penalty_decision")
    errors = errors_for(facts, policy)
    assert errors["review_body"][0].startswith("行政复议机关应当是华容县人民政府：")
    assert "review_body" not in errors["review_body"][0]
    assert errors_for(facts | {"review_body": "华容县人民政府"}, policy) == {}


@pytest.mark.parametrize("configured", ["岳阳市档案局", 42, ""])
def test_malformed_review_body_policy_is_reported(configured: Any) -> None:
    """This test ensures that a configured 复议机关 that is no people's government is reported as the bureau's error."""
    errors = errors_for(sample("penalty_decision"), {"review_body": configured})
    assert errors == {
        "review_body": [
            "本局配置的行政复议机关有误：review_body 应当是本级人民政府的全称，"
            "如岳阳市君山区人民政府，请联系系统管理员"
        ]
    }


@pytest.mark.parametrize(
    "court", ["岳阳市君山区人民法院", "华容县人民法院", "汨罗市人民法院", "长沙铁路运输法院"]
)
def test_basic_courts_are_accepted(court: str) -> None:
    """This test ensures that a district, county, county-level city or railway transport court is accepted."""
    assert errors_for(sample("penalty_decision") | {"court": court}) == {}


@pytest.mark.parametrize(
    ("court", "start"),
    [
        ("岳阳市中级人民法院", "“岳阳市中级人民法院”不是基层人民法院："),
        ("湖南省高级人民法院", "“湖南省高级人民法院”不是基层人民法院："),
        ("最高人民法院", "“最高人民法院”不是基层人民法院："),
        ("君山区法院", "“君山区法院”不是基层人民法院的全称："),
        ("君山区人民法院钱粮湖人民法庭", "“君山区人民法院钱粮湖人民法庭”不是基层人民法院的全称："),
        ("岳阳市君山区司法局", "“岳阳市君山区司法局”不是人民法院："),
    ],
)
def test_other_courts_and_bodies_are_refused(court: str, start: str) -> None:
    """This test ensures that a higher court, a court's short name or tribunal, or no court at all is refused, citing the law."""
    errors = errors_for(sample("penalty_decision") | {"court": court})
    assert list(errors) == ["court"]
    assert errors["court"][0].startswith(start)
    assert "《中华人民共和国行政诉讼法》第十四条" in errors["court"][0]


def test_district_government_from_a_bureau_name() -> None:
    """This test ensures that the 复议机关 derived from a bureau's name is its district's or county's government."""
    from forms.remedies import SHIPPED_REVIEW_BODY, district_government

    assert SHIPPED_REVIEW_BODY == "岳阳市君山区人民政府"
    assert district_government("华容县档案局") == "华容县人民政府"
    assert district_government("城步苗族自治县档案局") == "城步苗族自治县人民政府"
    assert district_government("岳阳市档案局") is None


# Waiver ----------------------------------------------------------------------------------


def test_waiver_date_is_optional_and_not_after_the_decision() -> None:
    """This test ensures that a written waiver may be recorded, on or before the decision's date only."""
    facts = sample("penalty_decision")
    assert check(facts).values["waiver_date"] is None
    assert errors_for(facts | {"waiver_date": "2026-04-16"}) == {}
    assert errors_for(facts | {"waiver_date": "2026-04-17"}) == {
        "waiver_date": [
            "放弃陈述、申辩和听证的日期（2026-04-17）不能晚于作出决定的日期（2026-04-16）"
        ]
    }
