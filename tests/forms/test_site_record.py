"""Tests of the 现场检查（勘验）笔录's rules: the sitting, the party, who was there, the 告知, evidence, confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.render.office.converter import Converter
from tests import pdfcheck
from tests.conftest import sample
from tests.fakes import validation_errors
from tests.forms.page_texts import line_texts, page_of, page_texts
from tests.forms.rendered import CASE_NUMBER, render_in_case

SITE = get_instrument("site_record")
WITNESS = {"witness": "周建国", "witness_unit": "柳林洲街道君山社区居委会"}
REFUSAL = {"confirmation": "当事人拒绝签名", "refusal_reason": "称需请示公司股东"}
# Nobody of the party's side on site: a neighbour only.
NEIGHBOUR_ONLY = {"present": [{"name": "周建国", "role": "其他人员"}]}


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(SITE, facts)


def evidence(method: str, item: str, quantity: int, measure: str) -> dict[str, Any]:
    """Return one row of evidence taken on site."""
    return {"method": method, "item": item, "quantity": quantity, "measure": measure}


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample (the firm's 加工场所, 2026-02-06) passes every rule."""
    facts = validate_facts(SITE, sample("site_record"))
    assert facts.warnings == ()
    assert [row["quantity"] for row in facts.values["evidence_taken"]] == [8, 12, 1, 1]


@pytest.mark.parametrize(
    "field",
    [
        "inspection_date",
        "start_time",
        "end_time",
        "place",
        "party_name",
        "party_type",
        "party_id",
        "party_address",
        "recorder",
        "findings",
        "confirmation",
    ],
)
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any required element gives a Chinese message at it."""
    facts = sample("site_record")
    del facts[field]
    errors = errors_for(facts)
    assert field in errors
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_an_inspection_ending_before_it_starts_is_refused() -> None:
    """This test ensures that an end time before the start time is refused at the end time."""
    facts = sample("site_record") | {"start_time": "14:00", "end_time": "11:40"}
    assert errors_for(facts) == {
        "end_time": ["结束时间11:40不晚于开始时间14:00：请核对检查的起止时间（24小时制，如 14:30）"]
    }


def test_a_sitting_of_more_than_twelve_hours_is_refused() -> None:
    """This test ensures that a span no one inspection takes is refused as mistyped."""
    facts = sample("site_record") | {"start_time": "06:00", "end_time": "21:00"}
    assert list(errors_for(facts)) == ["end_time"]


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_officers_are_refused(count: int) -> None:
    """This test ensures that an inspection by fewer than two officers is refused, citing 第四十二条."""
    facts = sample("site_record")
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_officers_have_their_own_certificates() -> None:
    """This test ensures that two officers cannot share one certificate number."""
    facts = sample("site_record")
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名检查人员应当持有各自的执法证件"]
    }


@pytest.mark.parametrize("shown", [False, None])
def test_an_inspection_without_the_certificates_shown_is_refused(shown: bool | None) -> None:
    """This test ensures that the 告知 of 第五十五条 must be confirmed, else nothing is recorded."""
    errors = errors_for(sample("site_record") | {"certificates_shown": shown})
    assert list(errors) == ["certificates_shown"]
    assert "第五十五条" in errors["certificates_shown"][0]


def test_the_party_s_credit_code_is_checked() -> None:
    """This test ensures that a mistyped 统一社会信用代码 is refused (the party's shared rules apply)."""
    facts = sample("site_record") | {"party_id": "91430611MA4PBN3K2Y"}
    assert errors_for(facts) == {"party_id": ["统一社会信用代码的校验位不对，请核对是否抄错"]}


def test_an_individual_party_has_no_representative() -> None:
    """This test ensures that an individual party's record names no 法定代表人."""
    facts = sample("site_record") | {
        "party_name": "王浩",
        "party_type": "个人",
        "party_id": "430611199203150512",
    }
    assert errors_for(facts) == {
        "legal_representative": ["当事人是个人的，不填写法定代表人（负责人）"]
    }
    del facts["legal_representative"]
    assert errors_for(facts) == {}


def test_a_present_person_has_a_capacity() -> None:
    """This test ensures that each person present is recorded with a capacity from the list."""
    facts = sample("site_record")
    facts["present"][1]["role"] = "股东"
    assert list(errors_for(facts)) == ["present"]


@pytest.mark.parametrize("quantity", [0, -1])
def test_evidence_is_counted_from_one(quantity: int) -> None:
    """This test ensures that evidence taken is at least one of something."""
    facts = sample("site_record")
    facts["evidence_taken"][0]["quantity"] = quantity
    assert errors_for(facts) == {"evidence_taken": ["第1项：数量应当是1到100000之间的整数"]}


def test_evidence_is_taken_in_a_known_way() -> None:
    """This test ensures that evidence is 提取, 拍照, 录像 or 复制, nothing else."""
    facts = sample("site_record")
    facts["evidence_taken"][0]["method"] = "没收"
    assert list(errors_for(facts)) == ["evidence_taken"]


def test_an_inspection_may_take_no_evidence() -> None:
    """This test ensures that a record without evidence taken is accepted."""
    assert errors_for(sample("site_record") | {"evidence_taken": []}) == {}


def test_a_refusal_needs_its_reason_and_a_witness() -> None:
    """This test ensures that a party refusing to sign is recorded with its reason and a witness (行政强制法 第十八条)."""
    errors = errors_for(sample("site_record") | {"confirmation": "当事人拒绝签名"})
    assert list(errors) == ["refusal_reason", "witness"]
    assert "第十八条第八项" in errors["refusal_reason"][0]
    assert "请填写见证人姓名" in errors["witness"][0]
    assert errors_for(sample("site_record") | REFUSAL | WITNESS) == {}


def test_a_reason_without_a_refusal_is_refused() -> None:
    """This test ensures that a record the party signed records no reason for refusing."""
    facts = sample("site_record") | {"refusal_reason": "拒绝签名"}
    assert errors_for(facts) == {"refusal_reason": ["当事人没有拒绝签名的，不填写拒绝签名的理由"]}


def test_an_absent_party_needs_a_witness() -> None:
    """This test ensures that with nobody of the party on site a witness signs (第十八条第九项)."""
    facts = sample("site_record") | {"present": [], "confirmation": "当事人不在场"}
    assert list(errors_for(facts)) == ["witness"]
    assert errors_for(facts | WITNESS) == {}


def test_a_party_on_site_is_not_absent() -> None:
    """This test ensures that a record naming the party's people present cannot say the party was absent."""
    facts = sample("site_record") | WITNESS | {"confirmation": "当事人不在场"}
    assert errors_for(facts) == {
        "confirmation": ["在场人中有当事人一方的人员，笔录应当交其核对签名，不能选择当事人不在场"]
    }


@pytest.mark.parametrize("confirmation", ["当事人核对无误", "向当事人宣读"])
def test_nobody_of_the_party_cannot_confirm_for_it(confirmation: str) -> None:
    """This test ensures that without the party's people present the record is not said to be confirmed by the party."""
    facts = sample("site_record") | NEIGHBOUR_ONLY | {"confirmation": confirmation}
    errors = errors_for(facts)
    assert list(errors) == ["confirmation"]
    assert "当事人不在场并邀请见证人" in errors["confirmation"][0]


@pytest.mark.parametrize("witness", ["李卫东", "彭丽君"])
def test_an_officer_is_no_witness(witness: str) -> None:
    """This test ensures that the witness is not one of the officers or the recorder."""
    facts = sample("site_record") | REFUSAL | {"witness": witness}
    assert errors_for(facts) == {"witness": ["见证人应当是执法人员和记录人以外的人，请核对姓名"]}


@pytest.mark.parametrize("witness", ["陈志刚", "刘晓燕"])
def test_the_party_s_people_are_no_witness(witness: str) -> None:
    """This test ensures that the witness is not one of the party's people present."""
    facts = sample("site_record") | REFUSAL | {"witness": witness}
    assert errors_for(facts) == {"witness": ["见证人应当是当事人一方以外的人，请核对姓名"]}


def test_a_witness_unit_needs_its_witness() -> None:
    """This test ensures that a witness's unit is not recorded without the witness."""
    facts = sample("site_record") | {"witness_unit": "柳林洲街道君山社区居委会"}
    assert errors_for(facts) == {"witness_unit": ["没有见证人的，不填写见证人工作单位或者住址"]}


# Rendered ---------------------------------------------------------------------------------


@pytest.mark.office
def test_the_sample_prints_the_record(office_pool: Converter, tmp_path: Path) -> None:
    """This test ensures that the issued record prints the case, the party, who was there, the 告知, the evidence and the signature lines."""
    path = render_in_case("site_record", sample("site_record"), office_pool, tmp_path)
    lines = line_texts(path)
    for printed in (
        "案号" + CASE_NUMBER,
        "检查时间2026年2月6日09:00至11:40",
        "当事人岳阳君信档案数字化服务有限公司",
        "当事人类型档案服务企业法定代表人陈志刚",
        "社会信用代码91430611MA4PBN3K2X",
        "在场人陈志刚身份法定代表人",
        "检查人员李卫东执法证号43061100026",
        "记录人彭丽君",
        "取证方式证据名称及内容数量",
        "复制2026年1月8日加工场所监控录像截图12张",
        "笔录确认当事人核对无误",
        "检查人员签名记录人签名",
    ):
        assert printed in lines, printed
    text = pdfcheck.poppler_text(path)
    assert "出示了执法证件（执法证号：43061100026、43061100031）" in text
    assert "以上笔录我看过（或向我宣读过），情况属实。" in text
    assert "见证人" not in text


@pytest.mark.office
def test_a_refusal_is_noted_and_the_witness_signs(office_pool: Converter, tmp_path: Path) -> None:
    """This test ensures that a refusal stands where the party would sign, and the witness has a place to sign."""
    facts = sample("site_record") | REFUSAL | WITNESS | {"evidence_taken": []}
    path = render_in_case("site_record", facts, office_pool, tmp_path)
    lines = line_texts(path)
    for printed in (
        "现场取证未提取、拍照、录像或者复制证据",
        "笔录确认当事人拒绝签名",
        "当事人签名拒绝签名：称需请示公司股东",
        "见证人周建国（柳林洲街道君山社区居委会）",
    ):
        assert printed in lines, printed
    text = pdfcheck.poppler_text(path)
    assert "以上笔录记载的情况我在现场见证。" in text
    assert "情况属实" not in text


@pytest.mark.office
@pytest.mark.parametrize("count", range(9, 14))
def test_the_signatures_never_stand_alone_on_a_page(
    count: int, office_pool: Converter, tmp_path: Path
) -> None:
    """This test ensures that the last evidence row and every signature line share one page.

    From 9 to 13 rows of evidence the foot of the second page passes through the signature
    rows: kept apart, the last rows would start the third page alone.
    """
    facts = sample("site_record")
    facts["evidence_taken"] = [
        evidence("拍照", f"第{n}处现场", 1, "张") for n in range(1, count + 1)
    ]
    pages = page_texts(render_in_case("site_record", facts, office_pool, tmp_path))
    last = page_of(pages, f"第{count}处现场")
    assert [page_of(pages, line) for line in ("笔录确认", "当事人签名", "记录人签名")] == [last] * 3
