"""A rendered document made the bureau's act: its seal pressed on the signature, then signed (PAdES)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from service.render.pdfa import RenderedPdf
from service.render.seal import SealImage, stamp_seal
from service.render.signing import BureauSigner


@dataclass(frozen=True)
class BureauSeal:
    """The installed seal's image and the signer of its certificate, ready for many documents."""

    image: SealImage
    signer: BureauSigner

    def press(self, pdf: RenderedPdf, issuer: str, date: str) -> RenderedPdf:
        """Return pdf with the seal on its 发文机关署名 issuer and 成文日期 date, then signed.

        The seal goes in first and the signature covers it: any change to the seal after
        signing breaks the signature. Raises SealUnplaceable (a TemplateProblem) when the
        page has no place for the seal, SigningFailed when the signature cannot be made.
        """
        stamped = stamp_seal(pdf.data, self.image, issuer, date)
        return dataclasses.replace(pdf, data=self.signer.sign(stamped))
