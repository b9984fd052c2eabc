"""Tests of what typed text may hold, and of answers that quote bad input back briefly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.batch.validation import check_rows
from service.commands.cli import main
from service.foundations.plaintext import BIDI_CONTROLS, quote_back, quote_many, unprintable
from service.instruments.facts import InvalidFacts, validate_facts
from service.instruments.registry import get_instrument
from tests.conftest import sample

# Every bidirectional control the issue names, and the marks an attacker would try next.
BIDI = sorted(BIDI_CONTROLS)


def test_the_bidi_controls_are_the_unicode_ones() -> None:
    """This test ensures that the refused set holds U+202A–202E, U+2066–2069 and the three marks."""
    expected = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
    assert expected | {"\u200e", "\u200f", "\u061c"} == BIDI_CONTROLS


@pytest.mark.parametrize("control", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_controls_are_refused_in_every_kind_of_text(control: str) -> None:
    """This test ensures that a bidi control in a short text, a long text or a row is a field message."""
    instrument = get_instrument("penalty_decision")
    facts = sample("penalty_decision")
    for field, value in [
        ("party_name", "君山区某" + control + "公司"),
        ("facts", "第一段\n第二" + control + "段"),
    ]:
        with pytest.raises(InvalidFacts) as refused:
            validate_facts(instrument, facts | {field: value})
        assert "双向文字控制符" in " ".join(refused.value.errors[field])
        assert f"U+{ord(control):04X}" in " ".join(refused.value.errors[field])
    officers = [dict(row) for row in facts["officers"]]
    officers[1]["name"] = control + officers[1]["name"]
    with pytest.raises(InvalidFacts) as refused:
        validate_facts(instrument, facts | {"officers": officers})
    assert "第2项" in " ".join(refused.value.errors["officers"])


def test_plain_chinese_and_other_scripts_pass() -> None:
    """This test ensures that ordinary text, tabs and newlines in long text and emoji are not refused."""
    assert unprintable("岳阳市君山区（测试）单位 №1 😀 Ünïcödé") is None
    assert unprintable("一段\t文字\n第二段", multiline=True) is None
    assert unprintable("一行\n两行") is not None


def test_a_batch_row_with_a_bidi_control_is_refused_by_row_and_field() -> None:
    """This test ensures that a recipients table row holding a bidi control is refused at its row."""
    instrument = get_instrument("correction_order")
    common = {k: v for k, v in sample("correction_order").items() if k != "unit"}
    check = check_rows(
        instrument, common, [(2, {"unit": "甲单位"}), (3, {"unit": "乙\u202e单位"})], None, {}
    )  # type: ignore[arg-type]
    assert [(problem.row, problem.field) for problem in check.problems] == [(3, "unit")]
    assert "双向文字控制符" in check.problems[0].message


def test_cli_validate_refuses_a_bidi_control(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that `wenshu validate` names the field holding a bidi control and exits 2."""
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(sample("supervision_notice") | {"inspected_body": "甲\u2067乙"}), "utf-8"
    )
    result = runner.invoke(main, ["validate", "supervision_notice", str(facts)])
    assert result.exit_code == 2
    assert "inspected_body" in result.output and "U+2067" in result.output


def test_quote_back_shortens_and_shows_controls() -> None:
    """This test ensures that quoted input is cut to 40 characters with its length, controls shown as escapes."""
    assert quote_back("甲乙") == "甲乙"
    long = quote_back("字" * 1_000_000)
    assert long == "字" * 40 + "…（共1000000个字符）"
    assert quote_back("a\u202eb\x00c") == "a\\u202eb\\u0000c"
    assert quote_many(str(n) for n in range(100)) == "0、1、2、3、4等100个"


def test_unknown_field_names_are_quoted_briefly() -> None:
    """This test ensures that megabyte or countless unknown field names are not echoed back whole."""
    instrument = get_instrument("supervision_notice")
    with pytest.raises(InvalidFacts) as refused:
        validate_facts(instrument, sample("supervision_notice") | {"x" * 1_000_000: "1"})
    assert len(json.dumps(refused.value.errors, ensure_ascii=False)) < 2_000
    many = {f"field{n}": "1" for n in range(100_000)}
    with pytest.raises(InvalidFacts) as refused:
        validate_facts(instrument, sample("supervision_notice") | many)
    answer = json.dumps(refused.value.errors, ensure_ascii=False)
    assert len(answer) < 2_000 and "共有100000个名称" in answer
