"""Tests of the 听证笔录's rules: 行政处罚法 第六十四条, who took part, what was said, who signed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forms.hearing_record import ABSENT, REFUSED, WALKED_OUT
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.page_texts import page_texts
from tests.forms.record_columns import columns
from tests.forms.rendered import CASE_NUMBER, render_in_case

RECORD = get_instrument("hearing_record")
LAW = "《中华人民共和国行政处罚法》"
AGENT_2 = {"name": "赵静", "role": "委托代理人", "unit": "湖南省岳阳市君山区法律援助中心律师"}
AGENT_3 = {"name": "孙立", "role": "委托代理人", "unit": ""}
WITNESS = {"name": "王浩", "role": "证人"}
CHECKED = "以上笔录我已核对（或者已向我宣读），与听证的情况相符。"
REFUSAL = "当事人法定代表人陈志刚对笔录无异议，但拒绝签字。"


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(RECORD, facts)


def story() -> dict[str, Any]:
    """Return the sample: the hearing of 2026-03-25."""
    return sample("hearing_record")


def absent() -> dict[str, Any]:
    """Return the story's hearing as it would be recorded had nobody come for the party."""
    facts = story() | {
        "party_attendees": [],
        "termination": ABSENT,
        "rights_told": False,
        "final_statement": None,
        "confirmation": None,
    }
    facts["proceedings"] = [
        {
            "speaker": "主持人张立新",
            "content": "当事人及其代理人经依法通知，无正当理由未到场，现宣布终止听证。",
        }
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
        "party_type",
        "hearing_date",
        "start_time",
        "end_time",
        "place",
        "public",
        "host",
        "recorder",
        "recusal",
        "final_statement",
        "confirmation",
    ],
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it."""
    facts = story()
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择", "请记录"))


def test_a_time_not_written_hh_mm_is_refused() -> None:
    """This test ensures that a start time that is no time of day is refused at the field, nothing more."""
    errors = errors_for(story() | {"start_time": "9点半"})
    assert list(errors) == ["start_time"]


@pytest.mark.parametrize("end", ["09:30", "09:00"])
def test_the_hearing_ends_after_it_begins(end: str) -> None:
    """This test ensures that an end time not later than the start is refused at the end time."""
    assert errors_for(story() | {"end_time": end}) == {
        "end_time": [f"结束时间{end}应当晚于开始时间09:30"]
    }


def test_a_secret_hearing_gives_its_reason() -> None:
    """This test ensures that a hearing held in camera names one of the three reasons of 第三项."""
    assert errors_for(story() | {"public": "不公开举行（涉及商业秘密）"}) == {}
    assert "public" in errors_for(story() | {"public": "不公开举行"})


@pytest.mark.parametrize("count", [0, 1])
def test_two_investigators_present_the_case(count: int) -> None:
    """This test ensures that fewer than two investigators are refused, citing 第四十二条."""
    facts = story()
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_investigators_have_their_own_certificates() -> None:
    """This test ensures that two investigators cannot share one certificate number."""
    facts = story()
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名调查人员应当持有各自的执法证件"]
    }


def test_investigators_without_certificates_are_asked_for_them() -> None:
    """This test ensures that two missing certificate numbers are asked for, not reported as one repeated."""
    facts = story()
    for officer in facts["officers"]:
        officer["certificate"] = ""
    assert errors_for(facts) == {"officers": ["第1项：请填写执法证号", "第2项：请填写执法证号"]}


def test_the_host_is_no_investigator_of_the_case() -> None:
    """This test ensures that an investigator of the case cannot host its hearing (第六十四条第四项)."""
    errors = errors_for(story() | {"host": "李卫东"})
    assert errors == {
        "host": [
            "李卫东是本案调查人员：听证由行政机关指定的非本案调查人员主持"
            f"（{LAW}第六十四条第四项），请改由其他人员主持"
        ]
    }


def test_the_recorder_is_neither_the_host_nor_an_investigator() -> None:
    """This test ensures that the host cannot record the hearing, nor an investigator of the case."""
    assert errors_for(story() | {"recorder": "张立新"}) == {
        "recorder": ["记录员不能由主持人兼任，请另行指定记录员"]
    }
    assert errors_for(story() | {"recorder": "彭丽君"}) == {
        "recorder": ["彭丽君是本案调查人员：调查人员不担任听证记录员，请另行指定"]
    }


def test_two_agents_at_most() -> None:
    """This test ensures that two agents are accepted and a third refused (第六十四条第五项)."""
    facts = story()
    facts["party_attendees"].append(AGENT_2)
    assert errors_for(facts) == {}
    facts["party_attendees"].append(AGENT_3)
    assert errors_for(facts) == {
        "party_attendees": [
            f"当事人可以委托一至二人代理（{LAW}第六十四条第五项），委托代理人不能超过2人"
        ]
    }


def test_a_unit_appears_through_its_representative_or_agents() -> None:
    """This test ensures that a unit's attendee cannot be "当事人" in person, nor a person's a 法定代表人."""
    facts = story()
    facts["party_attendees"][0]["role"] = "当事人"
    assert "身份请选择“法定代表人”或者“委托代理人”" in errors_for(facts)["party_attendees"][0]
    person = story() | {"party_type": "个人", "party_name": "王浩"}
    assert errors_for(person)["party_attendees"] == [
        "当事人是个人的，没有法定代表人：本人出席的，身份请选择“当事人”"
    ]
    person["party_attendees"][0] = {"name": "王浩", "role": "当事人", "unit": ""}
    person["proceedings"][4]["speaker"] = "当事人王浩"
    assert errors_for(person) == {}


def test_one_representative_only() -> None:
    """This test ensures that two people cannot both appear as the unit's 法定代表人."""
    facts = story()
    facts["party_attendees"][1]["role"] = "法定代表人"
    assert errors_for(facts) == {
        "party_attendees": ["当事人本人或者法定代表人只有一人，请核对出席人员的身份"]
    }


def test_an_attendee_is_listed_once() -> None:
    """This test ensures that the same person listed twice for the party is refused."""
    facts = story()
    facts["party_attendees"][1]["name"] = "陈志刚"
    assert errors_for(facts) == {"party_attendees": ["陈志刚填写了不止一次"]}


def test_nobody_for_the_party_needs_the_termination() -> None:
    """This test ensures that a record with nobody for the party points to the termination of 第六项."""
    facts = story() | {"party_attendees": []}
    errors = errors_for(facts)
    assert "party_attendees" in errors
    assert "第六十四条第六项" in errors["party_attendees"][0]


def test_a_hearing_nobody_came_to_is_recorded_as_terminated() -> None:
    """This test ensures that a terminated hearing without the party needs no statement, check or rights told."""
    assert errors_for(absent()) == {}


def test_a_terminated_hearing_without_the_party_has_nothing_of_the_party() -> None:
    """This test ensures that attendees, a final statement or a check of the record contradict 拒不出席."""
    errors = errors_for(
        absent()
        | {
            "party_attendees": story()["party_attendees"],
            "final_statement": "请求从轻处罚。",
            "confirmation": "交当事人或者其代理人核对无误",
        }
    )
    assert set(errors) == {"party_attendees", "final_statement", "confirmation"}


def test_a_party_who_walked_out_does_not_check_the_record() -> None:
    """This test ensures that after a walk-out the record has no check by the party, and needs no last word."""
    walked_out = story() | {
        "termination": WALKED_OUT,
        "final_statement": None,
        "confirmation": None,
    }
    assert errors_for(walked_out) == {}
    checked = walked_out | {"confirmation": "交当事人或者其代理人核对无误"}
    assert list(errors_for(checked)) == ["confirmation"]


def test_rights_are_told_to_a_party_present() -> None:
    """This test ensures that a record without the host telling the party its rights is refused."""
    errors = errors_for(story() | {"rights_told": False})
    assert list(errors) == ["rights_told"]
    assert "第六十四条第四项、第七项" in errors["rights_told"][0]


def test_a_recusal_asked_for_is_decided() -> None:
    """This test ensures that a recusal request needs its decision, and no request allows none."""
    asked = story() | {"recusal": "申请回避"}
    assert errors_for(asked) == {
        "recusal_decision": ["当事人申请回避的，请记录申请的理由和处理决定"]
    }
    decided = asked | {
        "recusal_decision": "当事人认为主持人与本案有利害关系，申请回避；经本局负责人审查，理由不成立，决定驳回。"
    }
    assert errors_for(decided) == {}
    assert list(errors_for(decided | {"recusal": "未申请回避"})) == ["recusal_decision"]


def test_every_speaker_took_part() -> None:
    """This test ensures that a speaker who is none of the participants is refused, with the row."""
    facts = story()
    facts["proceedings"][3]["speaker"] = "旁听人员"
    assert errors_for(facts) == {
        "proceedings": [
            "第4项：发言人“旁听人员”不是听证参加人员；请写明其姓名，如“主持人张立新”“调查人员李卫东”"
        ]
    }


def test_another_participant_may_speak() -> None:
    """This test ensures that a witness listed among the other participants may speak."""
    facts = story() | {"others": [WITNESS]}
    facts["proceedings"].insert(3, {"speaker": "证人王浩", "content": "复制档案是我个人所为。"})
    assert errors_for(facts) == {}


def test_another_participant_is_no_one_listed_elsewhere() -> None:
    """This test ensures that the host or an investigator is not listed again as another participant."""
    facts = story() | {"others": [{"name": "李卫东", "role": "证人"}]}
    assert list(errors_for(facts)) == ["others"]


def test_the_investigators_and_the_party_are_heard() -> None:
    """This test ensures that a record without the investigators' case or the party's defence is refused (第七项)."""
    facts = story()
    facts["proceedings"] = [row for row in facts["proceedings"] if "调查人员" not in row["speaker"]]
    assert "没有调查人员的发言" in errors_for(facts)["proceedings"][0]
    facts = story()
    party_side = ("委托代理人", "法定代表人")
    facts["proceedings"] = [
        row for row in facts["proceedings"] if not row["speaker"].startswith(party_side)
    ]
    assert "没有当事人一方的发言" in errors_for(facts)["proceedings"][0]


def test_the_proceedings_are_recorded() -> None:
    """This test ensures that a record without any turn of the hearing is refused."""
    assert errors_for(story() | {"proceedings": []}) == {
        "proceedings": ["请记录听证经过：每一项是一名发言人的一段发言"]
    }


def test_a_refusal_to_sign_is_noted_by_the_host() -> None:
    """This test ensures that a refusal to sign needs the host's note, and a note needs a refusal (第八项)."""
    refused = story() | {"confirmation": REFUSED}
    errors = errors_for(refused)
    assert list(errors) == ["refusal_note"]
    assert "第六十四条第八项" in errors["refusal_note"][0]
    noted = refused | {"refusal_note": "当事人法定代表人陈志刚对笔录无异议，但拒绝签字。"}
    assert errors_for(noted) == {}
    assert list(errors_for(noted | {"confirmation": "交当事人或者其代理人核对无误"})) == [
        "refusal_note"
    ]


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_the_record_prints_the_hearing_and_room_for_the_signatures(
    converter: Converter, tmp_path: Path
) -> None:
    """This test ensures that the record prints its case, who took part and what was said, and keeps
    the party's last word on the page where the party, the host and the recorder sign."""
    facts = story()
    path = render_in_case("hearing_record", facts, converter, tmp_path)
    labels, values = columns(path)
    assert (
        "案号案由听证时间听证地点听证方式主持人当事人法定代表人委托代理人调查人员调查人员" in labels
    )
    for printed in (
        f"{CASE_NUMBER}岳阳君信档案数字化服务有限公司擅自提供属于国家所有的档案案",
        "2026年3月25日09:30至11:20君山区史志档案局三楼会议室公开举行张立新记录员杨帆",
        "岳阳君信档案数字化服务有限公司（档案服务企业）",
        "刘志远（岳阳君信档案数字化服务有限公司行政部经理）",
        "彭丽君执法证号43061100031",
        "告知当事人有申请回避、进行申辩和质证的权利",
        "未申请回避",
        "调查人员李卫东：2026年1月8日",
        "交当事人或者其代理人核对无误",
    ):
        assert printed in values, printed
    last = page_texts(path)[-1]
    assert facts["final_statement"][:20] in last
    assert CHECKED[:10] in last
    assert last.index(CHECKED[:10]) < last.index("主持人签名") < last.index("调查人员签名")


@pytest.mark.office
def test_a_refusal_stands_where_the_party_would_sign(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a refusal to sign is printed, as the host noted it, in the party's place."""
    facts = story() | {"confirmation": REFUSED, "refusal_note": REFUSAL}
    labels, values = columns(render_in_case("hearing_record", facts, converter, tmp_path))
    assert f"拒绝签字或者盖章：{REFUSAL}（主持人注明）" in values
    assert "当事人一方签名或者盖章" in labels
    assert CHECKED[:10] not in values


@pytest.mark.office
def test_a_hearing_nobody_came_to_prints_its_termination(
    converter: Converter, tmp_path: Path
) -> None:
    """This test ensures that a hearing terminated without the party says so, with no place for the party to sign."""
    path = render_in_case("hearing_record", absent(), converter, tmp_path)
    labels, values = columns(path)
    assert "当事人一方" in labels
    assert "未出席" in values
    assert f"{ABSENT}，视为放弃听证权利，听证终止" in values
    assert "签名或者盖章" not in labels
    assert "告知当事人有申请回避" not in values
    assert labels.endswith("听证终止主持人签名调查人员签名")
