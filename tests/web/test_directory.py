"""Tests of the directory lookups the forms pick from, and of the pages that keep the directories."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from service.archive.officer_table import OfficerRow
from service.archive.officers import list_officers, save_officer
from service.archive.unit_table import TEMPLATE_HEADERS as UNIT_HEADERS
from service.archive.units import import_units, list_units
from service.batch.validation import SnapshotArchive
from service.instruments.registry import get_instrument
from service.web.formdata import facts_as_formdata
from tests.conftest import sample, signed_in
from tests.fakes import validation_errors
from tests.web.clock import clocked
from tests.web.issuing import form_url, review_at
from tests.web.test_api import bearer, post, token_for
from tests.web.test_kept_submissions import opened, post_late, sign_in, signed_in_as

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


def clerk_lookup(app: Flask, text: str) -> list[dict[str, str]]:
    """Return the units a clerk's form finds for text."""
    found: list[dict[str, str]] = (
        signed_in(app, "clerk").get(f"/directory/units.json?q={text}").get_json()["units"]
    )
    return found


def admin(app: Flask) -> FlaskClient:
    """Return a client signed in as an administrator."""
    return signed_in(app, "admin")


def xlsx(rows: Sequence[Sequence[object]]) -> io.BytesIO:
    """Return a workbook of these rows, as a browser uploads it."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


def test_the_directory_pages_are_for_administrators(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a clerk is refused the directory pages and an administrator sees
    名录 in the navigation."""
    assert client.get("/directory/units").status_code == 403
    assert client.get("/directory/officers").status_code == 403
    page = admin(app).get("/").get_data(as_text=True)
    assert 'href="/directory/units"' in page


def test_units_are_listed_searched_added_edited_and_deactivated(app: Flask) -> None:
    """This test ensures that an administrator finds a unit, adds one, is told at the field what
    is wrong with everything typed kept, edits it, and takes it out of the lookups."""
    with_directories(app)
    browser = admin(app)
    found = browser.get("/directory/units?q=君信").get_data(as_text=True)
    assert "岳阳君信档案数字化服务有限公司" in found and "岳阳洞庭档案管理服务有限公司" not in found
    typed = {"name": "君山区档案服务中心", "credit_code": "12345", "town": "柳林洲街道"}
    refused = browser.post("/directory/units/new", data=typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "统一社会信用代码" in page and 'value="柳林洲街道"' in page and 'value="12345"' in page
    typed |= {"credit_code": "91430611MA4PBN3K2X"}
    held = browser.post("/directory/units/new", data=typed).get_data(as_text=True)
    assert "已是名录中“岳阳君信档案数字化服务有限公司”的代码" in held
    typed |= {"credit_code": "12430611mb12345604", "category": "事业单位"}
    assert browser.post("/directory/units/new", data=typed).status_code == 302
    added = clerk_lookup(app, "12430611MB")
    assert added == [{**typed, "credit_code": "12430611MB12345604", "address": "",
                      "representative": ""}]  # fmt: skip
    clerk = signed_in(app, "clerk")
    with app.extensions["wenshu"].database.session() as session:
        first = next(unit for unit in list_units(session) if unit.name.startswith("岳阳君信"))
    changed = {
        "name": first.name, "credit_code": first.credit_code, "address": first.address,
        "representative": "李四", "town": "柳林洲街道", "category": "档案服务企业",
    }  # fmt: skip
    assert browser.post(f"/directory/units/{first.id}", data=changed).status_code == 302
    picked = clerk.get("/directory/units.json?q=君信").get_json()["units"][0]
    assert picked["representative"] == "李四" and picked["town"] == "柳林洲街道"
    assert (
        browser.post(f"/directory/units/{first.id}/active", data={"active": "0"}).status_code == 302
    )
    assert clerk.get("/directory/units.json?q=君信").get_json() == {"units": []}
    assert "已停用" in browser.get("/directory/units?q=君信").get_data(as_text=True)


def test_a_units_table_is_imported_all_or_nothing(app: Flask) -> None:
    """This test ensures that a table with one bad row keeps nothing and names the row, and the
    table right imports every unit with its town and category."""
    browser = admin(app)
    header = ["单位名称", "统一社会信用代码", "地址", "法定代表人", "所在乡镇", "单位类别"]
    good = ["岳阳君信档案数字化服务有限公司", "91430611MA4PBN3K2X", "君山大道168号", "陈志刚",
            "柳林洲街道", "档案服务企业"]  # fmt: skip
    bad = ["岳阳洞庭档案管理服务有限公司", "914306113230122840", "", "", "", ""]
    refused = browser.post(
        "/directory/units/import", data={"table": (xlsx([header, good, bad]), "单位.xlsx")}
    )
    assert refused.status_code == 422
    assert "第3行 统一社会信用代码" in refused.get_data(as_text=True)
    with app.extensions["wenshu"].database.session() as session:
        assert list_units(session) == []
    imported = browser.post(
        "/directory/units/import", data={"table": (xlsx([header, good]), "单位.xlsx")}
    )
    assert imported.status_code == 302
    with app.extensions["wenshu"].database.session() as session:
        [unit] = list_units(session)
    assert (unit.town, unit.category) == ("柳林洲街道", "档案服务企业")
    unreadable = browser.post(
        "/directory/units/import", data={"table": (io.BytesIO(b"x"), "units.pdf")}
    )
    assert unreadable.status_code == 422 and "只能读取" in unreadable.get_data(as_text=True)


def test_the_import_templates_download_with_their_headers(app: Flask, tmp_path: Path) -> None:
    """This test ensures that each directory's template downloads under its Chinese name with the
    Chinese headers and an example row that imports as it is."""
    browser = admin(app)
    for url, headers in (
        ("/directory/units/template.xlsx", UNIT_HEADERS),
        ("/directory/officers/template.xlsx", ("姓名", "执法证号", "有效期至")),
    ):
        response = browser.get(url)
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        saved = tmp_path / f"{url.split('/')[2]}.xlsx"
        saved.write_bytes(response.data)
        sheet = load_workbook(saved).worksheets[0]
        assert tuple(cell.value for cell in sheet[1]) == headers
        assert sheet[2][0].value
        kind = url.split("/")[2]
        upload = {"table": (io.BytesIO(response.data), "模板.xlsx")}
        assert browser.post(f"/directory/{kind}/import", data=upload).status_code == 302


def test_officers_are_added_imported_and_deactivated(app: Flask) -> None:
    """This test ensures that an administrator adds an officer (a bad date named at its field),
    imports a table checked row by row, sees an expired certificate marked, and deactivates."""
    app.config["TODAY"] = TODAY
    browser = admin(app)
    typed = {"name": "李明", "certificate": "43060012345", "valid_until": "2027-13-01"}
    refused = browser.post("/directory/officers/new", data=typed)
    assert refused.status_code == 422 and "日期格式应为" in refused.get_data(as_text=True)
    typed["valid_until"] = "2027-12-31"
    assert browser.post("/directory/officers/new", data=typed).status_code == 302
    again = browser.post("/directory/officers/new", data=typed | {"name": "王五"})
    assert "已是名录中“李明”的执法证号" in again.get_data(as_text=True)
    header: list[object] = ["姓名", "执法证号", "有效期至"]
    rows: list[list[object]] = [
        header,
        ["张华", "43060054321", "2026-03-01"],
        ["赵六", "43060054321", "2027年1月1日"],
    ]
    refused = browser.post("/directory/officers/import", data={"table": (xlsx(rows), "o.xlsx")})
    assert refused.status_code == 422
    assert "第3行 执法证号: 与第2行“张华”的执法证号相同" in refused.get_data(as_text=True)
    rows = [
        header,
        ["张华", "43060054321", dt.date(2026, 3, 1)],
        ["赵六", "43060099999", "2027年1月1日"],
    ]
    assert (
        browser.post(
            "/directory/officers/import", data={"table": (xlsx(rows), "o.xlsx")}
        ).status_code
        == 302
    )
    page = browser.get("/directory/officers").get_data(as_text=True)
    assert page.count("已过期") == 1 and "赵六" in page
    with app.extensions["wenshu"].database.session() as session:
        zhang = next(o for o in list_officers(session) if o.name == "张华")
    browser.post(f"/directory/officers/{zhang.id}/active", data={"active": "0"})
    clerk = signed_in(app, "clerk")
    names = [o["name"] for o in clerk.get("/directory/officers.json").get_json()["officers"]]
    assert names == ["李明", "赵六"]


def test_an_expired_officer_is_refused_by_the_form_and_the_api(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that the form page and the API both refuse an officer whose certificate
    expired before the document's date, the form at the officer's row with the facts kept."""
    facts = sample("inspection_record")
    first, second = facts["officers"]
    with app.extensions["wenshu"].database.session() as session:
        save_officer(
            session, OfficerRow(0, first["name"], first["certificate"], dt.date(2030, 1, 1))
        )
        save_officer(
            session, OfficerRow(0, second["name"], second["certificate"], dt.date(2026, 1, 31))
        )
    expired = f"执法证号{second['certificate']}已于2026年1月31日过期，不能作为执法人员"
    page = review_at(client, form_url("inspection_record"), facts_as_formdata(facts))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert expired in html and f'value="{second["certificate"]}"' in html
    token = token_for(app, "clerk")
    answer = post(app.test_client(), bearer(token), {"kind": "inspection_record", "facts": facts})
    assert answer.status_code == 422
    assert expired in str(answer.get_json()["errors"]["officers"])


def test_an_officer_typed_past_the_idle_limit_comes_back(app: Flask) -> None:
    """This test ensures that an officer's form posted after the session ended is kept and comes
    back as typed, unsaved, once the administrator signs in again."""
    clock = clocked(app)
    browser = signed_in_as(app, "管理员", "admin")
    page = opened(browser, "/directory/officers/new")
    typed = {"name": "李明", "certificate": "43060012345", "valid_until": "2027-12-31"}
    clock.advance(minutes=31)
    late = post_late(browser, "/directory/officers/new", page, typed)
    assert late.status_code == 302 and late.headers["Location"].startswith("/login"), late.headers[
        "Location"
    ]
    assert sign_in(browser, "管理员").headers["Location"] == "/directory/officers/new"
    back = browser.get("/directory/officers/new").get_data(as_text=True)
    assert 'value="李明"' in back and 'value="43060012345"' in back and 'value="2027-12-31"' in back
    with app.extensions["wenshu"].database.session() as session:
        assert list_officers(session) == []


def test_a_batch_checks_officers_against_the_same_directory(app: Flask) -> None:
    """This test ensures that the archive a batch's rows are checked with answers the officer
    directory as a single document's does, so a batch refuses an expired officer too."""
    database = app.extensions["wenshu"].database
    snapshot = SnapshotArchive(database)
    assert not snapshot.has_officers()
    with_directories(app)
    again = SnapshotArchive(database)
    assert again.has_officers()
    officer = again.officer("43060054321")
    assert officer is not None and officer.valid_until == dt.date(2026, 3, 1)
    facts = sample("inspection_record")
    facts["officers"][1] |= {"name": "张华", "certificate": "43060054321"}
    facts["officers"][0] |= {"name": "李明", "certificate": "43060012345"}
    errors = validation_errors(get_instrument("inspection_record"), facts, again)
    assert "执法证号43060054321已于2026年3月1日过期" in str(errors["officers"])
