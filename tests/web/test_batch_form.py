"""Tests of the batch form: common facts through the instrument's fields, the recipients table, the directory."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from service.acts.issuing import issue_document
from service.batch.jobs import load_job
from service.batch.recipients import read_recipients
from service.database.models import Unit
from service.instruments.registry import get_instrument
from service.web.formdata import facts_as_formdata
from tests.batch.conftest import COLLECTIVE, common_facts, villages
from tests.conftest import sample
from tests.web.batch_client import csv_bytes, upload, wait_until_finished

UNREPORTED = ["中共岳阳市君山区委办公室", "岳阳市君山区人民政府办公室"]


def test_form_takes_the_common_facts_through_the_instruments_fields(client: FlaskClient) -> None:
    """This test ensures that the batch page shows the kind's own fields, the recipient marked as coming from the table."""
    page = client.get("/batch?kind=correction_order").get_data(as_text=True)
    assert 'name="issue_date"' in page and 'id="field-deadline"' in page
    assert 'name="unit"' not in page and "每份不同：取自收文单位表格的同名各列" in page
    assert page.split('id="field-unit"')[1].split("</span>")[0].endswith("未提交自查报告的单位")
    assert "/batch/correction_order/recipients.xlsx" in page and "下载收文单位表格" in page
    assert 'name="facts"' not in page
    assert 'name="issue_date"' not in client.get("/batch").get_data(as_text=True)


def test_a_document_sent_to_many_units_asks_for_its_collective_name(client: FlaskClient) -> None:
    """This test ensures that a 通报's batch form offers the 主送 统称, not required, each unit still from the table."""
    page = client.get("/batch?kind=safety_circular").get_data(as_text=True)
    block = page.split('id="field-addressee"')[1].split("</div>")[0]
    assert "主送机关统称（可不填）" in block and 'name="addressee"' in block
    assert "required" not in block and "各乡镇人民政府、街道办事处，区直各单位" in block
    assert "每份不同：取自收文单位表格的同名各列" not in page


def test_a_circular_to_too_many_units_asks_for_a_collective_name_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that a 主送 list the first page cannot hold is refused once, not once per
    row, with what was typed kept; with the 统称 typed the job starts and prints it."""
    units = villages(40)
    facts = common_facts("safety_circular") | {"problems": "一是<b>库房</b>混用"}
    refused = upload(client, csv_bytes(units), facts)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert page.count("主送单位共40个") == 2 and "全部40行" in page  # in the list, at the field
    block = page.split('id="field-addressee"')[1].split("</div>")[0]
    assert 'class="error"' in block and "主送单位共40个" in block
    assert "第2行" not in page.split('id="problems-title"')[1].split("</table>")[0]
    assert "一是&lt;b&gt;库房&lt;/b&gt;混用" in page and 'value="2026-01-20"' in page
    assert 'name="skip_invalid"' not in page  # no row to go on with
    too_long = upload(client, csv_bytes(units), facts | {"addressee": "各" * 61})
    block = too_long.get_data(as_text=True).split('id="field-addressee"')[1].split("</div>")[0]
    assert too_long.status_code == 400 and 'class="error"' in block and "各" * 61 in block
    started = upload(client, csv_bytes(units), facts | {"addressee": COLLECTIVE})
    assert started.status_code == 302, started.get_data(as_text=True)
    job_id = int(started.headers["Location"].rsplit("/", 1)[1])
    job = load_job(app.extensions["wenshu"], job_id)
    assert job.common_facts["addressee"] == COLLECTIVE and job.total == 40
    assert wait_until_finished(client, started.headers["Location"], timeout=120)["done"] == 40


def test_a_blank_batch_form_starts_as_a_single_form_does(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the batch form starts with the bureau's today as the date and the bureau as issuer."""
    app.config["TODAY"] = dt.date(2026, 3, 9)
    page = client.get("/batch?kind=correction_order").get_data(as_text=True)
    assert 'id="issue_date" name="issue_date" required type="date" value="2026-03-09"' in page
    page = client.get("/batch?kind=supervision_notice").get_data(as_text=True)
    assert 'name="issuer" required type="text" value="岳阳市君山区史志档案局"' in page


def test_recipients_table_has_chinese_headers_choices_and_an_example(
    client: FlaskClient, tmp_path: Path
) -> None:
    """This test ensures that the downloaded table has Chinese labels, drop-downs and one example row, and reads back."""
    with client.get("/batch/penalty_decision/recipients.xlsx") as response:
        assert response.status_code == 200
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
        data = response.data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == ["当事人姓名或者名称", "当事人类型", "统一社会信用代码或者公民身份号码",
                      "法定代表人（负责人）", "当事人地址"]  # fmt: skip
    assert sheet.cell(2, 1).value == sample("penalty_decision")["party_name"]
    assert sheet.max_row == 2
    (check,) = sheet.data_validations.dataValidation
    assert check.type == "list" and "B2" in str(check.sqref)
    saved = tmp_path / "收文单位.xlsx"
    saved.write_bytes(data)
    (row,) = read_recipients(saved, get_instrument("penalty_decision"))
    assert row.facts["party_type"] == sample("penalty_decision")["party_type"]
    assert client.get("/batch/nothing/recipients.xlsx").status_code == 404


def test_a_correction_order_to_every_unit_that_has_not_reported(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that the desk's link takes the unreported units as rows and the job lists each 文号."""
    services = app.extensions["wenshu"]
    unknown = _post_directory(client, "correction_order", scope="unreported", year="2025")
    assert unknown.status_code == 400  # before any audit summary, nobody knows who is missing
    assert "不知道登记备份名册内有哪些单位" in unknown.get_data(as_text=True)
    register = [{"unit": name} for name in [*UNREPORTED, "岳阳市君山区人民医院"]]
    paper = [{"unit": "岳阳市君山区人民医院", "received_date": "2026-09-25"}]
    notes = [{"unit": "岳阳市君山区人民医院", "result": "合格", "problems": "", "follow_up": ""}]
    summary = sample("audit_summary") | {
        "register": register, "paper_reports": paper, "audit_notes": notes,
    }  # fmt: skip
    issue_document(services, "audit_summary", summary, "王文书")
    with services.database.session() as session:
        session.add(Unit(name=UNREPORTED[0], credit_code="11430600006170000X", town="柳林洲街道"))

    page = client.get("/batch?kind=correction_order&units=unreported&year=2025").get_data(True)
    assert 'value="directory" checked' in page and '<option value="unreported" selected' in page
    assert 'name="report_year"' in page and 'value="2025"' in page

    response = _post_directory(client, "correction_order", scope="unreported", year="2025")
    assert response.status_code == 302, response.get_data(as_text=True)
    job_url = response.headers["Location"]
    assert wait_until_finished(client, job_url)["done"] == 2
    finished = client.get(job_url).get_data(as_text=True)
    assert "未报送2025年度报告的单位" in finished
    links = finished.split('id="copies"')[1].split("</table>")[0]
    for unit in UNREPORTED:
        assert unit in links
    assert links.count('href="/documents/') == 2
    document = links.split('href="')[1].split('"')[0]
    assert client.get(document).status_code == 200


def test_units_of_a_town_and_nothing_chosen(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a town's units become the rows, and a choice with no unit is refused in Chinese."""
    with app.extensions["wenshu"].database.session() as session:
        session.add(Unit(name="岳阳市君山区许市镇人民政府", town="许市镇", category="乡镇"))
        session.add(Unit(name="岳阳市君山区许市镇中心学校", town="许市镇", category="学校"))
        session.add(
            Unit(name="岳阳市君山区财政局", town="柳林洲街道", category="机关", active=False)
        )
    page = client.get("/batch?kind=safety_circular").get_data(as_text=True)
    assert "全部在册单位（2 个）" in page and "<option>许市镇</option>" in page
    response = _post_directory(client, "safety_circular", scope="town", town="许市镇")
    assert response.status_code == 302
    progress = wait_until_finished(client, response.headers["Location"])
    assert progress["total"] == 2
    refused = _post_directory(client, "safety_circular", scope="category", category="医院")
    assert refused.status_code == 400
    assert "单位名录：医院：没有符合条件的单位" in refused.get_data(as_text=True)
    assert 'value="directory" checked' in refused.get_data(as_text=True)


def _post_directory(client: FlaskClient, kind: str, **choice: str) -> Any:
    """Post a batch of the kind with its sample's common facts and the rows from the directory."""
    data = MultiDict(facts_as_formdata(common_facts(kind)))
    data.add("kind", kind)
    data.add("source", "directory")
    for key, value in choice.items():
        data.add(key, value)
    return client.post("/batch", data=data, content_type="multipart/form-data")
