"""Driving the batch pages with a test client: upload a table, poll progress, download."""

from __future__ import annotations

import io
import time
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from service.web.formdata import facts_as_formdata
from tests.batch.conftest import common_facts

KIND = "safety_circular"


def csv_bytes(rows: list[str]) -> bytes:
    """Return a recipients CSV with the addressee column and these rows."""
    return ("addressee\n" + "".join(f"{row}\n" for row in rows)).encode("utf-8")


def upload(
    client: FlaskClient, table: bytes, facts: dict[str, Any] | None = None, kind: str = KIND
) -> Any:
    """Post a new batch (of safety circulars) with the common facts typed into the form's fields."""
    data: MultiDict[str, Any] = MultiDict(
        facts_as_formdata(facts if facts is not None else common_facts(kind))
    )
    data.add("kind", kind)
    data.add("source", "table")
    data.add("recipients", (io.BytesIO(table), "主送单位.csv"))
    return client.post("/batch", data=data, content_type="multipart/form-data")


def status_and_body(client: FlaskClient, url: str) -> tuple[int, bytes]:
    """Return a response's status and body, closing the file a download holds open."""
    with client.get(url) as response:
        return response.status_code, response.data


def wait_until_finished(client: FlaskClient, job_url: str, timeout: float = 60) -> dict[str, Any]:
    """Poll the job's progress JSON until its outputs are ready or it stopped; return the last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress: dict[str, Any] = client.get(job_url + "/progress.json").get_json()
        if progress["finished"] or (not progress["active"] and progress["status"] != "done"):
            return progress
        time.sleep(0.5)
    raise AssertionError(f"批量任务 {timeout} 秒内未完成")
