"""Tests of the 档案监督检查执法通知书's rules: legal basis, deadline and the 补发 after an oral order."""

from __future__ import annotations

from typing import Any

import pytest

from service.instruments.facts import Facts, InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample

NOTICE = get_instrument("enforcement_notice")


def check(facts: dict[str, Any]) -> Facts:
    """Return the validated facts."""
    return validate_facts(NOTICE, facts)


def errors_for(facts: dict[str, Any]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    try:
        check(facts)
    except InvalidFacts as error:
        return error.errors
    return {}


def not_reissued() -> dict[str, Any]:
    """Return the sample as a notice issued directly, without an earlier oral order."""
    facts = sample("enforcement_notice") | {"reissued": False}
    del facts["oral_order_date"]
    return facts


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample (a 补发 notice) passes every rule."""
    facts = check(sample("enforcement_notice"))
    assert facts.values["reissued"] is True
    assert facts.warnings == ()


def test_notice_without_oral_order_is_valid() -> None:
    """This test ensures that an ordinary notice needs no oral order's date."""
    assert errors_for(not_reissued()) == {}


@pytest.mark.parametrize(
    "field",
    ["unit", "inspection_date", "finding_type", "findings", "legal_basis", "corrections",
     "deadline", "issue_date"],
)  # fmt: skip
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any required element gives a Chinese message at it."""
    facts = not_reissued()
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_finding_outside_options_is_refused() -> None:
    """This test ensures that the nature of the finding is one of the seed's (违法行为, 安全隐患)."""
    assert "finding_type" in errors_for(sample("enforcement_notice") | {"finding_type": "其他"})


@pytest.mark.parametrize(
    "basis",
    ["《中华人民共和国档案法》第四十五条", "《中华人民共和国档案法实施条例》第51条"],
)
def test_basis_citing_an_article_is_accepted(basis: str) -> None:
    """This test ensures that a basis naming a statute and its article is accepted."""
    assert errors_for(sample("enforcement_notice") | {"legal_basis": basis}) == {}


@pytest.mark.parametrize("basis", ["档案法有关规定", "《中华人民共和国档案法》", "第四十五条"])
def test_basis_without_statute_and_article_is_refused(basis: str) -> None:
    """This test ensures that a basis must name both the statute and the article."""
    errors = errors_for(sample("enforcement_notice") | {"legal_basis": basis})
    assert errors == {
        "legal_basis": [
            "法律依据应当写明法律法规的名称和条款，如《中华人民共和国档案法》第四十二条、第四十五条"
        ]
    }


@pytest.mark.parametrize("deadline", ["2026-04-15", "2026-04-01"])
def test_deadline_must_follow_issue_date(deadline: str) -> None:
    """This test ensures that the correction deadline cannot be on or before the issue date."""
    errors = errors_for(sample("enforcement_notice") | {"deadline": deadline})
    assert errors == {"deadline": ["改正期限应当晚于成文日期"]}


def test_inspection_after_the_notice_is_refused() -> None:
    """This test ensures that the inspection cannot come after the notice it gave rise to."""
    facts = not_reissued() | {"inspection_date": "2026-04-16"}
    assert errors_for(facts) == {"inspection_date": ["检查日期不能晚于成文日期"]}


@pytest.mark.parametrize("oral", [None, ""])
def test_reissued_notice_needs_the_oral_order_date(oral: str | None) -> None:
    """This test ensures that a 补发 notice must give the date of the oral order."""
    facts = sample("enforcement_notice") | {"oral_order_date": oral}
    assert errors_for(facts) == {
        "oral_order_date": ["补发执法通知书的，请填写口头责令采取紧急处置措施的日期"]
    }


def test_oral_order_after_the_notice_is_refused() -> None:
    """This test ensures that the oral order cannot come after the notice that follows it."""
    facts = sample("enforcement_notice") | {"oral_order_date": "2026-04-16"}
    assert errors_for(facts) == {"oral_order_date": ["口头责令日期不能晚于本通知书的成文日期"]}


def test_oral_order_on_the_day_of_the_notice_is_accepted() -> None:
    """This test ensures that an oral order given on the notice's own date is accepted."""
    assert errors_for(sample("enforcement_notice") | {"oral_order_date": "2026-04-15"}) == {}


def test_oral_order_before_the_inspection_is_refused() -> None:
    """This test ensures that the oral order cannot precede the inspection that found the problem."""
    facts = sample("enforcement_notice") | {"oral_order_date": "2026-04-13"}
    assert errors_for(facts) == {"oral_order_date": ["口头责令日期不能早于检查日期"]}


def test_oral_order_date_without_reissue_is_refused() -> None:
    """This test ensures that an oral order's date is refused on a notice not marked 补发."""
    facts = sample("enforcement_notice") | {"reissued": False}
    assert errors_for(facts) == {
        "oral_order_date": [
            "不是补发的执法通知书，不应填写口头责令日期；紧急情况下已先行口头责令的，请勾选“补发”"
        ]
    }


def test_malformed_oral_order_date() -> None:
    """This test ensures that a malformed oral order's date is reported with the expected format."""
    facts = sample("enforcement_notice") | {"oral_order_date": "4月14日"}
    assert "年-月-日" in errors_for(facts)["oral_order_date"][0]
