"""Tests of finishing a batch's copies in worker processes (seal, signature, OFD, digests): done there, and here when they fail."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import zipfile

import pikepdf
import pytest

from service.archive.store import fixity_of
from service.batch import finishing
from service.batch.finishing import ConvertedCopy, FinishedCopy, FinishingPool
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import get_instrument
from service.instruments.request import document_metadata
from service.render.ofd.errors import OfdError
from service.render.ofd.inspect import inspect_ofd
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
def copy(office_pool: OfficePool) -> ConvertedCopy:
    """A rendered correction order with its metadata and its 署名 and 成文日期, ready to finish."""
    instrument = get_instrument(KIND)
    facts = validate_facts(instrument, sample(KIND))
    number = "君档责改〔2026〕1号"
    context = build_context(instrument, facts, number, Bureau())
    metadata = document_metadata(
        instrument, facts, number, Bureau(), agent="测试员", action_time=dt.datetime.now(dt.UTC)
    )
    template = (ROOT / "templates_docx" / f"{KIND}.docx").read_bytes()
    pdf = render_pdf(RenderRequest(context, template, metadata), office_pool).data
    lines = (context[instrument.issuer_field], context[instrument.date_field])
    return ConvertedCopy(pdf, metadata, lines)


def bureau_seal() -> BureauSeal:
    """Return the specimen seal with the test bureau's signer."""
    return BureauSeal(
        SealImage(specimen_seal_png(), 42.0),
        SignerSource(bureau_pkcs12(), PASSPHRASE.encode()),
    )


def refuse_here(*args: object) -> bytes:
    """Stand for pressing or writing the OFD in this process, which the test forbids."""
    raise AssertionError("finished in the batch's own process")


def assert_finished(done: FinishedCopy, sealed: bool) -> None:
    """Assert that a copy is signed (or not), has its OFD showing its pages, and both digests are right."""
    statuses = signature_statuses(done.pdf)
    assert [(s.valid, s.trusted) for s in statuses] == ([(True, True)] if sealed else [])
    assert done.fixity == fixity_of(done.pdf)
    assert done.ofd_fixity == fixity_of(done.ofd)
    findings = inspect_ofd(done.ofd)
    assert findings.opened and findings.schema == {}
    with pikepdf.open(io.BytesIO(done.pdf)) as pdf:
        assert findings.pages == len(pdf.pages)
    assert findings.custom["文号"] == "君档责改〔2026〕1号"
    with zipfile.ZipFile(io.BytesIO(done.ofd)) as package:
        pages = [package.read(n) for n in package.namelist() if n.endswith("Content.xml")]
    images = sum(page.count(b"<ofd:ImageObject") for page in pages)
    assert images == (1 if sealed else 0)  # the OFD is written from the sealed PDF


def test_copies_are_finished_by_worker_processes(
    copy: ConvertedCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that the pool's workers, not the calling process, seal, sign and write the OFD, in order."""
    pool = FinishingPool(bureau_seal(), workers=2)
    monkeypatch.setattr(BureauSeal, "press", refuse_here)
    monkeypatch.setattr(finishing, "ofd_of", refuse_here)
    try:
        finished = pool.finish_all([copy, copy, copy])
    finally:
        pool.close()
    assert not pool._folder.exists()  # the copies' files went with the pool
    assert len(finished) == 3
    for done in finished:
        assert_finished(done, sealed=True)


def test_a_kind_without_the_seal_gets_its_ofd_and_an_unchanged_pdf(copy: ConvertedCopy) -> None:
    """This test ensures that without a seal the workers leave the PDF as converted and write its OFD."""
    pool = FinishingPool(None, workers=1)
    try:
        [done] = pool.finish_all([ConvertedCopy(copy.pdf, copy.metadata)])
    finally:
        pool.close()
    assert done.pdf == copy.pdf
    assert_finished(done, sealed=False)


def test_an_ofd_a_worker_refuses_is_refused_here_and_leaves_no_file(copy: ConvertedCopy) -> None:
    """This test ensures that a copy whose OFD cannot be written stops the chunk with the writer's reason."""
    with pikepdf.open(io.BytesIO(copy.pdf)) as pdf:
        pdf.pages[0].contents_add(pdf.make_stream(b"/Sh1 sh"))
        out = io.BytesIO()
        pdf.save(out)
    hostile = ConvertedCopy(out.getvalue(), copy.metadata)
    pool = FinishingPool(None, workers=1)
    try:
        with pytest.raises(OfdError, match="sh"):
            pool.finish_all([ConvertedCopy(copy.pdf, copy.metadata), hostile, hostile])
        assert list(pool._folder.iterdir()) == []
        assert pool._executor is not None  # a refusal is not a dead worker
    finally:
        pool.close()


def test_a_dead_worker_leaves_the_copies_to_this_process(copy: ConvertedCopy) -> None:
    """This test ensures that when a worker process is killed the copies are finished here, none lost."""
    pool = FinishingPool(bureau_seal(), workers=1)
    try:
        assert len(pool.finish_all([copy])) == 1  # the worker is up
        executor = pool._executor
        assert executor is not None
        for process in list(executor._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        finished = pool.finish_all([copy, copy])
    finally:
        pool.close()
    assert pool._executor is None
    for done in finished:
        assert_finished(done, sealed=True)


def test_without_worker_processes_copies_are_finished_here(
    copy: ConvertedCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that when no worker process can be started the copies are finished in this process."""

    def no_processes(method: str) -> object:
        raise OSError("no semaphores here")

    monkeypatch.setattr(finishing.multiprocessing, "get_context", no_processes)
    pool = FinishingPool(bureau_seal())
    assert pool._executor is None
    [done] = pool.finish_all([copy])
    pool.close()
    assert_finished(done, sealed=True)


def test_a_copy_finished_without_its_ofd_has_none(copy: ConvertedCopy) -> None:
    """This test ensures that the measuring switch leaves the OFD out and says so, rather than an empty file's digest."""
    done = finishing.finish(ConvertedCopy(copy.pdf, copy.metadata, with_ofd=False), None)
    assert (done.ofd, done.ofd_fixity) == (b"", None)


def test_a_pool_dropped_unclosed_leaves_no_folder(copy: ConvertedCopy) -> None:
    """This test ensures that a pool its owner forgot to close removes its folder when it is collected."""
    import gc

    pool = FinishingPool(None, workers=1)
    pool.finish_all([ConvertedCopy(copy.pdf, copy.metadata)])
    folder = pool._folder
    assert folder.exists()
    del pool
    gc.collect()
    assert not folder.exists()
