"""Survival: the service killed with SIGKILL while it renders, then started again."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from service.archive.audit import verify_chain
from service.archive.fixity import verify_archive
from service.database.models import Document
from tests.survival.conftest import Answer, Service, call, document_payload

pytestmark = pytest.mark.office

BEFORE = 6  # posts in flight when the service is killed
AFTER = 5  # documents issued after the restart


def test_service_killed_mid_render_restarts_without_gaps(service: Service) -> None:
    """This test ensures that after a kill -9 of the service while documents are rendered, the
    restarted service issues the next numbers without gap, every file verifies, nothing under
    archive/pdf lacks a record, and each document answered 201 before the kill is archived."""
    service.start()
    first = service.wait_for_office()
    # One of the two LibreOffice workers stopped (SIGSTOP): a render sent to it waits out its
    # timeout, far past the kill, so the kill always finds one unanswered however fast the rest.
    stopped = sorted((service.instance / "office").glob("*.pid"))[-1]
    os.killpg(int(stopped.read_text()), signal.SIGSTOP)

    def post(_: int) -> Answer:
        try:
            return call(service.url + "/api/documents", service.token, document_payload())
        except OSError:  # the connection died with the service
            return Answer(0, None)

    with ThreadPoolExecutor(BEFORE) as clients:
        pending = [clients.submit(post, n) for n in range(BEFORE)]
        # Kill once at least one more document is through and others are being rendered.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(p.done() for p in pending):
            time.sleep(0.05)
        service.kill()
        before = [first, *(p.result(timeout=60) for p in pending)]
    answered = [a.body for a in before if a.status == 201]
    assert 0 < len(answered) < BEFORE + 1, "the kill interrupts the render on the stopped worker"

    service.start()
    after = [service.wait_for_office()]
    after += [call(service.url + "/api/documents", service.token, document_payload())]
    after += [
        call(service.url + "/api/documents", service.token, document_payload())
        for _ in range(AFTER - 2)
    ]
    assert [a.status for a in after] == [201] * AFTER, after
    service.stop()

    wenshu = service.open()
    try:
        with wenshu.database.session() as session:
            documents = list(session.scalars(select(Document)))
            chain = verify_chain(session)
        report = verify_archive(wenshu.database, wenshu.archive)
    finally:
        wenshu.close()
    sequences = sorted(d.sequence for d in documents)
    assert sequences == list(range(1, len(documents) + 1))
    numbers = {d.number for d in documents}
    assert {a["number"] for a in answered} <= numbers
    assert {a.body["number"] for a in after} <= numbers
    # A file left in .incoming by the kill is a leftover, reported apart; under pdf/ every
    # file has its record and every record its unchanged file.
    assert report.ok, report.problems
    assert chain == []
