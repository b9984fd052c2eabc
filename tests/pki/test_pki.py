"""The test PKI gives what the seal and signature tests rely on."""

from __future__ import annotations

import hashlib
import urllib.request

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.pki import (
    BUREAU_NAME,
    PASSPHRASE,
    bureau_pkcs12,
    certificate_der,
    mismatched_pkcs12,
    timestamp_authority,
    trust_root_pem,
)


def test_bureau_pkcs12_holds_the_bureaus_key_and_certificate() -> None:
    """This test ensures that the bureau's PKCS#12 opens with the passphrase and pairs the key with a certificate in the bureau's name issued by the trust root."""
    key, cert, chain = pkcs12.load_key_and_certificates(bureau_pkcs12(), PASSPHRASE.encode())
    assert key is not None and cert is not None
    assert key.public_key() == cert.public_key()
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert names[0].value == BUREAU_NAME
    root = x509.load_pem_x509_certificate(trust_root_pem())
    cert.verify_directly_issued_by(root)
    assert [c.subject for c in chain] == [root.subject]


def test_refused_certificates_differ_from_the_good_one_as_named() -> None:
    """This test ensures that the expired, future, non-signing, foreign and mismatched certificates each have the one defect their name says."""
    expired = x509.load_der_x509_certificate(certificate_der("bureau-expired"))
    future = x509.load_der_x509_certificate(certificate_der("bureau-future"))
    no_signing = x509.load_der_x509_certificate(certificate_der("bureau-no-signing"))
    assert expired.not_valid_after_utc.year == 2021
    assert future.not_valid_before_utc.year == 2090
    assert not no_signing.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    foreign = x509.load_der_x509_certificate(certificate_der("other-bureau", "other"))
    assert foreign.issuer != x509.load_pem_x509_certificate(trust_root_pem()).subject
    key, cert, extra = pkcs12.load_key_and_certificates(mismatched_pkcs12(), PASSPHRASE.encode())
    assert key is not None and cert is None
    assert all(c.public_key() != key.public_key() for c in extra)


def test_timestamp_authority_answers_on_loopback() -> None:
    """This test ensures that the test TSA answers an RFC 3161 request for a digest with a granted token over that digest."""
    digest = hashlib.sha256(b"wenshu").digest()
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "cert_req": True,
        }
    )
    with timestamp_authority() as url:
        assert url.startswith("http://127.0.0.1:")
        ask = urllib.request.Request(
            url, data=request.dump(), headers={"Content-Type": "application/timestamp-query"}
        )
        with urllib.request.urlopen(ask, timeout=30) as answer:
            response = tsp.TimeStampResp.load(answer.read())
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
