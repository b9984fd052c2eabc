"""Tests of a batch's downloads: only the copies the reader may see by 密级, each download audited."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service.archive.audit import verify_chain
from service.database.models import AuditEvent, Document
from tests import pdfcheck
from tests.batch.conftest import common_facts, unit_names
from tests.web.downloads import attachment_name
from tests.web.test_api import bearer, token_for
from tests.web.test_api_batches import follow, submit
from tests.web.test_classified import classify
from tests.web.test_classified_lookups import clerk_with_token

pytestmark = pytest.mark.office

OUTPUTS = ("merged.pdf", "copies.zip", "manifest.csv")


def download(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> Any:
    """Return a download's status and body, closing the file it holds open.

    A delivered file is named as a browser saves it: 批量任务<id>_<output>.
    """
    with client.get(url, headers=headers or {}) as response:
        if response.status_code == 200:
            name = attachment_name(response.headers["Content-Disposition"])
            assert name.startswith("批量任务") and name.endswith(url.rsplit("/", 1)[-1]), name
        return response.status_code, response.data


def delivered(data: dict[str, bytes], tmp_path: Path) -> dict[str, list[str]]:
    """Return what each output holds: bookmarks and text of merged.pdf, ZIP names, manifest rows."""
    (tmp_path / "merged.pdf").write_bytes(data["merged.pdf"])
    with pikepdf.open(tmp_path / "merged.pdf") as pdf, pdf.open_outline() as outline:
        bookmarks = [item.title for item in outline.root]
    with zipfile.ZipFile(io.BytesIO(data["copies.zip"])) as bundle:
        names = bundle.namelist()
    manifest = list(csv.DictReader(io.StringIO(data["manifest.csv"].decode("utf-8-sig"))))
    return {
        "bookmarks": bookmarks,
        "text": [pdfcheck.text(tmp_path / "merged.pdf")],
        "files": names,
        "rows": [f"{row['recipient']} {row['number']}" for row in manifest],
    }


def batch_downloads(app: Flask) -> list[AuditEvent]:
    """Return the audit chain's batch download entries, oldest first."""
    with app.extensions["wenshu"].database.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "batch_download")
        return list(session.scalars(query.order_by(AuditEvent.id)))


def orders_to(units: list[str]) -> dict[str, Any]:
    """Return a batch request of correction orders, one to each unit, each its own 文号.

    The copies of a circular share one 文号 and print the whole 主送 list, so copies told
    apart by 文号 and unit are those of a kind addressed to one party.
    """
    rows = [{"unit": unit} for unit in units]
    return {"kind": "correction_order", "facts": common_facts("correction_order"), "rows": rows}


def test_outputs_hold_only_the_copies_the_reader_may_see_and_are_audited(
    app: Flask, tmp_path: Path
) -> None:
    """This test ensures that once a copy is secret its owner, a clerk, receives merged.pdf,
    copies.zip and manifest.csv (web and API) without it, an administrator with it, that every
    download is an entry in the audit chain naming the 文号 delivered, and that the chain verifies."""
    browser, clerk = clerk_with_token(app, "办事员丁")
    units = unit_names(3)
    answer = submit(browser, clerk, orders_to(units))
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job = follow(browser, clerk, answer.headers["Location"])
    assert job["finished"], job
    with app.extensions["wenshu"].database.session() as session:
        copies = list(session.scalars(select(Document).order_by(Document.id)))
    assert [copy.recipient for copy in copies] == units
    secret = copies[1]
    classify(app, secret)
    admin = bearer(token_for(app, "admin"))

    doors = {
        "clerk api": (browser, {name: job["outputs"][name] for name in OUTPUTS}, clerk),
        "clerk web": (browser, {name: f"/batch/{job['id']}/{name}" for name in OUTPUTS}, None),
        "admin api": (browser, {name: job["outputs"][name] for name in OUTPUTS}, admin),
    }
    seen = {}
    for door, (client, urls, headers) in doors.items():
        answers = {name: download(client, url, headers) for name, url in urls.items()}
        assert all(status == 200 for status, _ in answers.values()), (door, answers.keys())
        seen[door] = delivered({name: body for name, (_, body) in answers.items()}, tmp_path)
    for door in ("clerk api", "clerk web"):
        for what, items in seen[door].items():
            assert not any(secret.number in item or secret.recipient in item for item in items), (
                door, what)  # fmt: skip
        assert seen[door]["rows"] == [f"{c.recipient} {c.number}" for c in (copies[0], copies[2])]
        assert len(seen[door]["files"]) == 2
    assert seen["admin api"]["rows"] == [f"{c.recipient} {c.number}" for c in copies]
    assert secret.number in seen["admin api"]["text"][0]

    entries = batch_downloads(app)
    assert [(e.details["via"], e.details["file"]) for e in entries] == [
        (via, name) for via in ("api", "web", "api") for name in OUTPUTS
    ]
    visible = [copies[0].number, copies[2].number]
    assert all(e.details["numbers"] == visible for e in entries[:6])
    assert all(e.details["numbers"] == [c.number for c in copies] for e in entries[6:])
    assert all(e.subject == f"批量任务 #{job['id']} {e.details['file']}" for e in entries)
    with app.extensions["wenshu"].database.session() as session:
        assert verify_chain(session) == []

    for copy in copies:  # nothing left the clerk may see: as if the job had no outputs
        classify(app, copy)
    for name in OUTPUTS:
        assert download(browser, job["outputs"][name], clerk)[0] == 404
        assert download(browser, f"/batch/{job['id']}/{name}")[0] == 404
    assert len(batch_downloads(app)) == 9  # a refused download delivers and records nothing
