"""Helpers of the seal tests: install the specimen seal, read a PDF's signatures and seal marks."""

from __future__ import annotations

import io
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from service.acts.seal_install import install_seal
from service.services import Wenshu
from tests import pdfcheck
from tests.pki import PASSPHRASE, bureau_pkcs12, trust_root_pem
from tests.render.specimen_seal import specimen_seal_png

SEAL_MM = 42.0


def install(wenshu: Wenshu) -> None:
    """Install the specimen seal and the test bureau's certificate."""
    install_seal(
        wenshu, specimen_seal_png(), bureau_pkcs12(), PASSPHRASE, trust_root_pem(), SEAL_MM,
        "测试管理员",
    )  # fmt: skip


def signature_statuses(data: bytes) -> list[PdfSignatureStatus]:
    """Return pyHanko's validation of each signature of a PDF against the test root."""
    root = asn1_x509.Certificate.load(asn1_pem.unarmor(trust_root_pem())[2])
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return [
        validate_pdf_signature(embedded, context)
        for embedded in PdfFileReader(io.BytesIO(data)).embedded_signatures
    ]


def seal_marks(path: Path) -> list[pdfcheck.Placement]:
    """Return the images drawn about a seal's size (42 mm across, give or take 1 mm)."""
    return [
        placement
        for placement in pdfcheck.image_placements(path)
        if abs(placement.x1 - placement.x0 - SEAL_MM * pdfcheck.MM) <= pdfcheck.MM
    ]
