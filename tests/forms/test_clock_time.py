"""Tests of the time-of-day field the records share (start and end of a hearing, an inquiry)."""

from __future__ import annotations

import pytest

from forms.fields import TIME_HINT, InstrumentForm, clock_time
from service.instruments.facts import FormData


class TimeForm(InstrumentForm):
    """A form with one required and one optional time."""

    start = clock_time("开始时间")
    end = clock_time("结束时间", required=False)


def filled(**values: str) -> TimeForm:
    """Return the form filled with values and validated."""
    form = TimeForm(formdata=FormData({name: [value] for name, value in values.items()}))
    form.validate()
    return form


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("09:30", "09:30"),
        ("9:30", "09:30"),
        ("09：30", "09:30"),
        (" 14:05 ", "14:05"),
        ("0:00", "00:00"),
        ("23:59", "23:59"),
    ],
)
def test_a_time_is_kept_as_hh_mm(typed: str, kept: str) -> None:
    """This test ensures that a time typed with one hour digit or a full-width colon is kept as HH:MM."""
    form = filled(start=typed)
    assert form.errors == {}
    assert form.start.data == kept


@pytest.mark.parametrize(
    "typed", ["24:00", "9:60", "9:5", "930", "9点30分", "09:30:00", "上午9:30"]
)
def test_what_is_no_time_of_day_is_refused(typed: str) -> None:
    """This test ensures that text that is not a 24-hour time HH:MM is refused with the hint at the field."""
    assert filled(start=typed).errors == {"start": [f"开始时间：{TIME_HINT}"]}


def test_a_required_time_must_be_given() -> None:
    """This test ensures that a required time left empty asks for it, and an optional one may stay empty."""
    form = filled(start="", end="")
    assert form.errors == {"start": ["请填写开始时间"]}
    assert form.end.data == ""
