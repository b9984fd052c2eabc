"""Tests of matching a record's speakers to the people who took part."""

from __future__ import annotations

from forms.participants import person_named, repeated


def test_a_speaker_is_matched_by_the_name_in_the_line() -> None:
    """This test ensures that a speaker written with a role is matched to the name it holds."""
    assert person_named("调查人员李卫东", ["张立新", "李卫东"]) == "李卫东"
    assert person_named("李卫东", ["张立新", "李卫东"]) == "李卫东"


def test_the_longest_name_wins() -> None:
    """This test ensures that 张立新 is not taken for a 张立 also present."""
    assert person_named("主持人张立新", ["张立", "张立新"]) == "张立新"
    assert person_named("主持人张立新", ["张立新", "张立"]) == "张立新"


def test_a_speaker_naming_nobody_present_is_none() -> None:
    """This test ensures that a line without any participant's name matches nobody, blanks ignored."""
    assert person_named("旁听人员", ["张立新", ""]) is None


def test_names_given_twice_are_found() -> None:
    """This test ensures that each name given more than once is reported once, sorted."""
    assert repeated(["吴芳", "何晓东", "吴芳", "刘建平", "何晓东", "吴芳"]) == ["何晓东", "吴芳"]
    assert repeated(["吴芳", "何晓东"]) == []
