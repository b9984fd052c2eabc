"""Tests of the batch pages: rows checked on upload, a job run in the background, outputs to the owner."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from playwright.sync_api import Page
from sqlalchemy import select

from service.database.models import User
from tests.batch.conftest import COLLECTIVE, common_facts, unit_names, villages
from tests.conftest import signed_in
from tests.web.batch_client import KIND, csv_bytes, status_and_body, upload, wait_until_finished
from tests.web.conftest import sign_in


def test_bad_rows_are_shown_with_row_and_field(client: FlaskClient) -> None:
    """This test ensures that bad rows are listed by row number and field and nothing is issued."""
    response = upload(client, csv_bytes([*unit_names(2), '""', "x" * 300]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第5行" in page and "主送单位" in page
    assert "修改表格后重新上传" in page and "跳过这些行继续" in page
    assert client.get("/batch").get_data(as_text=True).count("/batch/1") == 0


def test_wrong_common_facts_are_shown_at_their_fields(client: FlaskClient) -> None:
    """This test ensures that a wrong common fact is named at its field, everything typed kept, nothing staged."""
    facts = {**common_facts(KIND), "issue_date": "2026-02-30"}
    response = upload(client, csv_bytes(["甲"]), facts)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "有 1 处需要修改" in page and 'id="field-issue_date"' in page
    before, after = page.split('id="field-issue_date"')
    assert "has-error" in before[-40:] and 'class="error"' in after.split("</div>")[0]
    assert common_facts(KIND)["overall"].splitlines()[0] in page  # the typed text is kept
    assert (
        'name="facts"' not in page and "JSON" not in page
    )  # the facts are typed, not written as JSON


def test_maintainer_may_not_open_batches(app: Flask) -> None:
    """This test ensures that a template maintainer gets 403 on the batch pages."""
    maintainer = signed_in(app, "maintainer")
    assert maintainer.get("/batch").status_code == 403
    assert maintainer.get("/batch/1/merged.pdf").status_code == 403


@pytest.mark.office
def test_skip_invalid_runs_to_completion_and_outputs_go_to_owner_only(
    app: Flask, client: FlaskClient
) -> None:
    """This test ensures that skipping bad rows runs the rest in the background, with outputs for the owner."""
    units = unit_names(3)
    first = upload(client, csv_bytes([units[0], "x" * 300, units[1], units[2]]))
    page = first.get_data(as_text=True)
    assert "第3行" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post("/batch", data={"kind": KIND, "token": token, "skip_invalid": "1"})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert job_url.endswith("/batch/1")

    progress = wait_until_finished(client, job_url)
    assert progress["finished"], progress
    assert (progress["done"], progress["total"]) == (3, 3)
    finished = client.get(job_url).get_data(as_text=True)
    assert "第3行" in finished and "merged.pdf" in finished and "已完成" in finished

    with client.get(job_url + "/merged.pdf") as merged:
        assert merged.status_code == 200 and merged.mimetype == "application/pdf"
        data = merged.data
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert [title.split()[0] for title in titles] == units
    copies = zipfile.ZipFile(io.BytesIO(status_and_body(client, job_url + "/copies.zip")[1]))
    assert len(copies.namelist()) == 3
    manifest = status_and_body(client, job_url + "/manifest.csv")[1].decode("utf-8-sig")
    assert manifest.splitlines()[0] == "recipient,number,file,sha256,sm3,copy_number"
    assert client.get(job_url + "/other.txt").status_code == 404
    listing = client.get("/batch").get_data(as_text=True)
    assert "3/3" in listing and "已完成" in listing

    other = signed_in(app, "clerk")
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + "/merged.pdf").status_code == 404
    assert other.get(job_url + "/progress.json").status_code == 404
    assert status_and_body(signed_in(app, "admin"), job_url + "/manifest.csv")[0] == 200
    assert signed_in(app, "maintainer").get(job_url + "/merged.pdf").status_code == 403

    again = upload(client, csv_bytes([units[0], "x" * 300, units[1], units[2]]))
    assert again.headers["Location"] == job_url  # the same input again issues nothing new
    assert "不再重复发文" in client.get(job_url).get_data(as_text=True)


@pytest.mark.office
def test_an_unfinished_job_can_be_resumed(app: Flask, client: FlaskClient) -> None:
    """This test ensures that a job left unfinished (service restarted) offers 继续, which completes it."""
    from service.batch.jobs import create_job
    from service.batch.validation import SnapshotArchive, check_rows
    from service.instruments.registry import get_instrument

    services = app.extensions["wenshu"]
    instrument = get_instrument(KIND)
    numbered = [(n + 2, {"addressee": unit}) for n, unit in enumerate(unit_names(2))]
    check = check_rows(
        instrument, common_facts(KIND), numbered, SnapshotArchive(services.database), {}
    )
    with services.database.session() as session:  # the client's clerk, the only one
        username = session.scalar(select(User.username).where(User.role == "clerk"))
    job = create_job(services, instrument, common_facts(KIND), check, username)
    page = client.get(f"/batch/{job.id}").get_data(as_text=True)
    assert "当前没有在执行" in page and "继续</button>" in page
    assert client.post(f"/batch/{job.id}/resume").status_code == 302
    progress = wait_until_finished(client, f"/batch/{job.id}")
    assert progress["finished"] and progress["done"] == 2


@pytest.mark.office
def test_a_batch_from_the_form_with_the_downloaded_table(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    """This test ensures that a clerk types the common facts, fills the downloaded table, and opens each copy by its 文号."""
    sign_in(page, live_server)
    page.goto(live_server + "/batch")
    page.select_option("#kind", KIND)  # choosing the kind opens its form
    page.wait_for_selector("#batch-form")
    for name, value in common_facts(KIND).items():
        page.fill(f"#batch-form [name={name}]", str(value))
    page.press("#batch-form [name=cc]", "Enter")  # Enter in a text field starts nothing
    assert "/batch?kind=" in page.url and page.locator(".alert").count() == 0
    _screenshots(page, tmp_path, "batch-form")

    with page.expect_download() as download:
        page.click("text=下载收文单位表格")
    table = tmp_path / "收文单位.xlsx"
    download.value.save_as(table)
    workbook = load_workbook(table)
    sheet = workbook.worksheets[0]
    assert sheet.cell(1, 1).value == "主送单位"
    units = unit_names(2)
    for row, unit in enumerate(units, start=2):
        sheet.cell(row, 1, unit)
    workbook.save(table)
    page.set_input_files("#recipients", str(table))
    page.click("#batch-form button[value=batch]")
    page.wait_for_url("**/batch/1")
    page.wait_for_selector("#copies", timeout=60_000)  # the finished page lists each copy
    assert page.inner_text("#done-total") == "2 / 2 份"
    links = page.locator("#copies a")
    assert [page.inner_text(f"#copies tr:nth-child({n}) td:nth-child(2)") for n in (1, 2)] == units
    assert links.count() == 2
    _screenshots(page, tmp_path, "batch-finished")
    number = links.nth(1).inner_text()
    links.nth(1).click()
    page.wait_for_url("**/documents/*")
    assert number in page.inner_text("h1")


@pytest.mark.office
def test_a_circular_to_many_units_from_the_browser(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    """This test ensures that a clerk told the 主送 list is too long types the 统称 where the page
    points, uploads the same table again, and the copies go out under it."""
    sign_in(page, live_server)
    page.goto(live_server + "/batch?kind=" + KIND)
    for name, value in common_facts(KIND).items():
        page.fill(f"#batch-form [name={name}]", str(value))
    table = tmp_path / "收文单位.csv"
    table.write_bytes(csv_bytes(villages(30)))
    page.set_input_files("#recipients", str(table))
    page.click("#batch-form button[value=batch]")
    page.wait_for_selector("#problems-title")
    assert page.locator(".batch-problems tbody tr").count() == 1
    assert "主送单位共30个" in page.inner_text(".batch-problems")
    assert "主送单位共30个" in page.inner_text("#field-addressee .error")
    _screenshots(page, tmp_path, "batch-collective")
    page.fill("#batch-form [name=addressee]", COLLECTIVE)
    page.set_input_files("#recipients", str(table))
    page.click("#batch-form button[value=batch]")
    page.wait_for_selector("#copies", timeout=60_000)
    assert page.inner_text("#done-total") == "30 / 30 份"


def _screenshots(page: Page, folder: Path, name: str) -> None:
    """Take the page at a desk's width and a phone's, then back at the desk's."""
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
