"""Tests of the directory lookups the forms pick from, and of the pages that keep the directories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from service.archive.officer_table import OfficerRow
from service.archive.officers import save_officer
from service.archive.units import import_units
from tests.conftest import signed_in

UNITS = Path(__file__).resolve().parents[2] / "samples" / "units.csv"
TODAY = dt.date(2026, 3, 2)


def with_directories(app: Flask) -> None:
    """Fill the unit directory from the sample table and name two officers, one expired."""
    with app.extensions["wenshu"].database.session() as session:
        import_units(session, UNITS)
        save_officer(session, OfficerRow(0, "李明", "43060012345", dt.date(2027, 12, 31)))
        save_officer(session, OfficerRow(0, "张华", "43060054321", dt.date(2026, 3, 1)))


def test_units_lookup_matches_name_or_code_prefix(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the units lookup finds units by a part of the name or the start of
    the credit code, with the facts a form fills from them."""
    with_directories(app)
    found = client.get("/directory/units.json?q=君信").get_json()["units"]
    assert [unit["name"] for unit in found] == ["岳阳君信档案数字化服务有限公司"]
    assert found[0] == {
        "name": "岳阳君信档案数字化服务有限公司",
        "credit_code": "91430611MA4PBN3K2X",
        "address": "湖南省岳阳市君山区柳林洲街道君山大道168号",
        "representative": "陈志刚",
        "town": "",
        "category": "",
    }
    by_code = client.get("/directory/units.json?q=914306113230").get_json()["units"]
    assert [unit["name"] for unit in by_code] == ["岳阳洞庭档案管理服务有限公司"]
    assert client.get("/directory/units.json?q=MA4PBN").get_json() == {"units": []}
    assert client.get("/directory/units.json?q=%25").get_json() == {"units": []}


def test_officers_lookup_flags_expired(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the officers lookup answers each officer's certificate and whether
    it has expired as of the bureau's today."""
    app.config["TODAY"] = TODAY
    with_directories(app)
    found = client.get("/directory/officers.json?q=").get_json()["officers"]
    assert found == [
        {
            "name": "张华",
            "certificate": "43060054321",
            "valid_until": "2026-03-01",
            "expired": True,
        },
        {
            "name": "李明",
            "certificate": "43060012345",
            "valid_until": "2027-12-31",
            "expired": False,
        },
    ]
    by_number = client.get("/directory/officers.json?q=4306001").get_json()["officers"]
    assert [officer["name"] for officer in by_number] == ["李明"]


def test_lookups_are_for_those_who_issue_or_approve(app: Flask, anonymous: FlaskClient) -> None:
    """This test ensures that a maintainer is refused the lookups, a head is answered, and one not
    signed in is sent to sign in."""
    with_directories(app)
    assert signed_in(app, "maintainer").get("/directory/units.json").status_code == 403
    assert signed_in(app, "head").get("/directory/officers.json").status_code == 200
    assert anonymous.get("/directory/units.json").status_code in {302, 401}
