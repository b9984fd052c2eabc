"""Tests of the 集体讨论记录's rules: 行政处罚法 第五十七条, three heads or more, each heard, the decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forms.collective_discussion import CONCLUSIONS
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.record_columns import columns
from tests.forms.rendered import CASE_NUMBER, render_in_case

DISCUSSION = get_instrument("collective_discussion")
NO_PENALTY = "不予行政处罚（违法行为轻微）"


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(DISCUSSION, facts)


def story() -> dict[str, Any]:
    """Return the sample: the discussion of 2026-04-13, 给予行政处罚, a fine of 45000 yuan."""
    return sample("collective_discussion")


def without_penalty(conclusion: str = NO_PENALTY) -> dict[str, Any]:
    """Return the story's discussion concluding otherwise, with neither decision nor fine."""
    return story() | {"conclusion": conclusion, "decision_summary": None, "fine": None}


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule, without a warning."""
    assert validate_facts(DISCUSSION, story()).warnings == ()


@pytest.mark.parametrize(
    "field",
    [
        "cause",
        "party_name",
        "meeting_date",
        "start_time",
        "place",
        "recorder",
        "report",
        "conclusion",
        "decision_summary",
    ],
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it, and only there."""
    facts = story() | {"fine": None}
    facts["decision_summary"] = "依法给予警告。"  # a penalty without a fine, so no fine is missed
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择", "请写明"))


def test_the_end_time_is_optional_but_after_the_start() -> None:
    """This test ensures that the end time may be left out, and if given is after the start."""
    assert errors_for(story() | {"end_time": None}) == {}
    assert errors_for(story() | {"end_time": "14:30"}) == {
        "end_time": ["结束时间14:30应当晚于开始时间15:00"]
    }


def test_three_heads_at_least() -> None:
    """This test ensures that two heads are no collective discussion (第五十七条第二款)."""
    facts = story()
    facts["attendees"] = facts["attendees"][:2]
    facts["discussion"] = [row for row in facts["discussion"] if "吴芳" not in row["speaker"]]
    errors = errors_for(facts)
    assert list(errors) == ["attendees"]
    assert errors["attendees"][0].endswith("第五十七条第二款）：参加讨论的负责人应当不少于3人")


def test_a_head_is_listed_once() -> None:
    """This test ensures that the same head twice does not make a third, and is said once, at the heads."""
    facts = story()
    facts["attendees"][2] = {"name": "何晓东", "position": "副局长"}
    assert errors_for(facts) == {"attendees": ["何晓东填写了不止一次"]}


def test_the_chair_is_one_of_the_heads() -> None:
    """This test ensures that a chair who is not among the heads who discussed is refused."""
    errors = errors_for(story() | {"chair": "周敏"})
    assert list(errors) == ["chair"]
    assert errors["chair"][0].startswith("主持人“周敏”不在参加讨论的负责人中")


def test_one_attending_without_a_say_is_not_a_head_too() -> None:
    """This test ensures that a head listed again among those attending (列席) is refused."""
    facts = story()
    facts["nonvoting"].append({"name": "吴芳", "position": "副局长"})
    assert errors_for(facts) == {"nonvoting": ["吴芳已列为参加讨论的负责人，不应再列为列席人员"]}


def test_nobody_attending_without_a_say_is_accepted() -> None:
    """This test ensures that a discussion of the heads alone, with no 列席, is accepted."""
    facts = story() | {"nonvoting": []}
    assert errors_for(facts) == {}


def test_every_head_gives_an_opinion() -> None:
    """This test ensures that a head recorded as silent is named, since the discussion records each one."""
    facts = story()
    facts["discussion"] = [row for row in facts["discussion"] if "吴芳" not in row["speaker"]]
    assert errors_for(facts) == {
        "discussion": ["参加讨论的负责人吴芳没有发表意见：集体讨论应当记录每名负责人的意见"]
    }


def test_an_opinion_is_of_someone_present() -> None:
    """This test ensures that an opinion of someone neither head nor attending is refused, with its row."""
    facts = story()
    facts["discussion"].insert(0, {"speaker": "张立新", "opinion": "同意。"})
    assert errors_for(facts) == {
        "discussion": ["第1项：发言人“张立新”不在参加讨论的负责人和列席人员中"]
    }


def test_one_attending_may_speak() -> None:
    """This test ensures that the legal officer attending may give her view."""
    facts = story()
    facts["discussion"].insert(0, {"speaker": "法制审核人员周敏", "opinion": "审核同意。"})
    assert errors_for(facts) == {}


def test_the_opinions_are_recorded() -> None:
    """This test ensures that a discussion without any opinion is refused."""
    assert errors_for(story() | {"discussion": []}) == {
        "discussion": ["请记录讨论意见：每一项是一名发言人的意见"]
    }


def test_the_chair_not_speaking_last_is_a_warning() -> None:
    """This test ensures that a chair who spoke before another head is a reminder, not a refusal."""
    facts = story()
    facts["discussion"].reverse()
    assert validate_facts(DISCUSSION, facts).warnings == (
        "按照集体讨论的通常做法，主持讨论的负责人应当在其他负责人之后最后发表意见",
    )


@pytest.mark.parametrize("conclusion", CONCLUSIONS)
def test_each_decision_of_article_57_is_accepted(conclusion: str) -> None:
    """This test ensures that each of the four decisions of 第五十七条第一款 may be reached."""
    facts = without_penalty(conclusion) | {"decision_summary": "移送岳阳市公安局君山分局。"}
    assert errors_for(facts) == {}


def test_a_penalty_or_referral_says_what_was_decided() -> None:
    """This test ensures that 给予行政处罚 and 移送司法机关 need the decision written, 不予 does not."""
    for conclusion in ("给予行政处罚", "移送司法机关"):
        assert list(errors_for(without_penalty(conclusion))) == ["decision_summary"]
    assert errors_for(without_penalty()) == {}


def test_a_fine_decided_gives_its_amount() -> None:
    """This test ensures that a decision to fine without the amount is refused at the decision."""
    assert errors_for(story() | {"fine": None}) == {
        "decision_summary": ["决定内容中有罚款的，请在“罚款金额”中填写金额"]
    }


def test_a_fine_is_part_of_the_decision() -> None:
    """This test ensures that an amount without a fine in the decision is refused."""
    facts = story() | {"decision_summary": "依法给予警告。"}
    assert errors_for(facts) == {"fine": ["填写了罚款金额的，决定内容应当写明给予罚款的处罚"]}


def test_no_fine_without_a_penalty() -> None:
    """This test ensures that a fine cannot go with a conclusion other than 给予行政处罚."""
    facts = without_penalty() | {"fine": "45000"}
    assert errors_for(facts) == {"fine": ["讨论结论不是给予行政处罚的，不填写罚款金额"]}


@pytest.mark.parametrize("fine", ["0", "-100"])
def test_a_fine_is_more_than_nothing(fine: str) -> None:
    """This test ensures that a fine of nothing or less is refused."""
    assert errors_for(story() | {"fine": fine}) == {"fine": ["罚款金额应当大于零"]}


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_the_record_prints_who_discussed_and_what_was_decided(
    converter: Converter, tmp_path: Path
) -> None:
    """This test ensures that the record prints its case, the meeting, every opinion, the conclusion ticked,
    the decision and the fine in figures and in 大写, then room for every signature."""
    labels, values = columns(render_in_case("collective_discussion", story(), converter, tmp_path))
    assert f"{CASE_NUMBER}岳阳君信档案数字化服务有限公司擅自提供属于国家所有的档案案" in values
    assert "2026年4月13日15:00至16:10君山区史志档案局二楼会议室刘建平记录人杨帆" in values
    assert "刘建平（局长）、何晓东（副局长）、吴芳（副局长）" in values
    assert "周敏（法制审核人员）、李卫东（案件承办人）、彭丽君（案件承办人）" in values
    assert "副局长何晓东：违法事实清楚" in values
    assert "局长刘建平：同意对当事人给予罚款" in values
    assert "☑给予行政处罚☐不予行政处罚（违法行为轻微）" in values
    assert "45,000.00元（人民币肆万伍仟元整）" in values
    assert labels.endswith("讨论结论决定内容罚款金额参加人员签名主持人签名")


@pytest.mark.office
def test_a_discussion_without_penalty_prints_no_fine(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a conclusion not to penalise prints neither a decision nor a fine, and says
    when nobody attended without a say."""
    facts = without_penalty() | {"nonvoting": []}
    facts["discussion"] = [
        row | {"opinion": "违法行为轻微并及时改正，没有造成危害后果，同意不予行政处罚。"}
        for row in facts["discussion"]
    ]
    labels, values = columns(render_in_case("collective_discussion", facts, converter, tmp_path))
    assert "☐给予行政处罚☑不予行政处罚（违法行为轻微）" in values
    assert "列席人员" in labels
    assert "吴芳（副局长）无" in values
    assert "罚款金额" not in labels
    assert "决定内容" not in labels
