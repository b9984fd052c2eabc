"""Tests of the supervision notice's form rules, through the same validation every entry point uses."""

from __future__ import annotations

import pytest

from service.instruments.facts import InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import validation_errors

NOTICE = get_instrument("supervision_notice")


def errors_for(facts: dict[str, object]) -> dict[str, list[str]]:
    """Return the validation errors for facts (empty when valid)."""
    return validation_errors(NOTICE, facts)


def test_sample_is_valid() -> None:
    """This test ensures that the shipped sample passes every rule."""
    assert errors_for(sample("supervision_notice")) == {}


@pytest.mark.parametrize(
    "field",
    ["inspected_body", "situation", "facts", "reasons", "decision_type", "decision",
     "legal_basis", "execution_manner", "deadline", "issuer", "issue_date"],
)  # fmt: skip
def test_each_required_element_is_required(field: str) -> None:
    """This test ensures that leaving out any required element gives a Chinese message at it."""
    facts = sample("supervision_notice")
    del facts[field]
    errors = errors_for(facts)
    assert list(errors) == [field]
    assert errors[field][0].startswith(("请填写", "请选择"))


def test_blank_text_counts_as_missing() -> None:
    """This test ensures that whitespace alone does not satisfy a required field."""
    facts = sample("supervision_notice") | {"inspected_body": "   "}
    assert errors_for(facts) == {"inspected_body": ["请填写被检查单位名称"]}


def test_deadline_must_follow_issue_date() -> None:
    """This test ensures that the execution deadline cannot be on or before the issue date."""
    facts = sample("supervision_notice") | {"deadline": "2026-03-05"}
    assert errors_for(facts) == {"deadline": ["执行期限应当晚于成文日期"]}


def test_malformed_date() -> None:
    """This test ensures that a malformed date is reported with the expected format."""
    facts = sample("supervision_notice") | {"issue_date": "2026年3月5日"}
    assert "年-月-日" in errors_for(facts)["issue_date"][0]


def test_choice_outside_options() -> None:
    """This test ensures that a situation outside the seed's six is refused."""
    facts = sample("supervision_notice") | {"situation": "随便什么"}
    assert "situation" in errors_for(facts)


def test_control_characters_are_refused_with_their_position() -> None:
    """This test ensures that control characters are named, by position, and not silently dropped."""
    facts = sample("supervision_notice") | {"inspected_body": "某某\x07单位", "facts": "第一段\x1b"}
    errors = errors_for(facts)
    assert errors["inspected_body"] == ["第3个字符是不可打印的控制字符（U+0007），请删除后再提交"]
    assert "U+001B" in errors["facts"][0]


def test_line_break_in_one_line_field() -> None:
    """This test ensures that a one-line field refuses a line break."""
    facts = sample("supervision_notice") | {"legal_basis": "第一行\n第二行"}
    assert "换行" in errors_for(facts)["legal_basis"][0]


def test_long_text_keeps_paragraphs_and_normalises_line_ends() -> None:
    """This test ensures that long text keeps one paragraph a line, whatever the line ending."""
    facts = sample("supervision_notice") | {"facts": "第一段\r\n\r\n第二段\r第三段"}
    validated = validate_facts(NOTICE, facts)
    assert validated.values["facts"] == "第一段\n第二段\n第三段"


def test_unknown_field_and_wrong_type() -> None:
    """This test ensures that unknown fields and values of the wrong shape are reported as such."""
    facts = sample("supervision_notice") | {"fine": 100, "facts": {"a": 1}}
    errors = errors_for(facts)
    assert errors["fine"] == ["不是这种文书的字段"]
    assert errors["facts"] == ["值的类型不对：应当是文字、数字或日期"]


def test_too_long() -> None:
    """This test ensures that over-long text is refused with its limit."""
    facts = sample("supervision_notice") | {"inspected_body": "单" * 61}
    assert errors_for(facts) == {"inspected_body": ["被检查单位名称不能超过60个字"]}


def test_not_an_object() -> None:
    """This test ensures that facts that are not an object are refused."""
    with pytest.raises(InvalidFacts):
        validate_facts(NOTICE, ["not", "an", "object"])  # type: ignore[arg-type]
