"""Survival: `wenshu serve` killed with SIGKILL in the middle of a batch from its web page, then started again."""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.parse
import urllib.request
from io import BytesIO
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from service.archive.fixity import verify_archive
from service.batch.jobs import load_job
from service.database.batch_models import RUNNING
from service.database.models import Document, NumberSeries
from service.web.formdata import facts_as_formdata
from tests.batch.conftest import circular_facts
from tests.conftest import PASSWORD
from tests.survival.conftest import Service

KIND = "safety_circular"
COPIES = 300
KILL_AFTER = 60  # copies recorded before the kill


class Browser:
    """A signed-in session on the service's HTML pages (cookies and CSRF tokens, as a browser)."""

    def __init__(self, service: Service) -> None:
        self.url = service.url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> str:
        """Return a page's text."""
        with self.opener.open(self.url + path, timeout=60) as response:
            text: str = response.read().decode("utf-8")
            return text

    def csrf(self, path: str) -> str:
        """Return the CSRF token of the form on a page."""
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path))
        assert found, path
        return found.group(1)

    def post(self, path: str, fields: dict[str, Any]) -> str:
        """Post a form (multipart when it has a file) and return the address it ends on."""
        boundary, body = encode_multipart(fields)
        request = urllib.request.Request(
            self.url + path, data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        with self.opener.open(request, timeout=60) as response:
            address: str = response.url
            return address

    def sign_in(self, username: str) -> None:
        """Sign in with the test password."""
        token = self.csrf("/login")
        landed = self.post(
            "/login", {"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert not landed.endswith("/login"), "sign-in refused"

    def progress(self, job_url: str) -> dict[str, Any]:
        """Return the job's progress JSON."""
        path = urllib.parse.urlparse(job_url).path
        answer: dict[str, Any] = json.loads(self.get(path + "/progress.json"))
        return answer


def units(count: int) -> list[str]:
    """Return count distinct village committees."""
    return [f"岳阳市君山区第{n}村民委员会" for n in range(1, count + 1)]


def test_a_batch_survives_a_kill_of_the_service(service: Service) -> None:
    """This test ensures that a web batch cut by kill -9 of `wenshu serve` goes on by itself after the
    restart: every recipient once, the circular's one 文号 claimed once (the series advanced by
    exactly one) and its 份号 gapless, every file recorded and intact."""
    service.start()
    service.wait_for_office()
    browser = Browser(service)
    browser.sign_in("clerk1")
    table = ("addressee\n" + "\n".join(units(COPIES)) + "\n").encode("utf-8")
    job_url = browser.post(
        "/batch",
        {"csrf_token": browser.csrf("/batch"), "kind": KIND, "source": "table",
         **facts_as_formdata(circular_facts(KIND)).to_dict(),
         "recipients": FileStorage(BytesIO(table), "主送单位.csv", content_type="text/csv")},
    )  # fmt: skip
    assert re.search(r"/batch/\d+$", job_url), job_url
    deadline = time.monotonic() + 300
    while browser.progress(job_url)["done"] < KILL_AFTER:
        assert time.monotonic() < deadline, "the batch did not start"
        time.sleep(0.05)
    service.kill()
    wenshu = service.open()
    try:
        cut = load_job(wenshu, 1)
        assert cut.status == RUNNING and KILL_AFTER <= cut.done < COPIES, (cut.status, cut.done)
    finally:
        wenshu.close()

    service.start()
    assert "resuming batch job #1" in service.logs[-1].read_text()
    browser = Browser(service)
    browser.sign_in("clerk1")
    deadline = time.monotonic() + 300
    while not (progress := browser.progress(job_url))["finished"]:
        assert time.monotonic() < deadline, progress
        time.sleep(0.5)
    assert (progress["done"], progress["total"], progress["error"]) == (COPIES, COPIES, "")

    wenshu = service.open()
    try:
        with wenshu.database.session() as session:
            copies = list(
                session.scalars(
                    select(Document).where(Document.kind == KIND).order_by(Document.copy_number)
                )
            )
            series = session.get(NumberSeries, (KIND, 2026))
        assert [(d.sequence, d.copy_number) for d in copies] == [
            (1, n) for n in range(1, COPIES + 1)
        ]
        assert series is not None and series.last_sequence == 1
        assert sorted(d.recipient for d in copies) == sorted(units(COPIES))
        report = verify_archive(wenshu.database, wenshu.archive)
        assert report.ok, report.problems
    finally:
        wenshu.close()
