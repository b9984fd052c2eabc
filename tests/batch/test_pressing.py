"""Tests of pressing sealed copies in worker processes: done there, and done here when they fail."""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest

from service.batch import pressing
from service.batch.pressing import PressingPool
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import document_metadata
from service.render.office.pool import OfficePool
from service.render.pipeline import render_pdf
from service.render.request import RenderRequest
from service.render.seal import SealImage
from service.render.sealing import BureauSeal
from service.render.signing import SignerSource
from tests.conftest import ROOT, sample
from tests.pki import PASSPHRASE, bureau_pkcs12
from tests.render.specimen_seal import specimen_seal_png
from tests.sealed import signature_statuses

pytestmark = pytest.mark.office
KIND = "correction_order"


@pytest.fixture(scope="module")
def copy(office_pool: OfficePool) -> tuple[bytes, str, str]:
    """A rendered correction order and its 署名 and 成文日期, ready to press."""
    instrument = get_instrument(KIND)
    facts = validate_facts(instrument, sample(KIND))
    number = "君档责改〔2026〕1号"
    context = build_context(instrument, facts, number, Bureau())
    metadata = document_metadata(
        instrument, facts, number, Bureau(), agent="测试员", action_time=dt.datetime.now(dt.UTC)
    )
    template = (ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()
    pdf = render_pdf(RenderRequest(context, template, metadata), office_pool).data
    return pdf, context[instrument.issuer_field], context[instrument.date_field]


def bureau_seal() -> BureauSeal:
    """Return the specimen seal with the test bureau's signer."""
    return BureauSeal(
        SealImage(specimen_seal_png(), 42.0),
        SignerSource(bureau_pkcs12(), PASSPHRASE.encode()),
    )


def refuse_here(*args: object) -> bytes:
    """Stand for pressing in this process, which the test forbids."""
    raise AssertionError("pressed in the batch's own process")


def test_copies_are_pressed_by_worker_processes(
    copy: tuple[bytes, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the pool's workers, not the calling process, seal and sign the copies, in order."""
    pool = PressingPool(bureau_seal(), workers=2)
    monkeypatch.setattr(BureauSeal, "press", refuse_here)
    try:
        pressed = pool.press_all([copy, copy, copy])
    finally:
        pool.close()
    assert not pool._folder.exists()  # the copies' files went with the pool
    assert len(pressed) == 3
    for data in pressed:
        [status] = signature_statuses(data)
        assert status.valid and status.trusted
        assert data.startswith(b"%PDF")


def test_a_dead_worker_leaves_the_copies_to_this_process(copy: tuple[bytes, str, str]) -> None:
    """This test ensures that when a worker process is killed the copies are pressed here, none lost."""
    pool = PressingPool(bureau_seal(), workers=1)
    try:
        assert len(pool.press_all([copy])) == 1  # the worker is up
        executor = pool._executor
        assert executor is not None
        for process in list(executor._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        pressed = pool.press_all([copy, copy])
    finally:
        pool.close()
    assert pool._executor is None
    assert [signature_statuses(data)[0].valid for data in pressed] == [True, True]


def test_without_worker_processes_copies_are_pressed_here(
    copy: tuple[bytes, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that when no worker process can be started the copies are pressed in this process."""

    def no_processes(method: str) -> object:
        raise OSError("no semaphores here")

    monkeypatch.setattr(pressing.multiprocessing, "get_context", no_processes)
    pool = PressingPool(bureau_seal())
    assert pool._executor is None
    [data] = pool.press_all([copy])
    pool.close()
    assert signature_statuses(data)[0].valid
