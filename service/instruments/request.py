"""The one place that turns an instrument's checked facts and 文号 into a render request."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from forms.fields import ArchiveView
from service.foundations.config import Bureau
from service.instruments.context import build_context
from service.instruments.facts import Facts
from service.instruments.registry import (
    INSTRUMENTS,
    RECEIPT_CODE,
    RECEIPT_SERIES,
    Instrument,
    Numbering,
)
from service.render.pdfa import DocumentMetadata
from service.render.request import RenderRequest


def agency_code(instrument: Instrument, bureau: Bureau) -> str:
    """Return the 机关代字 the bureau numbers this instrument with (its own, or the default).

    An incoming kind is written with the receipt register's prefix, which all of them share.
    """
    if instrument.numbering is Numbering.INCOMING:
        return series_code(RECEIPT_SERIES, bureau)
    return bureau.agency_codes.get(instrument.kind, instrument.agency_code)


def series_code(series: str, bureau: Bureau) -> str:
    """Return the code the numbers of a series are written with: a kind's, or the register's."""
    if series == RECEIPT_SERIES:
        return bureau.agency_codes.get(RECEIPT_SERIES, RECEIPT_CODE)
    instrument = INSTRUMENTS.get(series)
    if instrument is None or instrument.series != series:  # a kind that numbers elsewhere now
        return bureau.agency_codes.get(series, series)
    return agency_code(instrument, bureau)


def computed_values(
    instrument: Instrument,
    facts: Facts,
    archive: ArchiveView | None,
    case_number: str = "",
    case_opened_on: str = "",
    approval: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return what the instrument computes from its facts and the archive (a draw, a summary).

    A kind issued in cases also prints its case's number and 立案日期 ("" outside a case, or
    in a preview before 立案 is approved); a kind the head approves prints the approval (head, opinion,
    date), None until it is given.
    """
    hook = instrument.context_hook
    computed = hook(facts.values, archive) if hook else {}
    if instrument.case != "never":
        computed["case_number"] = case_number
        computed["case_opened_on"] = case_opened_on
    if instrument.approval:
        computed["approval"] = approval
    return computed


def document_metadata(
    instrument: Instrument,
    facts: Facts,
    number: str,
    bureau: Bureau,
    *,
    agent: str,
    action_time: dt.datetime,
    business_action: str = "",
    title: str | None = None,
) -> DocumentMetadata:
    """Return the metadata written into the instrument's PDF: title, 文号, body, date, terms.

    The business action is 发文 for what the bureau issues and 收文 for what it receives,
    unless another is given.
    """
    business_action = business_action or business_action_of(instrument)
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
        source=drawn_source(instrument, facts),
    )


def drawn_source(instrument: Instrument, facts: Facts) -> str:
    """Return the record of the draw a drawn kind's PDF carries as its source ("" for other kinds).

    The seed, method, percent, register, pool and result as JSON, with the number of the
    recorded draw: enough to redo the draw from the issued file alone.
    """
    rules = instrument.draw_rules
    if rules is None:
        return ""
    record = rules.record(facts.values) | {"record_id": facts.values.get(rules.draw_field)}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def business_action_of(instrument: Instrument) -> str:
    """Return what recording an instrument is, as DA/T 46 names the business action."""
    return "收文" if instrument.numbering is Numbering.INCOMING else "发文"


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
