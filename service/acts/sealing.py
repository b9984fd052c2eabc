"""Which documents are sealed and signed at issue: the seal and signer for an instrument, if any."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from service.acts.seal_install import installed_seal
from service.archive.seals import seal_signer
from service.foundations.secret import service_secret
from service.instruments.registry import Instrument
from service.render.pdfa import RenderedPdf
from service.render.seal import SealImage
from service.render.sealing import BureauSeal
from service.services import Wenshu


def bureau_seal(wenshu: Wenshu, instrument: Instrument) -> BureauSeal | None:
    """Return the seal and signer an instrument's documents get, or None to leave them unsigned.

    None when the kind bears no seal (the registry says) or no seal is installed: documents
    are then issued as before. Raises SealUnusable when the installed seal cannot be read or
    its key not unwrapped: a sealed kind is not issued unsigned behind the bureau's back.
    """
    if not instrument.seal:
        return None
    installed = installed_seal(wenshu)
    if installed is None:
        return None
    settings = wenshu.settings
    signer = seal_signer(installed, service_secret(settings), settings.tsa_url)
    return BureauSeal(SealImage(installed.png, installed.diameter_mm), signer)


def signature_lines(instrument: Instrument, context: Mapping[str, Any]) -> tuple[str, str]:
    """Return the 发文机关署名 and the 成文日期 as the template printed them from this context."""
    return str(context[instrument.issuer_field]), str(context[instrument.date_field])


def seal_document(
    wenshu: Wenshu, instrument: Instrument, context: Mapping[str, Any], pdf: RenderedPdf
) -> RenderedPdf:
    """Return the rendered document sealed and signed when its kind bears a seal and one is installed."""
    seal = bureau_seal(wenshu, instrument)
    if seal is None:
        return pdf
    return dataclasses.replace(
        pdf, data=seal.press(pdf.data, *signature_lines(instrument, context))
    )
