"""Tests of the 听证通知书: seven working days' notice, a host who did not investigate, the party's rights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from forms.hearing_notice import earliest_hearing
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.rendered import CASE_NUMBER, render_in_case

HEARING = get_instrument("hearing_notice")
PERSON_ID = "430611198607140527"  # a 公民身份号码 with a valid check character


def check(facts: Mapping[str, Any]) -> Facts:
    """Return the validated facts."""
    return validate_facts(HEARING, facts)


def errors_for(facts: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(HEARING, facts)


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule without a warning."""
    assert check(sample("hearing_notice")).warnings == ()


@pytest.mark.parametrize(
    "name",
    ["party_name", "party_type", "party_id", "party_address", "request_date", "hearing_date",
     "hearing_time", "place", "host", "recorder", "public", "notice_date", "contact", "phone"],
)  # fmt: skip
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out an element the notice needs gives a Chinese message at it."""
    facts = sample("hearing_notice")
    del facts[name]
    errors = errors_for(facts)
    assert name in errors
    assert errors[name][0].startswith(("请填写", "请选择"))


# Seven working days' notice (第六十四条第二项, 第八十五条) ----------------------------------


def test_hearing_seven_working_days_after_the_notice() -> None:
    """This test ensures that a hearing on the seventh working day after the notice is accepted, one day earlier refused."""
    assert errors_for(sample("hearing_notice") | {"hearing_date": "2026-03-25"}) == {}
    assert errors_for(sample("hearing_notice") | {"hearing_date": "2026-03-24"}) == {
        "hearing_date": [
            "行政机关应当在举行听证的七日前通知当事人（《中华人民共和国行政处罚法》第六十四条第二项，"
            "七日指工作日，第八十五条）：通知日期为2026-03-16的，听证日期不能早于2026-03-25"
        ]
    }


def test_holidays_do_not_count_towards_the_notice() -> None:
    """This test ensures that the National Day holiday is left out and its 调休 Saturday counted."""
    # Notice on Monday 28 September 2026: 29, 30 September, 8, 9, 10 (调休), 12, 13 October.
    notice = {"request_date": "2026-09-25", "notice_date": "2026-09-28"}
    facts = sample("hearing_notice") | notice
    assert "hearing_date" in errors_for(facts | {"hearing_date": "2026-10-12"})
    assert errors_for(facts | {"hearing_date": "2026-10-13"}) == {}


def test_unknown_year_counts_weekdays_and_warns() -> None:
    """This test ensures that in a year the holiday calendar does not know, weekdays are counted and the clerk warned."""
    assert earliest_hearing(dt.date(2031, 3, 3)) == (
        dt.date(2031, 3, 12),
        "尚无2031年的国务院节假日安排，无法判断2031-03-04是否为工作日，请人工核对期限",
    )
    facts = sample("hearing_notice") | {
        "request_date": "2031-02-28",
        "notice_date": "2031-03-03",
        "hearing_date": "2031-03-12",
    }
    assert check(facts).warnings == (
        "尚无2031年的国务院节假日安排，无法判断2031-03-04是否为工作日，请人工核对期限；"
        "本次按周一至周五为工作日计算听证日期",
    )
    assert "hearing_date" in errors_for(facts | {"hearing_date": "2031-03-11"})


def test_request_not_after_the_notice() -> None:
    """This test ensures that the party's request for a hearing precedes the notice of it."""
    assert errors_for(sample("hearing_notice") | {"request_date": "2026-03-16"}) == {}
    assert errors_for(sample("hearing_notice") | {"request_date": "2026-03-17"}) == {
        "request_date": ["当事人要求听证的日期（2026-03-17）不能晚于通知日期（2026-03-16）"]
    }


# Who holds the hearing (第四十二条, 第六十四条第四项) ---------------------------------------


def test_host_is_not_an_investigator() -> None:
    """This test ensures that an investigator of the case cannot host its hearing."""
    assert errors_for(sample("hearing_notice") | {"host": "彭丽君"}) == {
        "host": [
            "彭丽君是本案调查人员：听证由行政机关指定的非本案调查人员主持"
            "（《中华人民共和国行政处罚法》第六十四条第四项），请改由其他人员主持"
        ]
    }


@pytest.mark.parametrize(
    ("recorder", "message"),
    [
        ("张立新", "记录员不能由主持人兼任，请另行指定记录员"),
        ("李卫东", "李卫东是本案调查人员：调查人员不担任听证记录员，请另行指定"),
    ],
)
def test_recorder_is_neither_host_nor_investigator(recorder: str, message: str) -> None:
    """This test ensures that the host or an investigator cannot also keep the record."""
    assert errors_for(sample("hearing_notice") | {"recorder": recorder}) == {"recorder": [message]}


@pytest.mark.parametrize("count", [0, 1])
def test_at_least_two_investigators(count: int) -> None:
    """This test ensures that fewer than two investigators are refused (第四十二条)."""
    facts = sample("hearing_notice")
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_investigators_have_their_own_certificates() -> None:
    """This test ensures that two investigators cannot share one certificate number."""
    facts = sample("hearing_notice")
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名执法人员应当持有各自的执法证件"]
    }


def test_party_rules_are_the_decisions() -> None:
    """This test ensures that the party is identified as in the decision: an individual has no 法定代表人."""
    facts = sample("hearing_notice") | {"party_type": "个人", "party_id": PERSON_ID}
    assert errors_for(facts) == {
        "legal_representative": ["当事人是个人的，不填写法定代表人（负责人）"]
    }


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_notice_states_time_place_host_and_rights(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that the notice prints the case, when and where, who hosts, the rights and the consequence."""
    path = render_in_case("hearing_notice", sample("hearing_notice"), converter, tmp_path)
    text = pdfcheck.poppler_text(path)
    assert f"你单位于2026年3月13日要求就本局拟作出的行政处罚举行听证（案号：{CASE_NUMBER}）" in text
    assert "本局定于2026年3月25日09:30在岳阳市君山区史志档案局三楼会议室举行听证" in text
    assert "本次听证公开举行（第六十四条第三项），听证主持人为张立新，记录员为杨帆" in text
    assert "有权申请回避" in text and "委托一至二人代理" in text and "申辩和质证" in text
    assert "法定代表人应当出示身份证件和法定代表人身份证明" in text
    assert "视为放弃听证权利，本局将终止听证" in text
    assert len(pdfcheck.page_sizes(path)) == 2  # the story's notice fits two pages


@pytest.mark.office
def test_a_closed_hearing_for_an_individual(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a hearing held in private says why, and an individual is spoken to as 你."""
    facts = sample("hearing_notice") | {
        "party_type": "个人",
        "party_name": "张建军",
        "party_id": PERSON_ID,
        "public": "不公开举行（涉及个人隐私）",
    }
    del facts["legal_representative"]
    text = pdfcheck.poppler_text(render_in_case("hearing_notice", facts, converter, tmp_path))
    assert "本次听证不公开举行（涉及个人隐私）（第六十四条第三项）" in text
    assert "你于2026年3月13日要求" in text and "你单位" not in text
    assert "法定代表人应当出示" not in text
