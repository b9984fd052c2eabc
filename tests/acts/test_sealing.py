"""Tests of sealing at issue: sealed kinds stamped and signed once a seal is installed, the rest as before."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.acts.errors import SealingFailed
from service.acts.issuing import issue_document
from service.acts.previewing import preview_pdf
from service.acts.rerendering import rerender_and_compare
from service.acts.sealing import bureau_seal, signature_lines
from service.archive.seals import SealUnusable
from service.archive.store import fixity_of
from service.background.startup import prepare_service
from service.database.models import AuditEvent, Document
from service.foundations.config import Bureau, load_settings
from service.instruments.context import build_context
from service.instruments.facts import validate_facts
from service.instruments.registry import INSTRUMENTS, get_instrument
from service.render.office.pool import OfficePool
from service.services import Wenshu
from tests import pdfcheck
from tests.archive_disk import files_in
from tests.casework import issue_sample
from tests.conftest import sample
from tests.fake_office import BlankPageOffice
from tests.pki import BUREAU_NAME, timestamp_authority
from tests.sealed import install, seal_marks, signature_statuses

# The bureau's outgoing acts bear its seal; records signed by persons and the units' own
# reports do not (DOMAIN.md; the registry says why for each).
SEALED_KINDS = {
    "supervision_notice", "review_decision", "enforcement_notice", "correction_order",
    "penalty_decision", "safety_circular", "sampling_list", "audit_summary",
    "service_receipt", "penalty_notice", "hearing_notice",
}  # fmt: skip


@pytest.fixture
def tsa_url() -> Iterator[str]:
    """The test PKI's timestamp authority on a loopback port."""
    with timestamp_authority() as url:
        yield url


def sqlite_services(tmp_path: Path, office_pool: OfficePool, **settings: str) -> Wenshu:
    """Return services on a fresh SQLite instance with the shared workers and these settings."""
    services = Wenshu.open(
        load_settings({"instance_path": tmp_path / "instance", **settings}), office_pool
    )
    prepare_service(services)
    return services


@pytest.fixture
def wenshu_fast(tmp_path: Path) -> Iterator[Wenshu]:
    """Services on a fresh SQLite instance that never converts (for what happens before rendering)."""
    services = Wenshu.open(
        load_settings({"instance_path": tmp_path / "instance"}), BlankPageOffice()
    )
    prepare_service(services)
    yield services
    services.database.dispose()


def test_registry_declares_the_bureaus_acts_sealed() -> None:
    """This test ensures that exactly the bureau's outgoing acts bear the seal, and that each prints its 署名 and 成文日期 from context keys it has."""
    assert {kind for kind, instrument in INSTRUMENTS.items() if instrument.seal} == SEALED_KINDS
    for kind in SEALED_KINDS - {"sampling_list"}:  # a drawn list's context needs its draw
        instrument = get_instrument(kind)
        facts = validate_facts(instrument, sample(kind))
        context = build_context(instrument, facts, "君档〔2026〕1号", Bureau())
        issuer, date = signature_lines(instrument, context)
        assert issuer == BUREAU_NAME, kind
        assert date.startswith("20") and date.endswith("日"), kind


@pytest.mark.office
def test_sealed_kind_is_stamped_and_signed_and_its_fixity_is_the_signed_files(
    wenshu: Wenshu,
) -> None:
    """This test ensures that a sealed kind issued with a seal installed carries the seal on its last page and a valid signature over the whole file, stays PDF/A-2b, and records the digests of the signed bytes."""
    install(wenshu)
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    path = wenshu.archive.absolute(document.pdf_path)
    data = path.read_bytes()
    fixity = fixity_of(data)
    assert (document.sha256, document.sm3, document.size) == (
        fixity.sha256, fixity.sm3, fixity.size,
    )  # fmt: skip
    [status] = signature_statuses(data)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == BUREAU_NAME
    assert status.timestamp_validity is None  # no timestamp authority configured
    marks = seal_marks(path)
    assert [mark.page for mark in marks] == [document.pages]
    assert pdfcheck.pdfa_identification(path) == ("2", "B")
    assert pdfcheck.pdfa_violations(path) == []
    with wenshu.database.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "issue")).one()
        assert event.details["sha256"] == fixity.sha256


@pytest.mark.office
def test_unsealed_kind_is_neither_stamped_nor_signed(wenshu: Wenshu) -> None:
    """This test ensures that a record signed by persons is issued without seal or signature even with a seal installed."""
    install(wenshu)
    document = issue_document(wenshu, "inspection_record", sample("inspection_record"), "测试员")
    path = wenshu.archive.absolute(document.pdf_path)
    assert signature_statuses(path.read_bytes()) == []
    assert seal_marks(path) == []


@pytest.mark.office
def test_without_a_seal_documents_are_issued_unsigned(wenshu: Wenshu) -> None:
    """This test ensures that with no seal installed a sealed kind is issued as before: no seal, no signature."""
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    path = wenshu.archive.absolute(document.pdf_path)
    assert signature_statuses(path.read_bytes()) == []
    assert seal_marks(path) == []
    assert document.sha256 == fixity_of(path.read_bytes()).sha256


@pytest.mark.office
def test_preview_is_never_sealed(wenshu: Wenshu, tmp_path: Path) -> None:
    """This test ensures that a preview of a sealed kind carries neither the seal nor a signature."""
    install(wenshu)
    path = tmp_path / "preview.pdf"
    path.write_bytes(preview_pdf(wenshu, "supervision_notice", sample("supervision_notice")))
    assert signature_statuses(path.read_bytes()) == []
    assert seal_marks(path) == []


@pytest.mark.office
def test_rerender_of_a_sealed_document_compares_its_text_and_is_not_sealed(
    wenshu: Wenshu, tmp_path: Path
) -> None:
    """This test ensures that a sealed document re-rendered reads page for page as its archived file, and that the re-render itself is neither sealed nor signed."""
    install(wenshu)
    document = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
    comparison = rerender_and_compare(wenshu, document.id)
    assert comparison.same_text
    again = tmp_path / "again.pdf"
    again.write_bytes(comparison.pdf.data)
    assert signature_statuses(again.read_bytes()) == []
    assert seal_marks(again) == []


@pytest.mark.office
def test_timestamp_when_a_tsa_is_configured(
    tmp_path: Path, office_pool: OfficePool, tsa_url: str
) -> None:
    """This test ensures that with WENSHU_TSA_URL set the signature of an issued document carries a trusted timestamp."""
    wenshu = sqlite_services(tmp_path, office_pool, tsa_url=tsa_url)
    try:
        install(wenshu)
        document = issue_sample(wenshu, "penalty_decision", "测试员")
        data = wenshu.archive.read(document.pdf_path)
    finally:
        wenshu.database.dispose()
    [status] = signature_statuses(data)
    assert status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


@pytest.mark.office
def test_silent_tsa_issues_nothing(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that when the timestamp authority does not answer the document is not issued: no number used, no file left, and the message names the setting."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    wenshu = sqlite_services(tmp_path, office_pool, tsa_url=f"http://127.0.0.1:{port}/tsa")
    try:
        install(wenshu)
        with pytest.raises(SealingFailed, match="WENSHU_TSA_URL"):
            issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "测试员")
        with wenshu.database.session() as session:
            assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert files_in(wenshu.archive.root) == []
    finally:
        wenshu.database.dispose()


def test_a_certificate_past_its_end_stops_sealed_kinds(wenshu_fast: Wenshu) -> None:
    """This test ensures that once the installed certificate has ended, a sealed kind is refused with a Chinese reason (not signed with it), and an unsealed kind is not concerned."""
    install(wenshu_fast)
    after = dt.datetime(2050, 1, 2, tzinfo=dt.UTC)
    with pytest.raises(SealUnusable, match="2024-01-01 至 2050-01-01"):
        bureau_seal(wenshu_fast, get_instrument("penalty_decision"), now=after)
    assert bureau_seal(wenshu_fast, get_instrument("inspection_record"), now=after) is None
    assert bureau_seal(wenshu_fast, get_instrument("penalty_decision")) is not None
