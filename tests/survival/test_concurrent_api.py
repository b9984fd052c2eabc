"""Survival: 200 documents from 8 concurrent API clients of a real `wenshu serve`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from service.archive.audit import verify_chain
from service.archive.fixity import verify_archive
from service.archive.store import TEMPORARY_DIR
from service.database.models import Document
from tests.survival.conftest import Answer, Service, call, document_payload

pytestmark = pytest.mark.office

DOCUMENTS = 200
CLIENTS = 8


def test_concurrent_clients_get_gapless_numbers_and_verified_files(service: Service) -> None:
    """This test ensures that 200 documents posted by 8 concurrent clients each get their own
    number (1..200, no gap), every file verifies, no temporary file is left and every request
    is answered with its document or a clear JSON error."""
    service.start()
    first = service.wait_for_office()

    def post(_: int) -> Answer:
        return call(service.url + "/api/documents", service.token, document_payload())

    with ThreadPoolExecutor(CLIENTS) as clients:
        answers = [first, *clients.map(post, range(DOCUMENTS - 1))]
    service.stop()

    for answer in answers:
        assert isinstance(answer.body, dict), answer
        if answer.status != 201:
            assert isinstance(answer.body.get("error"), str) and answer.body["error"], answer
    issued = [answer.body for answer in answers if answer.status == 201]
    assert len(issued) == DOCUMENTS, [a for a in answers if a.status != 201][:3]

    wenshu = service.open()
    try:
        with wenshu.database.session() as session:
            documents = list(session.scalars(select(Document)))
            chain = verify_chain(session)
        report = verify_archive(wenshu.database, wenshu.archive)
    finally:
        wenshu.close()
    assert sorted(d.sequence for d in documents) == list(range(1, DOCUMENTS + 1))
    assert len({d.series for d in documents}) == 1
    assert sorted(d.number for d in documents) == sorted(a["number"] for a in issued)
    assert report.ok and report.documents == DOCUMENTS, report.problems[:3]
    assert chain == []
    assert report.leftovers == []
    assert not any((service.instance / "archive" / TEMPORARY_DIR).iterdir())
