"""A rendered document made the bureau's act: its seal pressed on the signature, then signed (PAdES)."""

from __future__ import annotations

from dataclasses import dataclass

from service.render.seal import SealImage, stamp_seal
from service.render.signing import SignerSource
from service.render.stages import NO_TIMER, StageTimer


@dataclass(frozen=True)
class BureauSeal:
    """The installed seal's image and what its signer is made from: ready for many documents.

    Plain data, so that batch worker processes can take it; each makes its signer once.
    """

    image: SealImage
    signer: SignerSource

    def press(self, pdf: bytes, issuer: str, date: str, timer: StageTimer = NO_TIMER) -> bytes:
        """Return pdf with the seal on its 发文机关署名 issuer and 成文日期 date, then signed.

        The seal goes in first and the signature covers it: any change to the seal after
        signing breaks the signature. Raises SealUnplaceable (a TemplateProblem) when the
        page has no place for the seal, SigningFailed when the signature cannot be made.
        """
        with timer.stage("seal"):
            sealed = stamp_seal(pdf, self.image, issuer, date)
        with timer.stage("sign"):
            return self.signer.signer().sign(sealed)
