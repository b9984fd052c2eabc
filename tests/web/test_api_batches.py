"""Tests of batch jobs in the JSON API: rows checked first, the job followed, outputs downloaded."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.accounts.users import create_token
from service.batch.jobs import create_job
from service.batch.validation import SnapshotArchive, check_rows
from service.instruments.registry import get_instrument
from tests.batch.conftest import circular_facts, common_facts, unit_names, villages
from tests.conftest import add_user
from tests.web.test_api import JSON, bearer, conforms, is_json_error, token_for

KIND = "safety_circular"


@pytest.fixture
def clerk(app: Flask) -> dict[str, str]:
    """The Authorization header of a clerk's token."""
    return bearer(token_for(app, "clerk"))


def submit(client: FlaskClient, headers: dict[str, str], body: Any) -> TestResponse:
    """Return the answer to POST /api/batches with body as JSON."""
    return client.post("/api/batches", data=json.dumps(body), content_type=JSON, headers=headers)


def batch_of(units: list[str], **extra: Any) -> dict[str, Any]:
    """Return a batch request of safety circulars to these units."""
    return {
        "kind": KIND,
        "facts": common_facts(KIND),
        "rows": [{"addressee": u} for u in units],
    } | extra


def follow(client: FlaskClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    """Poll the job until its outputs are written or it stopped; return the last answer."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        body: dict[str, Any] = answer.get_json()
        conforms(body, "Batch")
        if body["finished"] or not body["active"]:
            return body
        time.sleep(0.3)
    raise AssertionError("批量任务 120 秒内未完成")


@pytest.mark.office
def test_a_batch_is_checked_run_and_downloaded(app: Flask, clerk: dict[str, str]) -> None:
    """This test ensures that POST /api/batches answers 202, the job runs, and its outputs download."""
    api = app.test_client()
    units = unit_names(4)
    answer = submit(api, clerk, batch_of(units))
    assert answer.status_code == 202, answer.get_data(as_text=True)
    conforms(answer.get_json(), "Batch")
    location = answer.headers["Location"]
    assert location == f"http://localhost/api/batches/{answer.get_json()['id']}"
    done = follow(api, clerk, location)
    assert (done["status"], done["done"], done["total"], done["error"]) == ("done", 4, 4, "")
    assert set(done["outputs"]) == {"merged.pdf", "copies.zip", "manifest.csv"}
    # The circular to four units is one document: its 文号 once, each copy a 份号.
    assert (done["numbering"], done["number"]) == ("shared", "君档通报〔2026〕1号")

    with api.get(done["outputs"]["merged.pdf"], headers=clerk) as merged:
        assert merged.status_code == 200 and merged.mimetype == "application/pdf"
        data = merged.data
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        assert [item.title.split()[0] for item in outline.root] == units
    with api.get(done["outputs"]["manifest.csv"], headers=clerk) as listing:
        manifest = listing.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(manifest)))
    assert [(row["number"], row["copy_number"]) for row in rows] == [
        ("君档通报〔2026〕1号", f"{n:06d}") for n in range(1, 5)
    ]
    assert api.get(location + "/other.txt", headers=clerk).status_code == 404

    again = submit(api, clerk, batch_of(units))  # the same input issues nothing new
    assert again.status_code == 200 and again.get_json()["id"] == done["id"]
    assert is_json_error(api.get(location, headers=bearer(token_for(app, "clerk"))), 404)
    assert api.get(location, headers=bearer(token_for(app, "admin"))).status_code == 200
    assert is_json_error(submit(api, bearer(token_for(app, "maintainer")), batch_of(units)), 403)


def test_bad_rows_are_answered_by_row_and_field_and_nothing_is_issued(
    app: Flask, clerk: dict[str, str]
) -> None:
    """This test ensures that a bad row gives 422 with its row number and field, and no job exists."""
    api = app.test_client()
    answer = submit(api, clerk, batch_of([*unit_names(2), "", "x" * 300]))
    assert answer.status_code == 422
    body = answer.get_json()
    conforms(body, "InvalidRows")
    assert [row["row"] for row in body["rows"]] == [3, 4]
    assert all(set(row["errors"]) == {"addressee"} for row in body["rows"])
    assert (body["valid"], body["total"]) == (2, 4)
    assert is_json_error(api.get("/api/batches/1", headers=clerk), 404)


@pytest.mark.office
def test_a_main_recipients_list_too_long_is_refused_and_a_collective_name_accepted(
    app: Flask, clerk: dict[str, str]
) -> None:
    """This test ensures that through the API too a 主送 list the first page cannot hold is 422 at
    every row, skip_invalid does not get round it, and the 统称 in the common facts is taken."""
    api = app.test_client()
    units = villages(30)
    for extra in ({}, {"skip_invalid": True}):
        answer = submit(api, clerk, batch_of(units, **extra))
        assert answer.status_code == 422
        body = answer.get_json()
        assert (body["valid"], len(body["rows"])) == (0, 30)
        assert {row["errors"]["addressee"][0][:8] for row in body["rows"]} == {"主送单位共30个"}
    body = batch_of(units) | {"facts": circular_facts(KIND)}
    answer = submit(api, clerk, body)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert follow(api, clerk, answer.headers["Location"])["done"] == 30


@pytest.mark.office
def test_skip_invalid_issues_the_other_rows(app: Flask, clerk: dict[str, str]) -> None:
    """This test ensures that with skip_invalid the good rows are issued and the bad ones listed."""
    api = app.test_client()
    answer = submit(api, clerk, batch_of([unit_names(1)[0], ""], skip_invalid=True))
    assert answer.status_code == 202, answer.get_data(as_text=True)
    done = follow(api, clerk, answer.headers["Location"])
    assert (done["done"], done["total"], done["skipped_rows"]) == (1, 1, [2])


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"kind": KIND, "facts": {}}, "缺少 rows"),
        ({"kind": KIND, "facts": {}, "rows": []}, "rows 应当是非空的数组"),
        ({"kind": KIND, "facts": {}, "rows": [{}, "x"]}, "rows 的第2项"),
        ({"kind": KIND, "facts": [], "rows": [{}]}, "facts 应当是"),
        ({"kind": KIND, "facts": {}, "rows": [{}], "skip_invalid": "yes"}, "skip_invalid"),
        ({"kind": KIND, "facts": {}, "rows": [{}], "when": 1}, "不认识：when"),
        ({"kind": "nothing", "facts": {}, "rows": [{}]}, "nothing"),
        ({"kind": KIND, "facts": {}, "rows": [{}] * 10_001}, "最多 10000 行"),
    ],
)
def test_malformed_requests_are_refused(
    app: Flask, clerk: dict[str, str], body: dict[str, Any], words: str
) -> None:
    """This test ensures that a malformed batch request gets 400 with a Chinese message naming the problem."""
    assert words in is_json_error(submit(app.test_client(), clerk, body), 400)


@pytest.mark.office
def test_a_stopped_job_resumes(app: Flask) -> None:
    """This test ensures that POST …/resume starts a job that is not running and it finishes."""
    add_user(app, "办事员甲", "clerk")
    services = app.extensions["wenshu"]
    with services.database.session() as session:
        headers = bearer(create_token(session, "办事员甲"))
    instrument = get_instrument(KIND)
    rows = [(n, {"addressee": unit}) for n, unit in enumerate(unit_names(2), 1)]
    check = check_rows(instrument, common_facts(KIND), rows, SnapshotArchive(services.database), {})
    job = create_job(services, instrument, common_facts(KIND), check, "办事员甲")
    api, url = app.test_client(), f"/api/batches/{job.id}"
    waiting = api.get(url, headers=headers).get_json()
    assert waiting["active"] is False
    assert (waiting["numbering"], waiting["number"]) == ("shared", "")  # no number used yet
    answer = api.post(url + "/resume", headers=headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    finished = follow(api, headers, url)
    assert finished["finished"] and finished["number"] == "君档通报〔2026〕1号"
    assert api.post(url + "/resume", headers=headers).status_code == 200  # finished already
