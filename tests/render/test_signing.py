"""Tests of the bureau's signature on a PDF: PAdES, valid against the test root, still PDF/A-2b."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import cms
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import pdf_cms
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from service.render.office.pool import OfficePool
from service.render.pades import BureauSigner, signer_from_pkcs12
from service.render.signing import SIGNATURE_FIELD, SigningFailed
from tests import pdfcheck
from tests.pki import (
    BUREAU_NAME,
    PASSPHRASE,
    bureau_pkcs12,
    timestamp_authority,
    trust_root_pem,
)


def blank_pdf() -> bytes:
    """Return a one-page PDF made by pikepdf (not PDF/A: for the signature alone)."""
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    return out.getvalue()


def bureau_signer(tsa_url: str = "") -> BureauSigner:
    """Return a signer of the test bureau's key and certificate."""
    return signer_from_pkcs12(bureau_pkcs12(), PASSPHRASE.encode(), tsa_url)


def validate(signed: bytes, root_pem: bytes | None = None) -> PdfSignatureStatus:
    """Return pyHanko's validation of the file's one signature against the test root."""
    root = asn1_x509.Certificate.load(asn1_pem.unarmor(root_pem or trust_root_pem())[2])
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    signatures = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert len(signatures) == 1
    return validate_pdf_signature(signatures[0], context)


@pytest.fixture(scope="module")
def pdfa(office_pool: OfficePool, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The sample supervision notice rendered as PDF/A-2b by the real LibreOffice."""
    from service.foundations.config import Bureau
    from service.instruments.context import build_context
    from service.instruments.facts import validate_facts
    from service.instruments.registry import get_instrument
    from service.instruments.request import document_metadata
    from service.render.pipeline import render_pdf
    from service.render.request import RenderRequest
    from tests.conftest import ROOT, sample

    instrument = get_instrument("supervision_notice")
    facts = validate_facts(instrument, sample("supervision_notice"))
    number = "君档监通〔2026〕1号"
    context = build_context(instrument, facts, number, Bureau())
    metadata = document_metadata(
        instrument, facts, number, Bureau(), agent="测试员", action_time=dt.datetime.now(dt.UTC)
    )
    template = (ROOT / "templates_docx" / "supervision_notice.docx").read_bytes()
    return render_pdf(RenderRequest(context, template, metadata), office_pool).data


@pytest.fixture
def tsa_url() -> Iterator[str]:
    """The test PKI's timestamp authority, served on a loopback port for one test."""
    with timestamp_authority() as url:
        yield url


def test_signature_is_valid_and_trusted_and_covers_the_file() -> None:
    """This test ensures that a signed PDF carries one PAdES signature by the bureau that validates against the trust root and covers the whole file."""
    original = blank_pdf()
    signed = bureau_signer().sign(original)
    assert signed.startswith(original)  # an incremental update: the rendered bytes come first
    status = validate(signed)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    names = status.signing_cert.subject.native
    assert names["common_name"] == BUREAU_NAME
    reader = PdfFileReader(io.BytesIO(signed))
    embedded = reader.embedded_signatures[0]
    assert embedded.field_name == SIGNATURE_FIELD
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_signature_field_is_invisible() -> None:
    """This test ensures that the signature's widget has no size on the page: the seal is the visible mark."""
    signed = bureau_signer().sign(blank_pdf())
    with pikepdf.open(io.BytesIO(signed)) as pdf:
        widgets = [a for a in pdf.pages[0].get("/Annots", []) if a.get("/FT") == "/Sig"]
        assert len(widgets) == 1
        rect = [float(v) for v in widgets[0].Rect]
        assert rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0


def test_signature_from_another_root_is_not_trusted() -> None:
    """This test ensures that validation against a root that did not issue the bureau's certificate finds the signature intact but untrusted."""
    status = validate(bureau_signer().sign(blank_pdf()), trust_root_pem("other"))
    assert status.intact and not status.trusted


def test_changed_byte_breaks_the_signature() -> None:
    """This test ensures that a byte changed in the signed range makes the signature invalid."""
    signed = bytearray(bureau_signer().sign(blank_pdf()))
    position = signed.index(b"/MediaBox")
    signed[position + 1 : position + 2] = b"m"
    status = validate(bytes(signed))
    assert not status.intact


def test_filled_template_is_what_pyhanko_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that the CMS a document gets from the template is byte for byte the one pyHanko builds for its digest."""
    signer = bureau_signer()
    signed = signer.sign(blank_pdf())
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    contents: bytes = embedded.sig_object["/Contents"]
    # the CMS as its own length says: its last byte, the signature's, may be a zero like the padding
    container = cms.ContentInfo.load(contents).dump()
    digest = embedded.compute_digest()
    inner = signer._signer
    assert inner._template is not None
    assert container == asyncio.run(inner.pyhanko_sign(digest))


def test_key_is_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that signing never decodes the private key again (pyHanko's SimpleSigner does, at about 70 ms a time)."""
    signer = bureau_signer()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the private key was loaded again")

    monkeypatch.setattr(pdf_cms.serialization, "load_der_private_key", refuse)
    for _ in range(3):
        assert validate(signer.sign(blank_pdf())).valid


def test_signature_outgrowing_its_room_gets_more() -> None:
    """This test ensures that a signature larger than the room kept for it is sized by pyHanko instead, and later ones get that room."""
    signer = bureau_signer()
    signer._reserved = 1000  # hexadecimal characters: far less than the CMS needs
    assert validate(signer.sign(blank_pdf())).valid
    grown = signer._reserved
    assert grown > 5000
    assert validate(signer.sign(blank_pdf())).valid
    assert signer._reserved == grown


def test_ecdsa_key_signs_without_template(tmp_path: Path) -> None:
    """This test ensures that an ECDSA key, whose signatures vary in length, signs through pyHanko's own path and validates."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, BUREAU_NAME)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    signer = BureauSigner(key, certificate)
    assert signer._signer._template is None
    from cryptography.hazmat.primitives.serialization import Encoding

    status = validate(signer.sign(blank_pdf()), certificate.public_bytes(Encoding.PEM))
    assert status.intact and status.valid and status.trusted


def test_timestamp_present_when_tsa_configured(tsa_url: str) -> None:
    """This test ensures that with a timestamp authority the signature carries its trusted RFC 3161 timestamp."""
    status = validate(bureau_signer(tsa_url).sign(blank_pdf()))
    assert status.valid and status.trusted
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted


def test_no_timestamp_without_tsa() -> None:
    """This test ensures that without a timestamp authority the signature has no timestamp."""
    status = validate(bureau_signer().sign(blank_pdf()))
    assert status.timestamp_validity is None


def test_unreachable_tsa_refuses_to_sign() -> None:
    """This test ensures that a timestamp authority that does not answer stops the signature with a Chinese message naming the setting."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused at once.
    with pytest.raises(SigningFailed, match="WENSHU_TSA_URL"):
        bureau_signer(f"http://127.0.0.1:{port}/tsa").sign(blank_pdf())


def test_unreadable_pdf_refuses_to_sign() -> None:
    """This test ensures that bytes that are not a PDF are refused with a Chinese message, not signed."""
    with pytest.raises(SigningFailed, match="PDF"):
        bureau_signer().sign(b"not a pdf at all")


@pytest.mark.office
def test_signed_pdfa_is_still_pdfa_2b(pdfa: bytes, tmp_path: Path) -> None:
    """This test ensures that the rendered PDF/A-2b, once signed, still declares PDF/A-2b and has no violation."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(bureau_signer().sign(pdfa))
    assert pdfcheck.pdfa_identification(path) == ("2", "B")
    assert pdfcheck.pdfa_violations(path) == []
    assert validate(path.read_bytes()).valid


@pytest.mark.office
def test_signed_and_timestamped_pdfa_is_still_pdfa_2b(
    pdfa: bytes, tsa_url: str, tmp_path: Path
) -> None:
    """This test ensures that a signature with a timestamp keeps the file PDF/A-2b without violation."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(bureau_signer(tsa_url).sign(pdfa))
    assert pdfcheck.pdfa_violations(path) == []
    assert validate(path.read_bytes()).timestamp_validity is not None
