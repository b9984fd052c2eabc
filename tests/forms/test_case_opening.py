"""Tests of the 立案审批表's rules: its elements, two certified officers, and the party from the unit directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from service.acts.approving import approve
from service.acts.errors import FactsRefused
from service.acts.opening import open_case
from service.archive.units import import_units
from service.foundations.config import Bureau
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request, computed_values, document_metadata
from service.render.office.converter import Converter
from service.render.pipeline import render_pdf
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import ROOT, SAMPLES, sample
from tests.fakes import FakeArchive, FakeUnit, validation_errors

OPENING = get_instrument("case_opening")
PARTY = FakeUnit(
    "岳阳君信档案数字化服务有限公司",
    "91430611MA4PBN3K2X",
    "湖南省岳阳市君山区柳林洲街道君山大道168号",
    "陈志刚",
)
DIRECTORY = FakeArchive(units=[PARTY])
PERSON_ID = "430611199203150512"  # 王浩's 公民身份号码 in the shared story, its check digit right


def check(facts: Mapping[str, Any], archive: Any = None) -> Facts:
    """Return the validated facts."""
    return validate_facts(OPENING, facts, archive=archive)


def errors_for(facts: Mapping[str, Any], archive: Any = None) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(OPENING, facts, archive)


def test_sample_is_valid_with_and_without_the_directory() -> None:
    """This test ensures that the shipped sample passes every rule, its party being the directory's, without warnings."""
    assert check(sample("case_opening")).warnings == ()
    assert check(sample("case_opening"), DIRECTORY).warnings == ()


@pytest.mark.parametrize(
    "name",
    ["cause", "party_name", "party_type", "party_id", "party_address", "source", "summary",
     "proposal", "opening_date"],
)  # fmt: skip
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out a required element of the form gives a Chinese message at it."""
    facts = sample("case_opening")
    del facts[name]
    errors = errors_for(facts)
    assert name in errors
    assert errors[name][0].startswith(("请填写", "请选择"))


def test_a_source_outside_the_list_is_refused() -> None:
    """This test ensures that the 案件来源 is one of the five the form offers."""
    assert "source" in errors_for(sample("case_opening") | {"source": "网络舆情"})


@pytest.mark.parametrize("source", ["上级机关交办", "其他机关移送", "其他"])
def test_a_source_handed_over_names_where_from(source: str) -> None:
    """This test ensures that a case assigned, referred or of another source must name who handed it over."""
    facts = sample("case_opening") | {"source": source}
    del facts["source_detail"]
    assert errors_for(facts) == {
        "source_detail": [
            "案件由上级机关交办、其他机关移送或者有其他来源的，请写明交办、移送的机关或者具体来源"
        ]
    }


@pytest.mark.parametrize("source", ["监督检查中发现", "投诉、举报"])
def test_an_inspection_or_a_complaint_need_not_say_more(source: str) -> None:
    """This test ensures that a case found on inspection, or on a complaint whose author may stay unnamed, needs no source detail."""
    facts = sample("case_opening") | {"source": source}
    del facts["source_detail"]
    assert errors_for(facts) == {}


def test_a_lead_received_after_the_opening_is_refused() -> None:
    """This test ensures that the 受案日期 is not after the 立案日期, and may be the same day or left out."""
    facts = sample("case_opening")
    assert errors_for(facts | {"received_date": "2026-02-05"}) == {
        "received_date": ["受案日期不能晚于立案日期（2026年2月4日）：立案是在受理线索之后"]
    }
    assert errors_for(facts | {"received_date": "2026-02-04"}) == {}
    del facts["received_date"]
    assert errors_for(facts) == {}


@pytest.mark.parametrize("count", [0, 1])
def test_at_least_two_officers(count: int) -> None:
    """This test ensures that a case handled by fewer than two officers is refused (第四十二条)."""
    facts = sample("case_opening")
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_officers_have_their_own_certificates() -> None:
    """This test ensures that two officers cannot share one certificate, and each has one."""
    facts = sample("case_opening")
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名承办人应当持有各自的执法证件"]
    }
    facts["officers"][1]["certificate"] = ""
    assert errors_for(facts) == {"officers": ["第2项：请填写执法证号"]}


def test_a_unit_gives_a_valid_credit_code() -> None:
    """This test ensures that a unit's 统一社会信用代码 with a wrong check character is refused."""
    errors = errors_for(sample("case_opening") | {"party_id": "91430611MA4PBN3K2Y"})
    assert errors == {"party_id": ["统一社会信用代码的校验位不对，请核对是否抄错"]}


def person(**changes: Any) -> dict[str, Any]:
    """Return the sample as a case against an individual, 王浩."""
    facts = sample("case_opening")
    del facts["legal_representative"]
    facts |= {"party_type": "个人", "party_name": "王浩", "party_id": PERSON_ID}
    facts |= {"party_address": "湖南省岳阳市君山区许市镇中洲村五组"}
    return facts | changes


def test_an_individual_is_not_looked_up_in_the_directory() -> None:
    """This test ensures that an individual party, with a valid ID number, is not required to be in the unit directory."""
    assert errors_for(person(), DIRECTORY) == {}
    assert errors_for(person(party_id="430611199203150519"), DIRECTORY) == {
        "party_id": ["公民身份号码的校验码不对（按前17位应为2），请核对号码"]
    }


def test_an_individual_has_no_legal_representative() -> None:
    """This test ensures that a 法定代表人 is refused for an individual party."""
    assert errors_for(person(legal_representative="王某")) == {
        "legal_representative": ["当事人是个人的，不填写法定代表人（负责人）"]
    }


# The unit directory ---------------------------------------------------------------------


@pytest.mark.parametrize("party_type", ["单位", "档案服务企业"])
def test_a_unit_outside_the_directory_is_refused(party_type: str) -> None:
    """This test ensures that a 单位 or 档案服务企业 not among the directory's active units is refused at its name."""
    facts = sample("case_opening") | {"party_type": party_type}
    errors = errors_for(facts, FakeArchive())
    assert list(errors) == ["party_name"]
    assert errors["party_name"][0].startswith(
        "“岳阳君信档案数字化服务有限公司”不在本局单位名录中（或已停用）"
    )
    assert "wenshu units import" in errors["party_name"][0]


def test_without_the_archive_the_directory_is_not_consulted() -> None:
    """This test ensures that a syntax check (no archive view) accepts a unit it cannot look up."""
    assert errors_for(sample("case_opening") | {"party_name": "某某档案服务公司"}) == {}


def test_the_credit_code_must_be_the_directory_s() -> None:
    """This test ensures that a unit's credit code other than the directory's is refused, naming the directory's."""
    other = "91430611323012284N"  # valid, but another firm's
    assert errors_for(sample("case_opening") | {"party_id": other}, DIRECTORY) == {
        "party_id": [
            "与单位名录不一致：名录中“岳阳君信档案数字化服务有限公司”的统一社会信用代码为"
            "91430611MA4PBN3K2X，请核对"
        ]
    }
    lower = sample("case_opening") | {"party_id": "91430611ma4pbn3k2x"}
    assert errors_for(lower, DIRECTORY) == {}


def test_the_address_must_be_the_directory_s() -> None:
    """This test ensures that a unit's address other than the directory's is refused, naming the directory's; spacing aside."""
    moved = sample("case_opening") | {"party_address": "湖南省岳阳市君山区柳林洲街道芦花路9号"}
    assert errors_for(moved, DIRECTORY) == {
        "party_address": [
            "与单位名录不一致：名录中“岳阳君信档案数字化服务有限公司”的地址为"
            "“湖南省岳阳市君山区柳林洲街道君山大道168号”，请核对；单位已迁址的，请先更新单位名录"
        ]
    }
    spaced = sample("case_opening") | {
        "party_address": "湖南省岳阳市君山区 柳林洲街道 君山大道168号"
    }
    assert errors_for(spaced, DIRECTORY) == {}
    unknown_address = FakeArchive(units=[FakeUnit(PARTY.name, PARTY.credit_code)])
    assert errors_for(moved, unknown_address) == {}


def test_another_representative_is_brought_to_notice() -> None:
    """This test ensures that a 法定代表人 other than the directory's passes with a warning naming both."""
    facts = check(sample("case_opening") | {"legal_representative": "陈志强"}, DIRECTORY)
    assert facts.warnings == (
        "法定代表人（负责人）“陈志强”与单位名录中“岳阳君信档案数字化服务有限公司”的“陈志刚”不同，请核对",
    )


# Opened, approved and printed -------------------------------------------------------------


@pytest.mark.office
def test_an_approved_opening_prints_the_case_number_and_the_approval(wenshu: Wenshu) -> None:
    """This test ensures that a case's party must be in the directory, and the approved form prints its case number and the head's approval."""
    facts = sample("case_opening")
    with pytest.raises(FactsRefused) as refused:
        open_case(wenshu, facts, "李卫东")
    assert list(refused.value.errors) == ["party_name"]
    with wenshu.database.session() as session:
        import_units(session, SAMPLES / "units.csv")
    _, submission = open_case(wenshu, facts, "李卫东")
    document = approve(
        wenshu,
        submission.id,
        "刘建平",
        "同意立案，由李卫东、彭丽君承办。",
        today=dt.date(2026, 2, 4),
    )
    assert document.number == "君档立〔2026〕1号"
    path = wenshu.archive.absolute(document.pdf_path)
    lines = ["".join(word.text for word in line) for line in pdfcheck.lines(path)]
    assert "岳阳市君山区史志档案局案号：君档立〔2026〕1号" in lines
    assert "承办人李卫东执法证号43061100026" in lines
    assert "同意立案，由李卫东、彭丽君承办。" in lines
    assert "负责人：刘建平2026年2月4日" in lines
    text = pdfcheck.poppler_text(path)
    assert "☑其他机关移送" in text and "☐投诉、举报" in text
    assert "负责人签字" not in text  # the approval stands where a hand signature would


@pytest.mark.office
def test_before_approval_the_head_signs_by_hand(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a form not yet approved (a preview, a paper copy) leaves the head's cell blank to sign, under the number it is issued with."""
    facts = check(sample("case_opening"))
    number = "君档立〔2026〕　号"
    metadata = document_metadata(
        OPENING, facts, number, Bureau(), agent="李卫东", action_time=dt.datetime.now(dt.UTC)
    )
    template = (ROOT / "templates_docx" / "case_opening.docx").read_bytes()
    computed = computed_values(OPENING, facts, None)
    request = build_render_request(OPENING, facts, computed, number, template, Bureau(), metadata)
    path = tmp_path / "preview.pdf"
    path.write_bytes(render_pdf(request, converter).data)
    lines = ["".join(word.text for word in line) for line in pdfcheck.lines(path)]
    assert "岳阳市君山区史志档案局案号：君档立〔2026〕号" in lines
    assert "负责人签字：年月日" in lines
    assert "负责人：" not in pdfcheck.poppler_text(path)
