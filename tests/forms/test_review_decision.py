"""Tests of the 复查决定书's rules: the archived notice it reviews, its time limits and its finding."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import update

from service.acts.issuing import issue_document
from service.archive.lookup import DatabaseArchiveView
from service.database.models import Document
from service.instruments.facts import Facts, InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from service.services import Wenshu
from tests.conftest import sample
from tests.fakes import FakeArchive, FakeDocument

REVIEW = get_instrument("review_decision")
NOTICE_NUMBER = "君档监通〔2026〕1号"


def notice(issued: str = "2026-03-05", **changes: Any) -> FakeDocument:
    """Return the sample supervision notice as archived under 君档监通〔2026〕1号."""
    facts = sample("supervision_notice") | {"issue_date": issued}
    document = FakeDocument(
        "supervision_notice", NOTICE_NUMBER, "issued", dt.date.fromisoformat(issued), facts
    )
    return replace(document, **changes)


def check(facts: dict[str, Any], archive: FakeArchive | None = None) -> Facts:
    """Return the validated facts, checked against the archive (the sample notice by default)."""
    return validate_facts(REVIEW, facts, archive=archive or FakeArchive(notice()))


def errors_for(facts: dict[str, Any], archive: FakeArchive | None = None) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    try:
        check(facts, archive)
    except InvalidFacts as error:
        return error.errors
    return {}


def dated(received: str, applied: str, decided: str) -> dict[str, Any]:
    """Return the sample with its three dates changed."""
    return sample("review_decision") | {
        "notice_received_date": received,
        "application_date": applied,
        "decision_date": decided,
    }


def test_sample_is_valid_and_warns_of_the_deadline() -> None:
    """This test ensures that the sample passes and the clerk is told when the decision is due."""
    facts = check(sample("review_decision"))
    assert facts.warnings == ("复查决定应于2026年3月27日前作出",)


@pytest.mark.parametrize(
    "name",
    ["applicant", "notice_number", "notice_received_date", "application_date", "request",
     "reasons", "finding", "issuer", "decision_date"],
)  # fmt: skip
def test_each_required_element_is_required(name: str) -> None:
    """This test ensures that leaving out a required element gives a Chinese message at it."""
    facts = sample("review_decision")
    del facts[name]
    errors = errors_for(facts)
    assert name in errors
    assert errors[name][0].startswith(("请填写", "请选择"))


# The original notice ---------------------------------------------------------------------


def test_malformed_number() -> None:
    """This test ensures that a 文号 not written 代字〔年份〕序号号 is refused, even without an archive."""
    facts = sample("review_decision") | {"notice_number": "君档监通[2026]1号"}
    with pytest.raises(InvalidFacts) as raised:
        validate_facts(REVIEW, facts)
    assert "〔年份〕" in raised.value.errors["notice_number"][0]


def test_without_archive_the_archive_rules_are_skipped() -> None:
    """This test ensures that a syntax-only check (no archive) accepts a number it cannot look up."""
    facts = sample("review_decision") | {"notice_number": "君档监通〔2026〕9号"}
    assert validate_facts(REVIEW, facts).values["notice_number"] == "君档监通〔2026〕9号"


def test_unknown_number() -> None:
    """This test ensures that a 文号 the archive does not hold is refused."""
    facts = sample("review_decision") | {"notice_number": "君档监通〔2026〕9号"}
    assert errors_for(facts) == {
        "notice_number": ["档案中没有文号为君档监通〔2026〕9号的文书，请核对原通知（决定）书的文号"]
    }


def test_number_of_another_kind() -> None:
    """This test ensures that only a supervision notice can be reviewed."""
    archive = FakeArchive(notice(kind="enforcement_notice"))
    errors = errors_for(sample("review_decision"), archive)
    assert errors == {
        "notice_number": [
            f"{NOTICE_NUMBER}不是执法监督通知（决定）书，只能对执法监督通知（决定）书申请复查"
        ]
    }


def test_voided_notice() -> None:
    """This test ensures that a voided notice cannot be reviewed."""
    errors = errors_for(sample("review_decision"), FakeArchive(notice(status="voided")))
    assert errors == {"notice_number": [f"{NOTICE_NUMBER}已作废，不能对其作出复查决定"]}


def test_applicant_is_the_inspected_body() -> None:
    """This test ensures that only the body the notice was addressed to may apply."""
    facts = sample("review_decision") | {"applicant": "岳阳市君山区许市镇人民政府"}
    assert "钱粮湖镇" in errors_for(facts)["applicant"][0]


def test_issuer_is_the_notice_issuer() -> None:
    """This test ensures that the 复查 is decided by the body that issued the notice."""
    facts = sample("review_decision") | {"issuer": "岳阳市君山区司法局"}
    assert "岳阳市君山区史志档案局" in errors_for(facts)["issuer"][0]


def test_receipt_not_before_issue() -> None:
    """This test ensures that the notice cannot be received before its 成文日期, but may be the same day."""
    assert errors_for(dated("2026-03-05", "2026-03-12", "2026-03-20")) == {}
    errors = errors_for(dated("2026-03-04", "2026-03-12", "2026-03-20"))
    assert errors == {
        "notice_received_date": ["收到日期不能早于原通知（决定）书的成文日期2026年3月5日"]
    }


# Time limits -------------------------------------------------------------------------------


def test_application_within_ten_days() -> None:
    """This test ensures that the application is accepted on the 10th day after receipt, not the 11th."""
    assert errors_for(dated("2026-03-06", "2026-03-16", "2026-03-20")) == {}
    errors = errors_for(dated("2026-03-06", "2026-03-17", "2026-03-20"))
    assert errors["application_date"] == [
        "复查申请应当在收到原通知（决定）书之日起10日内提出，即不晚于2026年3月16日；本申请已逾期"
    ]


def test_application_not_before_receipt() -> None:
    """This test ensures that an application cannot predate the receipt of the notice."""
    errors = errors_for(dated("2026-03-06", "2026-03-05", "2026-03-20"))
    assert errors["application_date"] == ["接到复查申请的日期不能早于收到原通知（决定）书的日期"]


def test_application_limit_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    """This test ensures that a limit whose 10th day is National Day ends on the next working day."""
    archive = FakeArchive(notice("2026-09-18"))
    # 2026-09-21 + 10 days is 1 October; the holiday runs to 7 October.
    assert errors_for(dated("2026-09-21", "2026-10-08", "2026-10-12"), archive) == {}
    errors = errors_for(dated("2026-09-21", "2026-10-09", "2026-10-12"), archive)
    assert "2026年10月8日" in errors["application_date"][0]


def test_decision_within_fifteen_days() -> None:
    """This test ensures that the decision is dated within 15 days of the application, not after."""
    assert check(dated("2026-03-06", "2026-03-12", "2026-03-27")).values["finding"] == "变更"
    errors = errors_for(dated("2026-03-06", "2026-03-12", "2026-03-28"))
    assert errors == {
        "decision_date": ["复查决定应当自接到复查申请之日起15日内作出，即不晚于2026年3月27日"]
    }


def test_decision_not_before_application() -> None:
    """This test ensures that the decision cannot predate the application."""
    errors = errors_for(dated("2026-03-06", "2026-03-12", "2026-03-11"))
    assert errors == {"decision_date": ["复查决定日期不能早于接到复查申请的日期"]}


def test_decision_limit_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    """This test ensures that a decision limit whose 15th day is in the National Day holiday is extended."""
    archive = FakeArchive(notice("2026-09-18"))
    facts = check(dated("2026-09-19", "2026-09-21", "2026-10-08"), archive)
    assert facts.warnings[0] == "复查决定应于2026年10月8日前作出"
    errors = errors_for(dated("2026-09-19", "2026-09-21", "2026-10-09"), archive)
    assert "2026年10月8日" in errors["decision_date"][0]


def test_close_deadline_warns() -> None:
    """This test ensures that a decision dated within 3 days of the last day is pointed out."""
    assert check(dated("2026-03-06", "2026-03-12", "2026-03-25")).warnings == (
        "复查决定应于2026年3月27日前作出",
        "复查决定日期距期限届满仅剩2日，请尽快送达申请人",
    )
    assert check(dated("2026-03-06", "2026-03-12", "2026-03-27")).warnings[1] == (
        "复查决定日期是期限的最后一日，请当日送达申请人"
    )
    assert len(check(dated("2026-03-06", "2026-03-12", "2026-03-23")).warnings) == 1


def test_unknown_holiday_calendar() -> None:
    """This test ensures that a limit in a year without a known holiday calendar asks for a manual check."""
    archive = FakeArchive(notice("2027-01-04"))
    errors = errors_for(dated("2027-01-05", "2027-01-08", "2027-01-20"), archive)
    for name in ("application_date", "decision_date"):
        assert "2027年" in errors[name][0]
        assert "人工核对" in errors[name][0]


# The finding --------------------------------------------------------------------------------


def test_change_needs_the_changed_decision() -> None:
    """This test ensures that 变更 without the changed decision is refused at that field."""
    facts = sample("review_decision")
    del facts["changed_decision"]
    assert errors_for(facts) == {"changed_decision": ["复查结论为变更的，请填写变更后的处理决定"]}


@pytest.mark.parametrize("finding", ["维持", "撤销"])
def test_uphold_or_withdraw_without_changed_decision(finding: str) -> None:
    """This test ensures that 维持 and 撤销 pass without, and are refused with, a changed decision."""
    facts = sample("review_decision") | {"finding": finding}
    assert errors_for(facts) == {
        "changed_decision": [f"复查结论为{finding}的，不填写变更后的处理决定"]
    }
    del facts["changed_decision"]
    assert errors_for(facts) == {}


def test_finding_outside_the_three() -> None:
    """This test ensures that a finding other than 维持, 变更 or 撤销 is refused."""
    assert "finding" in errors_for(sample("review_decision") | {"finding": "驳回"})


# Real documents -----------------------------------------------------------------------------


@pytest.mark.office
def test_against_an_issued_notice(wenshu: Wenshu) -> None:
    """This test ensures that the rules read a really issued notice, and refuse it once voided."""
    issued = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    assert issued.number == NOTICE_NUMBER
    archive = DatabaseArchiveView(wenshu.database)
    facts = validate_facts(REVIEW, sample("review_decision"), archive=archive)
    assert facts.warnings == ("复查决定应于2026年3月27日前作出",)
    with pytest.raises(InvalidFacts) as raised:
        validate_facts(REVIEW, dated("2026-03-04", "2026-03-12", "2026-03-20"), archive=archive)
    assert list(raised.value.errors) == ["notice_received_date"]
    with wenshu.database.session() as session:
        session.execute(
            update(Document).where(Document.number == NOTICE_NUMBER).values(status="voided")
        )
    with pytest.raises(InvalidFacts) as raised:
        validate_facts(REVIEW, sample("review_decision"), archive=archive)
    assert raised.value.errors == {
        "notice_number": [f"{NOTICE_NUMBER}已作废，不能对其作出复查决定"]
    }
