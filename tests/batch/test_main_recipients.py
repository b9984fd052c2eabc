"""Tests of a shared document's 主送: the units listed or the 统称, refused when the first page would lose its body."""

from __future__ import annotations

from service.batch.main_recipients import MAX_LINES, line_count, main_recipients
from service.batch.validation import check_rows, summarise
from service.instruments.registry import get_instrument
from tests.batch.conftest import COLLECTIVE, circular_facts, common_facts
from tests.batch.conftest import villages as village_names
from tests.fakes import FakeArchive

CIRCULAR = get_instrument("safety_circular")


def villages(count: int) -> list[tuple[int, dict[str, str]]]:
    """Return count rows from the table's row 2 on, each a village committee of 君山区."""
    return [(n, {"addressee": name}) for n, name in enumerate(village_names(count), 2)]


def test_lines_are_counted_as_the_text_area_sets_them() -> None:
    """This test ensures that 28 full-width places make a line, the colon included, a digit half a place, a zero-width space none."""
    assert line_count("档" * 27) == 1  # and the colon: 28 places
    assert line_count("档" * 28) == 2
    assert line_count("档" * 26 + "12") == 1
    assert line_count("档" * 26 + "123") == 2
    assert line_count("档\u200b" * 27) == 1
    assert line_count("") == 1


def test_the_units_are_listed_unless_a_collective_name_is_given() -> None:
    """This test ensures that the 主送 is the units joined by 顿号, or the 统称 typed (blank is none)."""
    assert main_recipients(None, ["甲单位", "乙单位"]) == "甲单位、乙单位"
    assert main_recipients("  ", ["甲单位", "乙单位"]) == "甲单位、乙单位"
    assert main_recipients(COLLECTIVE, ["甲单位", "乙单位"]) == COLLECTIVE


def test_a_list_too_long_for_the_first_page_refuses_the_batch() -> None:
    """This test ensures that when the units listed would take more than seven lines, every row is
    refused at its recipient with why and what to type, said once for all rows."""
    common = common_facts("safety_circular")
    rows = villages(15)
    assert line_count("、".join(row["addressee"] for _, row in rows)) == MAX_LINES + 1
    check = check_rows(CIRCULAR, common, rows, FakeArchive(), {})
    assert check.valid == []
    assert {(p.field, p.message) for p in check.problems} == {
        ("addressee", check.problems[0].message)
    }
    message = check.problems[0].message
    assert "主送单位共15个" in message and "要占8行" in message and "GB/T 9704" in message
    assert COLLECTIVE in message and "每个单位仍各得一份" in message
    assert summarise(check.problems, len(rows)) == [f"全部15行 addressee: {message}"]


def test_the_longest_list_allowed_passes() -> None:
    """This test ensures that a list of seven lines is issued as listed."""
    rows = villages(14)
    check = check_rows(CIRCULAR, common_facts("safety_circular"), rows, FakeArchive(), {})
    assert check.problems == [] and len(check.valid) == 14


def test_a_collective_name_lets_any_number_of_units_through() -> None:
    """This test ensures that with a 统称 typed among the common facts 500 units pass, each row keeping its unit."""
    common = circular_facts()
    rows = villages(500)
    check = check_rows(CIRCULAR, common, rows, FakeArchive(), {})
    assert check.problems == [] and len(check.valid) == 500
    assert [row.raw["addressee"] for row in check.valid[:2]] == [
        "岳阳市君山区第1村民委员会", "岳阳市君山区第2村民委员会",
    ]  # fmt: skip


def test_only_the_valid_rows_make_the_list() -> None:
    """This test ensures that a row refused for its own fault is not counted in the 主送 it would not receive."""
    rows = [
        *villages(14),
        (99, {"addressee": "岳阳市君山区第99村民委员会", "issue_date": "坏日期"}),
    ]
    check = check_rows(CIRCULAR, common_facts("safety_circular"), rows, FakeArchive(), {})
    assert len(check.valid) == 14
    assert [(p.row, p.field) for p in check.problems] == [(99, "issue_date")]


def test_the_sampling_list_is_held_to_the_same_rule() -> None:
    """This test ensures that the other kind sent to many units as one document is refused the same way."""
    sampling = get_instrument("sampling_list")
    rows = villages(15)
    check = check_rows(sampling, common_facts("sampling_list"), rows, FakeArchive(), {})
    assert any("首页将排不下正文" in p.message for p in check.problems)
