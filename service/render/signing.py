"""The bureau's signature, as the rest of the service names it: its field, its failure, what a signer is made from.

The signing itself (pyHanko) is service/render/pades.py, imported when a signer is first
made: commands and pages that never sign do not pay for loading pyHanko (half a second).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric import ec, rsa

if TYPE_CHECKING:
    from service.render.pades import BureauSigner

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
SIGNATURE_FIELD = "BureauSignature"
UNSEALED = "未加盖电子印章"  # what a document without the bureau's signature is said to be


class SigningFailed(Exception):
    """Raised when a document could not be signed: the message, in Chinese, says why and what to do."""


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
        from service.render.pades import signer_from_pkcs12

        with _signers_lock:
            signer = _signers.get(self)
            if signer is None:
                signer = signer_from_pkcs12(self.pkcs12, self.password, self.tsa_url)
                _signers[self] = signer
            return signer


_signers: dict[SignerSource, BureauSigner] = {}
_signers_lock = threading.Lock()
