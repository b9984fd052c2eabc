"""The CMS of a PAdES signature, made fast: the key loaded once, the container filled from a template."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko_certvalidator.registry import SimpleCertificateStore

from service.render.signing import SigningKey

TEMPLATE_DIGEST = "sha256"
HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


class LoadedKeySigner(signers.SimpleSigner):
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
    def build(cls, signer: LoadedKeySigner) -> SignatureTemplate | None:
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
