"""Tests of the 结案报告's rules: the outcome, the penalty decision it names and how it was carried out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from service.foundations.config import Bureau
from service.instruments.facts import Facts, validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import build_render_request, computed_values, document_metadata
from service.render.office.converter import Converter
from service.render.pipeline import render_pdf
from tests import pdfcheck
from tests.conftest import ROOT, sample
from tests.fakes import FakeArchive, FakeDocument, validation_errors

CLOSING = get_instrument("case_closing")
PARTY = "岳阳君信档案数字化服务有限公司"
DECISION = FakeDocument(
    "penalty_decision", "君档罚决〔2026〕1号", "issued", dt.date(2026, 4, 16), {"party_name": PARTY}
)
OTHER_OUTCOMES = ["不予行政处罚", "违法事实不能成立、撤销案件", "移送其他机关处理"]


def check(facts: Mapping[str, Any], archive: Any = None) -> Facts:
    """Return the validated facts."""
    return validate_facts(CLOSING, facts, archive=archive)


def errors_for(facts: Mapping[str, Any], archive: Any = None) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(CLOSING, facts, archive)


def not_penalised(outcome: str, **changes: Any) -> dict[str, Any]:
    """Return the sample as a case closed without a penalty."""
    facts = sample("case_closing") | {"outcome": outcome}
    del facts["penalty_summary"], facts["execution"]
    return facts | changes


def test_sample_is_valid_with_and_without_the_archive() -> None:
    """This test ensures that the shipped sample passes every rule, its decision found in the archive."""
    assert check(sample("case_closing")).warnings == ()
    assert check(sample("case_closing"), FakeArchive(DECISION)).warnings == ()


@pytest.mark.parametrize("name", ["cause", "party_name", "outcome", "summary", "closing_date"])
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out a required element of the report gives a Chinese message at it."""
    facts = sample("case_closing")
    del facts[name]
    errors = errors_for(facts)
    assert name in errors
    assert errors[name][0].startswith(("请填写", "请选择"))


def test_an_outcome_outside_the_list_is_refused() -> None:
    """This test ensures that the outcome is one of the four ends a case may have."""
    assert "outcome" in errors_for(sample("case_closing") | {"outcome": "责令改正"})


def test_a_penalty_carried_out_names_the_decision_and_its_execution() -> None:
    """This test ensures that a case closed with a penalty needs the decision and how it was carried out."""
    facts = sample("case_closing")
    del facts["penalty_summary"], facts["execution"]
    errors = errors_for(facts)
    assert errors == {
        "penalty_summary": [
            "给予行政处罚的，请写明行政处罚决定的内容及其文号，如“君档罚决〔2026〕1号，罚款人民币45000元”"
        ],
        "execution": [
            "给予行政处罚并已执行完毕的，请写明当事人何时、以何种方式履行了处罚决定"
            "（《中华人民共和国行政处罚法》第六十六条）"
        ],
    }


@pytest.mark.parametrize("outcome", OTHER_OUTCOMES)
def test_without_a_penalty_there_is_no_decision(outcome: str) -> None:
    """This test ensures that a case closed without a penalty needs no execution and may not name a penalty decision."""
    assert errors_for(not_penalised(outcome)) == {}
    named = not_penalised(outcome, penalty_summary=sample("case_closing")["penalty_summary"])
    assert errors_for(named) == {
        "penalty_summary": [f"处理结果为{outcome}的，没有行政处罚决定，不填写处罚决定及文号"]
    }


def test_a_transfer_may_say_how_it_was_done() -> None:
    """This test ensures that a case sent on may record the transfer in the execution, dated by the closing."""
    facts = not_penalised(
        "移送其他机关处理", execution="2026年5月18日将案件材料移送岳阳市公安局君山分局。"
    )
    assert errors_for(facts) == {}


def test_the_decision_is_named_by_its_number() -> None:
    """This test ensures that a penalty decision written without its 文号 is refused."""
    facts = sample("case_closing") | {
        "penalty_summary": "2026年4月16日作出行政处罚决定，罚款45000元。"
    }
    assert errors_for(facts) == {
        "penalty_summary": ["请写明行政处罚决定书的文号，如 君档罚决〔2026〕1号"]
    }


def test_the_execution_says_when() -> None:
    """This test ensures that a penalty's execution is dated, with a real date not after the closing."""
    facts = sample("case_closing")
    undated = facts | {"execution": "当事人已到银行全额缴纳罚款。"}
    assert errors_for(undated) == {
        "execution": [
            "请写明当事人履行处罚决定的日期，如“当事人于2026年4月28日缴纳罚款人民币45000元”"
        ]
    }
    impossible = facts | {"execution": "当事人于2026年4月31日缴纳罚款。"}
    assert errors_for(impossible) == {"execution": ["执行情况中的“2026年4月31日”不是有效日期"]}
    later = facts | {"execution": "当事人于2026年5月21日缴纳罚款。"}
    assert errors_for(later) == {
        "execution": ["执行情况中的2026年5月21日晚于结案日期（2026年5月20日）：执行完毕后才能结案"]
    }
    on_the_day = facts | {"execution": "当事人于2026年5月20日缴纳罚款。"}
    assert errors_for(on_the_day) == {}


@pytest.mark.parametrize("count", [0, 1])
def test_at_least_two_officers(count: int) -> None:
    """This test ensures that a report of fewer than two officers is refused (第四十二条)."""
    facts = sample("case_closing")
    facts["officers"] = facts["officers"][:count]
    errors = errors_for(facts)
    assert list(errors) == ["officers"]
    assert "第四十二条" in errors["officers"][0]


def test_officers_have_their_own_certificates() -> None:
    """This test ensures that two officers of the report cannot share one certificate."""
    facts = sample("case_closing")
    facts["officers"][1]["certificate"] = facts["officers"][0]["certificate"]
    assert errors_for(facts) == {
        "officers": ["执法证号43061100026重复：每名承办人应当持有各自的执法证件"]
    }


# The decision in the archive --------------------------------------------------------------


def test_the_decision_must_be_in_the_archive() -> None:
    """This test ensures that a 文号 the archive does not hold, or holds for another kind, is refused."""
    missing = "档案中没有写明的行政处罚决定书（文号为……〔2026〕1号），请核对机关代字、年份和序号"
    assert errors_for(sample("case_closing"), FakeArchive()) == {"penalty_summary": [missing]}
    notice = FakeDocument("penalty_notice", "君档罚决〔2026〕1号", "issued", dt.date(2026, 3, 10))
    assert errors_for(sample("case_closing"), FakeArchive(notice)) == {"penalty_summary": [missing]}


def test_the_number_is_found_inside_a_sentence() -> None:
    """This test ensures that the 文号 is found where the text runs into it (作出君档罚决〔2026〕1号), whatever its 机关代字."""
    written = "2026年4月16日作出君档罚决〔2026〕1号行政处罚决定书，罚款人民币45000元。"
    facts = sample("case_closing") | {"penalty_summary": written}
    assert errors_for(facts, FakeArchive(DECISION)) == {}
    own_code = FakeDocument(
        "penalty_decision",
        "岳档罚〔2026〕7号",
        "issued",
        dt.date(2026, 4, 16),
        {"party_name": PARTY},
    )
    other_code = facts | {"penalty_summary": "依据岳档罚〔2026〕7号决定，罚款人民币45000元。"}
    assert errors_for(other_code, FakeArchive(own_code)) == {}


def test_a_voided_decision_is_refused() -> None:
    """This test ensures that a voided penalty decision cannot close a case."""
    voided = FakeDocument(**(DECISION.__dict__ | {"status": "voided"}))
    assert errors_for(sample("case_closing"), FakeArchive(voided)) == {
        "penalty_summary": ["君档罚决〔2026〕1号已作废，不能作为本案的处罚决定"]
    }


def test_the_decision_is_on_the_same_party() -> None:
    """This test ensures that a decision on another party is refused, naming that party."""
    other = FakeDocument(
        **(DECISION.__dict__ | {"facts": {"party_name": "岳阳洞庭档案管理服务有限公司"}})
    )
    assert errors_for(sample("case_closing"), FakeArchive(other)) == {
        "penalty_summary": [
            "君档罚决〔2026〕1号的当事人是“岳阳洞庭档案管理服务有限公司”，不是本案当事人，请核对文号"
        ]
    }


def test_a_case_is_not_closed_before_its_decision() -> None:
    """This test ensures that a closing dated before the decision it names is refused."""
    facts = sample("case_closing") | {"closing_date": "2026-04-15"}
    facts["execution"] = "当事人于2026年4月15日缴纳罚款。"
    assert errors_for(facts, FakeArchive(DECISION)) == {
        "penalty_summary": [
            "君档罚决〔2026〕1号作出于2026年4月16日，晚于结案日期；处罚决定执行完毕后才能结案"
        ]
    }


# Printed ----------------------------------------------------------------------------------


def rendered(facts: Facts, computed: dict[str, Any], converter: Converter, folder: Path) -> Path:
    """Return the report rendered from the shipped template under its 文号, as PDF."""
    number = "君档结案〔2026〕1号"
    metadata = document_metadata(
        CLOSING, facts, number, Bureau(), agent="李卫东", action_time=dt.datetime.now(dt.UTC)
    )
    template = (ROOT / "templates_docx" / "case_closing.docx").read_bytes()
    request = build_render_request(CLOSING, facts, computed, number, template, Bureau(), metadata)
    path = folder / "closing.pdf"
    path.write_bytes(render_pdf(request, converter).data)
    return path


def printed_lines(path: Path) -> list[str]:
    """Return the PDF's lines of text, each line's words joined."""
    return ["".join(word.text for word in line) for line in pdfcheck.lines(path)]


@pytest.mark.office
def test_the_report_prints_the_case_and_its_end(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that the report prints its number, the case number and 立案日期 given by the case, the outcome ticked and the blank signatures."""
    facts = check(sample("case_closing"))
    computed = computed_values(CLOSING, facts, None, "君档立〔2026〕1号", "2026年2月4日")
    path = rendered(facts, computed, converter, tmp_path)
    lines = printed_lines(path)
    assert "岳阳市君山区史志档案局君档结案〔2026〕1号" in lines
    assert "案号君档立〔2026〕1号" in lines
    assert "立案日期2026年2月4日结案日期2026年5月20日" in lines
    text = pdfcheck.poppler_text(path)
    assert "☑给予行政处罚并已执行完毕" in text and "☐不予行政处罚" in text
    assert "当事人于2026年4月28日到中国工商银行岳阳君山支行全额缴纳罚款" in text
    assert "负责人签字：年月日" in lines


@pytest.mark.office
def test_a_report_without_a_penalty_prints_none(converter: Converter, tmp_path: Path) -> None:
    """This test ensures that a case closed without a penalty prints 无 for the decision and its execution, and a preview without a case prints no date."""
    facts = check(not_penalised("违法事实不能成立、撤销案件"))
    path = rendered(facts, computed_values(CLOSING, facts, None), converter, tmp_path)
    lines = printed_lines(path)
    assert "处罚决定无" in lines and "执行情况无" in lines
    assert "立案日期结案日期2026年5月20日" in lines
    assert "☑违法事实不能成立、撤销案件" in pdfcheck.poppler_text(path)
