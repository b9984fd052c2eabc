"""The bureau's signature on a finished PDF/A: PAdES baseline, with an RFC 3161 timestamp when configured."""

from __future__ import annotations

import asyncio
import io
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNATURE_FIELD = "BureauSignature"
# Seconds to wait for the timestamp authority before the document is not issued.
TSA_TIMEOUT = 20
# Room kept in each file for the signature (CMS) beyond its certificates, in bytes of DER:
# signed attributes and the signature itself take about 1.5 KB, a timestamp token about 5 KB
# more with its authority's certificate. Too little is caught and sized by pyHanko instead.
CMS_ALLOWANCE = 3000
TIMESTAMP_ALLOWANCE = 8000
TEMPLATE_DIGEST = "sha256"
HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class SigningFailed(Exception):
    """Raised when a document could not be signed: the message, in Chinese, says why and what to do."""


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with the private key loaded once, and the CMS filled from a template.

    SimpleSigner keeps the key as DER and loads it with cryptography at every signature (about
    70 ms a document); and building the CMS with asn1crypto takes most of the rest (about 20 ms).
    Without a timestamp, a PAdES signature's CMS differs from one document to the next only in
    the digest it signs and the signature itself, both of fixed length for an RSA key: it is
    built once by pyHanko and then filled in (SignatureTemplate).
    """

    def __init__(
        self,
        key: SigningKey,
        certificate: asn1_x509.Certificate,
        others: Sequence[asn1_x509.Certificate],
    ) -> None:
        info = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        )
        super().__init__(
            signing_cert=certificate,
            signing_key=info,
            cert_registry=SimpleCertificateStore.from_certs(others),
        )
        self._key = key
        self._template = (
            SignatureTemplate.build(self) if isinstance(key, rsa.RSAPrivateKey) else None
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Return the raw signature of data with the loaded key (RSA PKCS#1 v1.5 or PSS, ECDSA)."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = HASHES[digest_algorithm]
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(algorithm))
        if mechanism.signature_algo == "rsassa_pss":
            pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
            return self._key.sign(data, pss, algorithm)
        return self._key.sign(data, padding.PKCS1v15(), algorithm)

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: Any = None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> cms.ContentInfo:
        """Return the CMS of a signature over data_digest: from the template when it applies."""
        plain = (
            self._template is not None
            and use_pades
            and is_pdf_sig
            and not dry_run
            and timestamper is None
            and encap_content_info is None
            and digest_algorithm == TEMPLATE_DIGEST
            and (signed_attr_settings is None or _no_extra_attributes(signed_attr_settings))
        )
        if plain and self._template is not None and isinstance(self._key, rsa.RSAPrivateKey):
            return cms.ContentInfo.load(self._template.fill(data_digest, self._key))
        return await super().async_sign(
            data_digest,
            digest_algorithm,
            dry_run=dry_run,
            use_pades=use_pades,
            timestamper=timestamper,
            signed_attr_settings=signed_attr_settings,
            is_pdf_sig=is_pdf_sig,
            encap_content_info=encap_content_info,
        )

    async def pyhanko_sign(self, data_digest: bytes) -> bytes:
        """Return the DER of the CMS pyHanko itself builds for a PAdES signature over data_digest."""
        built = await super().async_sign(data_digest, TEMPLATE_DIGEST, use_pades=True)
        der: bytes = built.dump()
        return der


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, leaving the document's XMP and Info as they are.

    pyHanko rewrites the XMP packet through its own model on every write, which drops the
    PDF/A identification (pdfaid:part) and the archival properties written at render time:
    the signed file would no longer say it is PDF/A-2b. A signature changes no metadata.
    """

    def _update_meta(self) -> None:
        """Leave the metadata untouched."""


def _no_extra_attributes(settings: PdfCMSSignedAttributes) -> bool:
    """Return whether the settings add no signed attribute besides those every signature has.

    In a PAdES signature the signing time goes into the signature dictionary, not the CMS.
    """
    return settings.adobe_revinfo_attr is None and settings.cades_signed_attrs is None


@dataclass(frozen=True)
class SignatureTemplate:
    """A PAdES CMS built by pyHanko, with the places of the signed digest and of the signature.

    The signed attributes (content type, message digest, signing certificate) are the same for
    every document but the digest; RSA PKCS#1 v1.5 signatures are deterministic and as long
    as the key's modulus. So a template filled with a digest is byte for byte the CMS pyHanko
    builds for that digest: build() checks exactly that, on two digests, before it is used.
    """

    der: bytes
    digest_at: int  # where the message digest's 32 bytes begin
    attributes_at: int  # where the signed attributes ([0] IMPLICIT SET OF) begin
    attributes_end: int
    signature_at: int
    signature_length: int

    @classmethod
    def build(cls, signer: _LoadedKeySigner) -> SignatureTemplate | None:
        """Return the template of this signer's signatures, or None if one cannot be made safely."""
        first, second = secrets.token_bytes(32), secrets.token_bytes(32)
        der = asyncio.run(signer.pyhanko_sign(first))
        signer_info = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
        attributes = signer_info["signed_attrs"].dump()
        signature = signer_info["signature"].native
        if der.count(first) != 1 or der.count(attributes) != 1 or der.count(signature) != 1:
            return None
        attributes_at = der.index(attributes)
        template = cls(
            der=der,
            digest_at=der.index(first),
            attributes_at=attributes_at,
            attributes_end=attributes_at + len(attributes),
            signature_at=der.index(signature),
            signature_length=len(signature),
        )
        key = signer._key
        if not isinstance(key, rsa.RSAPrivateKey):
            return None
        for probe in (first, second):
            if template.fill(probe, key) != asyncio.run(signer.pyhanko_sign(probe)):
                return None
        return template

    def fill(self, digest: bytes, key: rsa.RSAPrivateKey) -> bytes:
        """Return the CMS signing digest: the digest put in, the attributes signed with key."""
        der = bytearray(self.der)
        der[self.digest_at : self.digest_at + len(digest)] = digest
        # The signature is over the attributes' DER as a SET OF (tag 0x31), not [0] IMPLICIT.
        signed = b"\x31" + bytes(der[self.attributes_at + 1 : self.attributes_end])
        signature = key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        if len(signature) != self.signature_length:
            raise SigningError("the key gave a signature of an unexpected length")
        der[self.signature_at : self.signature_at + self.signature_length] = signature
        return bytes(der)


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
        self._signer = _LoadedKeySigner(key, _asn1(certificate), others)
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


@dataclass(frozen=True)
class SignerSource:
    """What a signer is made from: a PKCS#12, its password, the timestamp authority.

    Plain bytes and text, so that it crosses to a worker process; each process makes its
    signer from it once (signer()), the key loaded and the CMS template built then.
    """

    pkcs12: bytes
    password: bytes
    tsa_url: str = ""

    def signer(self) -> BureauSigner:
        """Return this process's signer for the source; raise ValueError if the PKCS#12 does not open."""
        with _signers_lock:
            signer = _signers.get(self)
            if signer is None:
                signer = signer_from_pkcs12(self.pkcs12, self.password, self.tsa_url)
                _signers[self] = signer
            return signer


_signers: dict[SignerSource, BureauSigner] = {}
_signers_lock = threading.Lock()


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """Return a certificate as pyHanko's asn1crypto reads it."""
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
