"""Tests of the 询问笔录's rules: the sitting, the person asked, two officers, the 告知, the Q&A, the confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forms.identity import resident_id_check_character
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.page_texts import line_texts, page_of, page_texts
from tests.forms.rendered import CASE_NUMBER, render_in_case

INQUIRY = get_instrument("inquiry_record")
NUMBER = "君档询录〔2026〕1号"
# Made-up numbers of 君山区 (430611) residents whose check characters were computed per GB 11643.
WOMAN_ID = "430611198807210526"  # 17th digit 2: a woman
BORN_2026_ID = "430611202603010011"  # born 1 March 2026, after the inquiry


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(INQUIRY, facts)


def exchange(question: str, answer: str) -> dict[str, str]:
    """Return one question and its answer."""
    return {"question": question, "answer": answer}


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample (王浩, 2026-02-10) passes every rule, without warnings."""
    facts = validate_facts(INQUIRY, sample("inquiry_record"))
    assert facts.warnings == ()
    assert facts.values["interviewee"] == "王浩"


def test_the_story_numbers_are_well_formed() -> None:
    """This test ensures that the made-up identity numbers the tests use carry their right check characters."""
    for number in (WOMAN_ID, BORN_2026_ID, sample("inquiry_record")["interviewee_id"]):
        assert resident_id_check_character(number[:17]) == number[17]


@pytest.mark.parametrize(
    "field",
    [
        "inquiry_date",
        "start_time",
        "end_time",
        "place",
        "interviewee",
        "interviewee_sex",
        "interviewee_id",
        "relation",
        "recorder",
        "recusal",
        "confirmation",
    ],
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any required element gives a Chinese message at it alone."""
    facts = sample("inquiry_record")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择"))


@pytest.mark.parametrize("end", ["09:30", "09:00", "08:59"])
def test_an_inquiry_ending_before_it_starts_is_refused(end: str) -> None:
    """This test ensures that an end time not after the start time is refused at the end time."""
    facts = sample("inquiry_record") | {"start_time": "09:30", "end_time": end}
    assert errors_for(facts) == {
        "end_time": [
            f"结束时间{end}不晚于开始时间09:30：请核对询问的起止时间（24小时制，如 14:30）"
        ]
    }


def test_a_sitting_of_more_than_twelve_hours_is_refused() -> None:
    """This test ensures that a span no one sitting takes (a mistyped hour) is refused."""
    facts = sample("inquiry_record") | {"start_time": "08:00", "end_time": "20:01"}
    assert errors_for(facts) == {
        "end_time": [
            "询问从08:00到20:01，超过12小时，请核对起止时间是否填错；确实分次进行的，每次分别制作笔录"
        ]
    }


def test_a_sitting_of_twelve_hours_is_accepted() -> None:
    """This test ensures that the longest plausible sitting is accepted, and times are kept zero-padded."""
    facts = validate_facts(
        INQUIRY, sample("inquiry_record") | {"start_time": "8:00", "end_time": "20：00"}
    )
    assert (facts.values["start_time"], facts.values["end_time"]) == ("08:00", "20:00")


def test_a_malformed_start_says_so_once() -> None:
    """This test ensures that a malformed start time is reported at it, not again as a wrong span."""
    errors = errors_for(sample("inquiry_record") | {"start_time": "25:00"})
    assert list(errors) == ["start_time"]


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_officers_are_refused(count: int) -> None:
    """This test ensures that an inquiry by fewer than two officers is refused, citing 第四十二条."""
    facts = sample("inquiry_record")
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_officers_have_their_own_certificates() -> None:
    """This test ensures that two officers cannot share one certificate number."""
    facts = sample("inquiry_record")
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名询问人应当持有各自的执法证件"]
    }


def test_an_officer_without_certificate_is_refused() -> None:
    """This test ensures that every officer gives the number of his or her certificate."""
    facts = sample("inquiry_record")
    facts["officers"][1]["certificate"] = ""
    assert errors_for(facts) == {"officers": ["第2项：请填写执法证号"]}


@pytest.mark.parametrize("shown", [False, None])
def test_an_inquiry_without_the_certificates_shown_is_refused(shown: bool | None) -> None:
    """This test ensures that the 告知 of 第五十五条 must be confirmed, else nothing is recorded."""
    facts = sample("inquiry_record") | {"certificates_shown": shown}
    errors = errors_for(facts)
    assert list(errors) == ["certificates_shown"]
    assert "第五十五条" in errors["certificates_shown"][0]
    assert "出示执法证件" in errors["certificates_shown"][0]


def test_an_inquiry_without_exchanges_is_refused() -> None:
    """This test ensures that a record holds at least one question and its answer."""
    facts = sample("inquiry_record") | {"exchanges": []}
    assert errors_for(facts) == {
        "exchanges": [
            "询问应当制作笔录（《中华人民共和国行政处罚法》第五十五条），请至少记录一组询问和回答"
        ]
    }


def test_a_question_without_answer_is_refused() -> None:
    """This test ensures that each question recorded has its answer."""
    facts = sample("inquiry_record")
    facts["exchanges"][2]["answer"] = " "
    assert errors_for(facts) == {"exchanges": ["第3项：请填写答"]}


def test_an_answer_typed_over_lines_is_one_paragraph() -> None:
    """This test ensures that an answer typed over several lines is kept as the one paragraph it is."""
    facts = sample("inquiry_record")
    facts["exchanges"] = [exchange("你叫什么名字？", "我叫王浩，\r\n  在公司做数字化加工。\n")]
    answer = validate_facts(INQUIRY, facts).values["exchanges"][0]["answer"]
    assert answer == "我叫王浩，在公司做数字化加工。"


def test_a_refusal_to_sign_needs_its_reason() -> None:
    """This test ensures that a record the person refused to sign says why."""
    facts = sample("inquiry_record") | {"confirmation": "被询问人拒绝签名"}
    assert errors_for(facts) == {
        "refusal_reason": ["被询问人拒绝签名的，请记录其拒绝签名的理由或者情况"]
    }


def test_a_refusal_with_its_reason_is_accepted() -> None:
    """This test ensures that a refusal with its reason is accepted and kept."""
    reason = "称对第4项回答的记录有异议，经核对更正后仍拒绝签名"
    facts = sample("inquiry_record") | {
        "confirmation": "被询问人拒绝签名",
        "refusal_reason": reason,
    }
    assert validate_facts(INQUIRY, facts).values["refusal_reason"] == reason


def test_a_reason_without_a_refusal_is_refused() -> None:
    """This test ensures that a signed record records no reason for refusing to sign."""
    facts = sample("inquiry_record") | {"refusal_reason": "拒绝签名"}
    assert errors_for(facts) == {"refusal_reason": ["被询问人没有拒绝签名的，不填写拒绝签名的理由"]}


def test_an_application_for_recusal_is_recorded() -> None:
    """This test ensures that an application for recusal names whom and why (第四十三条)."""
    facts = sample("inquiry_record") | {"recusal": "申请回避"}
    errors = errors_for(facts)
    assert list(errors) == ["recusal_note"]
    assert "第四十三条" in errors["recusal_note"][0]
    note = "申请执法人员李卫东回避，理由是其与当事人的法定代表人系亲属"
    assert errors_for(facts | {"recusal_note": note}) == {}


def test_a_recusal_note_without_an_application_is_refused() -> None:
    """This test ensures that no application is recorded for a person who made none."""
    facts = sample("inquiry_record") | {"recusal_note": "申请李卫东回避"}
    assert errors_for(facts) == {
        "recusal_note": ["被询问人不申请回避的，不填写申请回避的对象和理由"]
    }


def test_identity_number_check_character() -> None:
    """This test ensures that a mistyped 公民身份号码 is refused with the check character it should have."""
    facts = sample("inquiry_record") | {"interviewee_id": "430611199203150518"}
    assert errors_for(facts) == {
        "interviewee_id": ["公民身份号码的校验码不对（按前17位应为2），请核对号码"]
    }


def test_a_person_born_after_the_inquiry_is_refused() -> None:
    """This test ensures that a number whose birth date is not before the inquiry is refused."""
    facts = sample("inquiry_record") | {"interviewee_id": BORN_2026_ID}
    assert errors_for(facts) == {
        "interviewee_id": ["公民身份号码中的出生日期20260301不早于询问日期，请核对号码"]
    }


def test_the_sex_must_be_the_one_the_number_encodes() -> None:
    """This test ensures that the sex chosen agrees with the number's 17th digit (GB 11643)."""
    facts = sample("inquiry_record") | {"interviewee_id": WOMAN_ID}
    assert errors_for(facts) == {
        "interviewee_id": [
            "公民身份号码的第17位表示性别为女，与所选性别男不一致，请核对号码或者性别"
        ]
    }
    assert errors_for(facts | {"interviewee": "王丽", "interviewee_sex": "女"}) == {}


@pytest.mark.parametrize("relation", ["当事人的工作人员", "当事人的法定代表人（负责人）"])
def test_the_party_s_people_name_their_employer(relation: str) -> None:
    """This test ensures that the party's representative or employee gives the unit he or she works for."""
    facts = sample("inquiry_record") | {"relation": relation, "interviewee_employer": ""}
    assert errors_for(facts) == {
        "interviewee_employer": [
            "被询问人是当事人的法定代表人（负责人）或者工作人员的，请填写其工作单位"
        ]
    }


def test_a_witness_may_leave_the_employer_out() -> None:
    """This test ensures that a witness without an employer is accepted."""
    facts = sample("inquiry_record") | {"relation": "证人"}
    del facts["interviewee_employer"], facts["interviewee_position"]
    assert errors_for(facts) == {}


@pytest.mark.parametrize(
    ("phone", "kept"),
    [
        ("13807305126", "13807305126"),
        ("0730-8312345", "0730-8312345"),
        ("０７３０－８３１２３４５", "0730-8312345"),
    ],
)
def test_telephone_numbers_as_written_are_accepted(phone: str, kept: str) -> None:
    """This test ensures that mobile and fixed numbers are accepted, typed in full-width digits too."""
    facts = validate_facts(INQUIRY, sample("inquiry_record") | {"interviewee_phone": phone})
    assert facts.values["interviewee_phone"] == kept


@pytest.mark.parametrize("phone", ["王浩手机", "138-0730-5126", "8312345"])
def test_a_telephone_number_that_is_not_one_is_refused(phone: str) -> None:
    """This test ensures that a contact that is not a telephone number is refused."""
    assert errors_for(sample("inquiry_record") | {"interviewee_phone": phone}) == {
        "interviewee_phone": [
            "联系电话应当是带区号的固定电话（如0730-3351234，分机号写在“转”之后）或者11位手机号码"
        ]
    }


@pytest.mark.parametrize("name", ["李卫东", "彭 丽君"])
def test_an_officer_does_not_question_himself(name: str) -> None:
    """This test ensures that the person asked is neither one of the officers nor the recorder."""
    facts = sample("inquiry_record") | {"interviewee": name}
    assert errors_for(facts) == {
        "interviewee": ["被询问人不能同时是本次询问的询问人或者记录人，请核对姓名"]
    }


def test_the_recorder_need_not_be_an_officer() -> None:
    """This test ensures that another named person may keep the record."""
    assert errors_for(sample("inquiry_record") | {"recorder": "杨帆"}) == {}


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_the_sample_prints_the_record(office_pool: Converter, tmp_path: Path) -> None:
    """This test ensures that the issued record prints the case, the 告知 with the certificates, each 问/答 and the signature lines."""
    path = render_in_case("inquiry_record", sample("inquiry_record"), office_pool, tmp_path)
    lines = line_texts(path)
    for printed in (
        "案号" + CASE_NUMBER,
        "询问时间2026年2月10日09:30至11:05",
        "被询问人王浩性别男",
        "公民身份号码430611199203150512联系电话13807305126",
        "单位及职务岳阳君信档案数字化服务有限公司数字化加工员",
        "与本案关系当事人的工作人员",
        "询问人李卫东执法证号43061100026",
        "询问人彭丽君执法证号43061100031",
        "记录人彭丽君",
        "笔录确认被询问人核对无误",
        "询问人签名记录人签名",
    ):
        assert printed in lines, printed
    text = pdfcheck.poppler_text(path)
    for said in (
        "我们是岳阳市君山区史志档案局的执法人员，这是我们的执法证件（执法证号：43061100026、"
        "43061100031），请你过目。依照《中华人民共和国行政处罚法》第五十五条，你应当如实回答询问",
        "有权申请回避。问：你是否申请回避？答：不申请回避。",
        "问：你在岳阳君信档案数字化服务有限公司从事什么工作？什么时候开始的？答：我是公司的数字化加工员",
        "答：没有了。我知道错了，以后一定遵守规定。（以下空白）",
        "以上笔录我看过（或向我宣读过），和我说的相符。",
    ):
        assert said in text, said
    assert "拒绝签名" not in text


@pytest.mark.office
def test_a_refusal_stands_where_the_person_would_sign(
    office_pool: Converter, tmp_path: Path
) -> None:
    """This test ensures that a refusal is printed with its reason in place of the confirming sentence."""
    facts = sample("inquiry_record") | {
        "confirmation": "被询问人拒绝签名",
        "refusal_reason": "称需要咨询律师",
    }
    path = render_in_case("inquiry_record", facts, office_pool, tmp_path)
    lines = line_texts(path)
    assert "笔录确认被询问人拒绝签名" in lines
    assert "被询问人签名拒绝签名：称需要咨询律师" in lines
    assert "和我说的相符" not in pdfcheck.poppler_text(path)


@pytest.mark.office
@pytest.mark.parametrize("count", range(13, 18))
def test_the_signatures_never_stand_alone_on_a_page(
    count: int, office_pool: Converter, tmp_path: Path
) -> None:
    """This test ensures that the last answer and every signature line share one page, however many exchanges.

    From 13 to 17 short exchanges the foot of the second page passes through the signature
    rows: kept apart, the last rows would start the third page alone.
    """
    facts = sample("inquiry_record")
    facts["exchanges"] = [exchange(f"第{n}个问题？", f"第{n}个回答。") for n in range(1, count + 1)]
    pages = page_texts(render_in_case("inquiry_record", facts, office_pool, tmp_path))
    last = page_of(pages, f"答：第{count}个回答。（以下空白）")
    assert [page_of(pages, line) for line in ("笔录确认", "被询问人签名", "记录人签名")] == [
        last
    ] * 3
