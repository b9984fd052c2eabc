"""The suite's test PKI: the bureau's CA, its signing certificate, refused ones and a timestamp authority.

Built by certomancer from tests/pki/certomancer.yml and the pregenerated test keys in
tests/pki/keys/. Architectures and certificate labels:

- ``wenshu``: ``root`` (the bureau's trust root), ``bureau`` (the bureau's signing
  certificate, 2024–2050), ``bureau-expired`` (2020–2021), ``bureau-future`` (2090–2095),
  ``bureau-no-signing`` (key usage: key encipherment only), ``bureau-other-key`` (the bureau's
  name over another key), ``tsa`` (the timestamp authority, served by timestamp_authority());
- ``other``: ``other-root`` and ``other-bureau``, a certificate in the bureau's name from a CA
  that is not the bureau's trust root;
- ``self-signed``: ``self-signed``, a certificate the bureau issued to itself.

Nothing here reaches the network: the timestamp authority answers on a loopback port.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from asn1crypto import pem
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, PKIArchitecture
from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    load_der_private_key,
    pkcs12,
)
from werkzeug.serving import WSGIRequestHandler, make_server

PKI_FOLDER = Path(__file__).resolve().parent
BUREAU_NAME = "岳阳市君山区史志档案局"
# The passphrase every PKCS#12 of this module is sealed with unless another is asked for.
PASSPHRASE = "junshan-seal-2026"
TSA_ARCHITECTURE = "wenshu"
TSA_LABEL = "tsa"


@functools.cache
def loaded_pki() -> CertomancerConfig:
    """Return the test PKI, loaded once per process (decrypting the keys takes about a second)."""
    return CertomancerConfig.from_file(str(PKI_FOLDER / "certomancer.yml"))


def architecture(arch: str = "wenshu") -> PKIArchitecture:
    """Return one PKI architecture of the test PKI: "wenshu", "other" or "self-signed"."""
    return loaded_pki().get_pki_arch(ArchLabel(arch))


def certificate_der(label: str, arch: str = "wenshu") -> bytes:
    """Return a certificate of the test PKI in DER."""
    der: bytes = architecture(arch).get_cert(CertLabel(label)).dump()
    return der


def certificate_pem(label: str, arch: str = "wenshu") -> bytes:
    """Return a certificate of the test PKI in PEM."""
    armored: bytes = pem.armor("CERTIFICATE", certificate_der(label, arch))
    return armored


def trust_root_pem(arch: str = "wenshu") -> bytes:
    """Return the trust root of an architecture in PEM: the bureau's own is "wenshu"'s root."""
    roots = {"wenshu": "root", "other": "other-root", "self-signed": "self-signed"}
    return certificate_pem(roots[arch], arch)


def bureau_pkcs12(
    label: str = "bureau", passphrase: str = PASSPHRASE, arch: str = "wenshu"
) -> bytes:
    """Return a PKCS#12 of a certificate's key, the certificate and its chain, sealed with a passphrase.

    bureau_pkcs12() is what a CA hands the bureau; bureau_pkcs12("bureau-expired") and the
    other labels give the ones an install must refuse; bureau_pkcs12("other-bureau", arch="other")
    is the bureau's name certified by a CA that is not its trust root.
    """
    packed: bytes = architecture(arch).package_pkcs12(
        CertLabel(label), password=passphrase.encode("utf-8")
    )
    return packed


def mismatched_pkcs12(passphrase: str = PASSPHRASE) -> bytes:
    """Return a PKCS#12 holding the bureau's key beside a certificate of another key.

    PKCS#12 writers refuse to pair a key with a certificate it does not match, so the certificate
    travels as an extra certificate beside the key, as some exports of a key store do.
    """
    pki = architecture("wenshu")
    key = load_der_private_key(pki.key_set.get_private_key("bureau").dump(), password=None)
    foreign = x509.load_der_x509_certificate(certificate_der("bureau-other-key"))
    packed: bytes = pkcs12.serialize_key_and_certificates(
        name=None,
        key=key,  # type: ignore[arg-type]
        cert=None,
        cas=[foreign, x509.load_der_x509_certificate(certificate_der("root"))],
        encryption_algorithm=BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    return packed


class _QuietHandler(WSGIRequestHandler):
    """A request handler that does not log each timestamp request to the test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing: a test reads the timestamp, not the server's access log."""


@contextmanager
def timestamp_authority() -> Iterator[str]:
    """Serve the test PKI's RFC 3161 timestamp authority on a loopback port; yield its URL.

    The TSA certificate chains to the bureau's test root ("wenshu"'s ``root``) and the time it
    stamps is the clock's. The server runs in a thread of the test process and stops on exit.
    """
    pki = loaded_pki()
    app = Animator(AnimatorArchStore(pki.pki_archs), with_web_ui=False)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="test-tsa", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{TSA_ARCHITECTURE}/tsa/{TSA_LABEL}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
