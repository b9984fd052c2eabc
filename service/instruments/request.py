"""The one place that turns an instrument's checked facts and 文号 into a render request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forms.fields import ArchiveView
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import Facts
from service.instruments.registry import Instrument
from service.render.pdfa import DocumentMetadata
from service.render.request import RenderRequest


def agency_code(instrument: Instrument, bureau: Bureau) -> str:
    """Return the 机关代字 the bureau numbers this instrument with (its own, or the default)."""
    return bureau.agency_codes.get(instrument.kind, instrument.agency_code)


def computed_values(
    instrument: Instrument, facts: Facts, archive: ArchiveView | None
) -> dict[str, Any]:
    """Return what the instrument computes from its facts and the archive (a draw, a summary)."""
    hook = instrument.context_hook
    return hook(facts.values, archive) if hook else {}


def document_metadata(
    instrument: Instrument,
    facts: Facts,
    number: str,
    bureau: Bureau,
    *,
    agent: str,
    action_time: dt.datetime,
    business_action: str = "发文",
    title: str | None = None,
) -> DocumentMetadata:
    """Return the metadata written into the instrument's PDF: title, 文号, body, date, terms."""
    return DocumentMetadata(
        title=title or instrument.title,
        document_number=number,
        responsible_body=bureau.name,
        date=facts.values[instrument.date_field],
        retention_period=instrument.retention,
        classification=instrument.classification,
        kind=instrument.kind,
        agent=agent,
        action_time=action_time,
        business_action=business_action,
    )


def build_render_request(
    instrument: Instrument,
    facts: Facts,
    computed: dict[str, Any],
    number: str,
    template: bytes,
    bureau: Bureau,
    metadata: DocumentMetadata,
) -> RenderRequest:
    """Return what is rendered for these facts under this 文号 with this template version."""
    context = build_context(instrument, facts, number, bureau, computed)
    return RenderRequest(context=context, template=template, metadata=metadata)
