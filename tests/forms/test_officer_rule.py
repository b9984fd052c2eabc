"""Tests of the rule that the officers a form names are certified in the bureau's officer directory."""

from __future__ import annotations

import datetime as dt

from service.instruments.registry import get_instrument
from tests.conftest import sample
from tests.fakes import FakeArchive, FakeOfficer, validation_errors

LI = FakeOfficer("李建平", "43061120190031", dt.date(2027, 12, 31))
ZHOU = FakeOfficer("周晓燕", "43061120210047", dt.date(2027, 6, 30))
INSPECTION = get_instrument("inspection_record")


def officer_errors(archive: FakeArchive, **changes: object) -> list[object]:
    """Return the messages at the officers of the sample inspection record, checked with archive."""
    errors = validation_errors(INSPECTION, sample("inspection_record") | changes, archive)
    assert set(errors) <= {"officers"}, errors
    return list(errors.get("officers", []))


def test_certified_officers_are_accepted() -> None:
    """This test ensures that officers the directory certifies on the document's date pass."""
    assert officer_errors(FakeArchive(officers=[LI, ZHOU])) == []


def test_an_empty_directory_checks_nothing() -> None:
    """This test ensures that a bureau without an officer directory is not refused anyone."""
    assert officer_errors(FakeArchive()) == []


def test_an_expired_certificate_is_refused_at_its_row() -> None:
    """This test ensures that a certificate ended before the document's date is refused at that
    row's 执法证号, saying when it expired."""
    expired = FakeOfficer("周晓燕", "43061120210047", dt.date(2026, 4, 13))
    errors = officer_errors(FakeArchive(officers=[LI, expired]))
    assert errors == ["第2项：执法证号43061120210047已于2026年4月13日过期，不能作为执法人员"]


def test_a_certificate_valid_on_the_day_is_accepted() -> None:
    """This test ensures that a certificate is valid through its last day."""
    last_day = FakeOfficer("周晓燕", "43061120210047", dt.date(2026, 4, 14))
    assert officer_errors(FakeArchive(officers=[LI, last_day])) == []


def test_an_unknown_certificate_or_another_name_is_refused() -> None:
    """This test ensures that, once the directory has officers, a 执法证号 it lacks or one it
    gives to another person is refused."""
    errors = officer_errors(FakeArchive(officers=[LI]))
    assert len(errors) == 1 and "执法人员名录中没有执法证号“43061120210047”" in str(errors[0])
    other = FakeOfficer("周燕", "43061120210047", dt.date(2027, 6, 30))
    errors = officer_errors(FakeArchive(officers=[LI, other]))
    assert len(errors) == 1 and "持证人是“周燕”，不是“周晓燕”" in str(errors[0])


def test_servers_of_a_receipt_are_checked_too() -> None:
    """This test ensures that a 送达人's 执法证号 on a 送达回证 is checked like an officer row."""
    facts = sample("service_receipt")
    server = facts["server"][0]
    expired = FakeOfficer(server["name"], server["certificate"], dt.date(2000, 1, 1))
    errors = validation_errors(
        get_instrument("service_receipt"), facts, FakeArchive(officers=[expired])
    )
    assert "过期，不能作为执法人员" in str(errors.get("server"))
