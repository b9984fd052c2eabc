"""Which documents are sealed and signed at issue: the seal and signer for an instrument, if any."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from service.acts.seal_install import installed_seal
from service.archive.seals import SealUnusable, seal_signer
from service.foundations.secret import service_secret
from service.instruments.registry import Instrument
from service.render.pdfa import RenderedPdf
from service.render.request import RenderRequest
from service.render.seal import SealImage, SealPlacement
from service.render.sealing import BureauSeal
from service.render.stages import NO_TIMER, StageTimer
from service.services import Wenshu


def bureau_seal(
    wenshu: Wenshu, instrument: Instrument, now: dt.datetime | None = None
) -> BureauSeal | None:
    """Return the seal and signer an instrument's documents get, or None to leave them unsigned.

    None when the kind bears no seal (the registry says) or no seal is installed: documents
    are then issued as before. Raises SealUnusable when the installed seal cannot be read,
    its key not unwrapped, or its certificate is not valid now (a signature by it would not
    verify): a sealed kind is not issued unsigned, or wrongly signed, behind the bureau's back.
    """
    if not instrument.seal:
        return None
    installed = installed_seal(wenshu)
    if installed is None:
        return None
    moment = now or dt.datetime.now(dt.UTC)
    certificate = installed.summary
    if not certificate.not_before <= moment <= certificate.not_after:
        raise SealUnusable(
            f"本局签名证书的有效期为 {certificate.not_before:%Y-%m-%d} 至 "
            f"{certificate.not_after:%Y-%m-%d}，现在不能用它签署{instrument.title}："
            "请向发证机构申请有效的证书，并重新执行 wenshu seal install"
        )
    settings = wenshu.settings
    signer = seal_signer(installed, service_secret(settings), settings.tsa_url)
    return BureauSeal(SealImage(installed.png, installed.diameter_mm), signer)


def signature_lines(instrument: Instrument, context: Mapping[str, Any]) -> tuple[str, str]:
    """Return the 发文机关署名 and the 成文日期 as the template printed them from this context."""
    return str(context[instrument.issuer_field]), str(context[instrument.date_field])


def sealed_request(
    wenshu: Wenshu, instrument: Instrument, request: RenderRequest, timer: StageTimer = NO_TIMER
) -> tuple[RenderRequest, BureauSeal | None]:
    """Return the request with the seal to press, and the seal whose signer then signs it.

    The request unchanged and None when the kind bears no seal or none is installed. The
    seal is pressed as the PDF is finished, in the pass that writes its metadata
    (service.render.fit.finished_pdf); signed() signs the finished bytes.
    """
    with timer.stage("seal"):
        seal = bureau_seal(wenshu, instrument)
    if seal is None:
        return request, None
    placement = SealPlacement(seal.image, *signature_lines(instrument, request.context))
    return dataclasses.replace(request, seal=placement), seal


def signed(pdf: RenderedPdf, seal: BureauSeal | None, timer: StageTimer = NO_TIMER) -> RenderedPdf:
    """Return the rendered document signed by the seal's signer, as it is when there is no seal."""
    if seal is None:
        return pdf
    with timer.stage("sign"):
        return dataclasses.replace(pdf, data=seal.signer.signer().sign(pdf.data))
