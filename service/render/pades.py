"""The bureau's signature on a finished PDF/A: PAdES baseline, with an RFC 3161 timestamp when configured."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    pkcs12,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from service.render.cms import LoadedKeySigner
from service.render.signing import SIGNATURE_FIELD, SigningFailed, SigningKey

# Seconds to wait for the timestamp authority before the document is not issued.
TSA_TIMEOUT = 20
# Room kept in each file for the signature (CMS) beyond its certificates, in bytes of DER:
# signed attributes and the signature itself take about 1.5 KB, a timestamp token about 5 KB
# more with its authority's certificate. Too little is caught and sized by pyHanko instead.
CMS_ALLOWANCE = 3000
TIMESTAMP_ALLOWANCE = 8000


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, leaving the document's XMP and Info as they are.

    pyHanko rewrites the XMP packet through its own model on every write, which drops the
    PDF/A identification (pdfaid:part) and the archival properties written at render time:
    the signed file would no longer say it is PDF/A-2b. A signature changes no metadata.
    """

    def _update_meta(self) -> None:
        """Leave the metadata untouched."""


class BureauSigner:
    """Signs PDFs with one loaded key and certificate; safe to use from several threads at once.

    Each signature is an incremental update adding an invisible signature field, so the
    signed bytes begin with the PDF/A as rendered and stay PDF/A-2b. subfilter
    ETSI.CAdES.detached (PAdES baseline B; B-T with a timestamp when tsa_url is set).
    """

    def __init__(
        self,
        key: SigningKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
        tsa_url: str = "",
    ) -> None:
        self.certificate = certificate
        self.tsa_url = tsa_url
        others = [_asn1(c) for c in chain if c != certificate]
        self._signer = LoadedKeySigner(key, _asn1(certificate), others)
        self._meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            subfilter=SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        self._timestamper = HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT) if tsa_url else None
        chain_size = sum(len(c.public_bytes(Encoding.DER)) for c in [certificate, *chain])
        allowance = CMS_ALLOWANCE + (TIMESTAMP_ALLOWANCE if tsa_url else 0)
        # Hexadecimal in the file: two characters a byte.
        self._reserved = 2 * (chain_size + allowance)
        self._lock = threading.Lock()

    def sign(self, pdf: bytes) -> bytes:
        """Return pdf signed with the bureau's key: its bytes, then the signature's update.

        Raises SigningFailed when the PDF cannot be read or the timestamp authority does
        not answer (nothing is signed then).
        """
        reserved = self._reserved
        try:
            return self._sign(pdf, reserved)
        except SigningError as error:
            if "larger than expected" not in str(error):
                raise SigningFailed(f"无法签名文书：{error}") from error
        # The signature outgrew the room kept (a long chain, a large timestamp token): pyHanko
        # sizes this one from a trial signature, and those after it get as much room.
        signed = self._sign(pdf, None)
        embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
        used = 2 * len(embedded.sig_object["/Contents"])
        with self._lock:
            self._reserved = max(self._reserved, used)
        return signed

    def _sign(self, pdf: bytes, reserved: int | None) -> bytes:
        """Return pdf signed, keeping reserved hexadecimal characters for the signature."""
        try:
            writer = _MetadataKeepingWriter(io.BytesIO(pdf), strict=False)
            pdf_signer = signers.PdfSigner(
                self._meta, signer=self._signer, timestamper=self._timestamper
            )
            out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
        except TimestampRequestError as error:
            raise SigningFailed(
                f"时间戳服务（{self.tsa_url}）没有应答，文书未签发：{error}。"
                "请检查 WENSHU_TSA_URL 的地址和网络后重试"
            ) from error
        except PdfError as error:
            raise SigningFailed(f"无法读取要签名的 PDF：{error}") from error
        signed: bytes = out.getvalue()
        return signed


def signer_from_pkcs12(data: bytes, passphrase: bytes | None, tsa_url: str = "") -> BureauSigner:
    """Return a signer for the key and certificate of a PKCS#12 (the certificate's chain included).

    Raises ValueError when the passphrase does not open it or it holds no usable key.
    """
    key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError("PKCS#12 中没有 RSA 或 ECDSA 私钥")
    if certificate is None:
        raise ValueError("PKCS#12 中没有与私钥配对的证书")
    return BureauSigner(key, certificate, chain, tsa_url)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Return a certificate as pyHanko's asn1crypto reads it."""
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
