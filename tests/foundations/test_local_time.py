"""Tests of the bureau's time zone: the setting, and moments and days read in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from service.foundations.config import load_settings
from service.foundations.formatting import format_moment, local_date

# 16:30 UTC on 5 March is 00:30 on 6 March in Beijing: the two calendars disagree.
NEAR_MIDNIGHT = dt.datetime(2026, 3, 5, 16, 30, 5, tzinfo=dt.UTC)


def test_the_zone_defaults_to_shanghai_and_is_set_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the bureau's zone is Asia/Shanghai unless WENSHU_TIMEZONE names another."""
    assert load_settings({"instance_path": tmp_path}).timezone == "Asia/Shanghai"
    monkeypatch.setenv("WENSHU_TIMEZONE", "Asia/Urumqi")
    assert load_settings({"instance_path": tmp_path}).timezone == "Asia/Urumqi"


def test_an_unknown_zone_is_refused(tmp_path: Path) -> None:
    """This test ensures that a misspelt time zone stops the service at start, naming the setting."""
    with pytest.raises(ValueError, match="time zone"):
        load_settings({"instance_path": tmp_path, "timezone": "Asia/Beijing"})


def test_moments_and_days_are_the_bureaus() -> None:
    """This test ensures that a stored UTC moment is shown, and its day taken, in the bureau's zone."""
    assert format_moment(NEAR_MIDNIGHT, "Asia/Shanghai") == "2026-03-06 00:30"
    assert format_moment(NEAR_MIDNIGHT, "Asia/Shanghai", seconds=True) == "2026-03-06 00:30:05"
    assert format_moment(NEAR_MIDNIGHT, "UTC") == "2026-03-05 16:30"
    assert format_moment(None, "Asia/Shanghai") == ""
    assert local_date(NEAR_MIDNIGHT, "Asia/Shanghai") == dt.date(2026, 3, 6)
    assert local_date(NEAR_MIDNIGHT, "UTC") == dt.date(2026, 3, 5)
    # SQLite gives stored moments back without their zone; they were written in UTC.
    naive = NEAR_MIDNIGHT.replace(tzinfo=None)
    assert format_moment(naive, "Asia/Shanghai") == "2026-03-06 00:30"
