"""Serving a document: its 送达回证 is issued and the document marked served, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from forms.service_receipt import SIGNED
from service.accounts.people import person_name
from service.acts.casework import RECEIPT, Service, not_servable
from service.acts.errors import DocumentUnknown, FactsRefused
from service.acts.issuing import issue_document
from service.archive.access import Visibility, shown
from service.archive.lookup import DatabaseArchiveView
from service.database.models import Document, utcnow
from service.foundations.formatting import format_date, local_date
from service.instruments.facts import InvalidFacts, validate_facts
from service.instruments.registry import Numbering, get_instrument
from service.services import Wenshu

Errors = dict[str, list[str]]
DATE_FORMAT = "%Y-%m-%d"  # as the form's date fields read it


def serve_document(
    wenshu: Wenshu,
    document_id: int,
    raw: Mapping[str, Any],
    served_by: str,
    classifications: Visibility = None,
    today: dt.date | None = None,
) -> Document:
    """Return the 送达回证 recording that the document was served as raw says; raise NotIssued.

    raw holds the receipt's facts but the served document's: its 文号, title and recipient
    are taken from the document, so the receipt cannot name another. The receipt is issued
    in the document's case, and in its issuing transaction the document takes its served_on
    and service_receipt_id, with an audit entry "serve", and the case its new status.

    Raises DocumentUnknown for a document that does not exist or classifications hide;
    NotServable for one voided or served already; FactsRefused, keyed by field, for a
    service_receipt, a received report, a date before the document's or after today, a
    recipient other than the document's unless a 代收 is recorded, and the receipt's own rules.
    A penalty decision served later than 第六十一条 allows is a warning on the receipt.
    """
    today = today or local_date(utcnow(), wenshu.settings.timezone)
    served = _servable(wenshu, document_id, classifications)
    with wenshu.database.session() as session:
        server = person_name(session, served_by)  # the 送达人 printed is the person, not the login
    facts = receipt_facts(served, raw, server)
    errors = against_document(served, raw, today)
    instrument = get_instrument(RECEIPT)
    archive = DatabaseArchiveView(wenshu.database, classifications)
    try:
        checked = validate_facts(instrument, facts, archive, wenshu.settings.policy)
    except InvalidFacts as invalid:
        raise FactsRefused(_merged(invalid.errors, errors)) from invalid
    if errors:
        raise FactsRefused(errors)
    service = Service(
        document_id=served.id, served_on=checked.values["served_on"],
        method=checked.values["method"], served_by=served_by,
    )  # fmt: skip
    return issue_document(
        wenshu, RECEIPT, facts, served_by, classifications,
        case_id=served.case_id, service=service,
    )  # fmt: skip


def _servable(wenshu: Wenshu, document_id: int, classifications: Visibility) -> Document:
    """Return the document if it may be served; raise DocumentUnknown, NotServable or FactsRefused."""
    with wenshu.database.session() as session:
        served = session.scalar(
            select(Document).where(Document.id == document_id, shown(classifications))
        )
        if served is None:  # or of a 密级 the reader may not see: answered alike
            raise DocumentUnknown(f"没有 id 为 {document_id} 的文书")
        if served.status != "issued" or served.service_receipt_id is not None:
            raise not_servable(session, served, document_id)
        session.expunge(served)
    if served.kind == RECEIPT:
        raise FactsRefused(
            {"served_number": ["送达回证本身不需要送达：请登记送达它所证明送达的文书"]}
        )
    instrument = get_instrument(served.kind)
    if instrument.numbering is Numbering.INCOMING:
        raise FactsRefused(
            {"served_number": [f"{served.number}是本局收到的{served.title}，不由本局送达"]}
        )
    if not instrument.served:
        raise FactsRefused(
            {"served_number": [
                f"{served.title}{served.number}是记录或内部文书，不送达当事人：送达回证只为"
                "送达当事人的通知书、决定书等制作"
            ]}
        )  # fmt: skip
    return served


def receipt_facts(served: Document, raw: Mapping[str, Any], served_by: str) -> dict[str, Any]:
    """Return the receipt's facts: what raw says of the service, what the document says of itself.

    The recipient raw names is who took the document: where someone signs (直接送达, 邮寄送达)
    the signer, unless another is named, and when it is not the document's recipient, the
    person who received for it (代收); the receipt's 受送达人 stays the document's. Without
    servers named, the one recording the service is taken as its 送达人.
    """
    facts = dict(raw)
    named = str(raw.get("recipient") or "").strip()
    if raw.get("method") in SIGNED and named and not str(raw.get("signer") or "").strip():
        facts["signer"] = named
    if raw.get("server") is None:
        facts["server"] = [{"name": served_by}]
    facts["served_number"] = served.number
    facts["served_title"] = served.title
    facts["recipient"] = served.recipient
    return facts


def against_document(served: Document, raw: Mapping[str, Any], today: dt.date) -> Errors:
    """Return what raw says of the service that the served document, or today, contradicts."""
    errors: Errors = {}
    named = str(raw.get("recipient") or "").strip()
    signer = str(raw.get("signer") or "").strip()
    if named and named != served.recipient and raw.get("method") not in SIGNED:
        errors["recipient"] = [
            f"{served.number}的受送达人是“{served.recipient}”，不是“{named}”："
            "只有直接送达和邮寄送达可以由他人代收"
        ]
    elif named and named != served.recipient:
        if not raw.get("signer_relation"):
            errors["recipient"] = [
                f"{served.number}的受送达人是“{served.recipient}”，不是“{named}”：由他人代收的，"
                "请填写签收人并选择代收理由（《中华人民共和国民事诉讼法》第八十八条）"
            ]
        elif signer and signer != named:
            errors["recipient"] = [
                f"代收人“{named}”与签收人“{signer}”不一致：代收的，签收人即代收人"
            ]
    served_on = _date(raw.get("served_on"))
    if served_on is not None and served_on < served.document_date:
        errors["served_on"] = [
            f"送达日期早于{served.title}{served.number}的成文日期"
            f"{format_date(served.document_date)}：文书作出后才能送达"
        ]
    elif served_on is not None and served_on > today:
        wait = (
            "公告送达的，公告期满视为送达，期满后再登记；"
            if raw.get("method") == "公告送达"
            else ""
        )
        errors["served_on"] = [
            f"送达日期晚于今天（{format_date(today)}）：{wait}送达回证记录已经完成的送达"
        ]
    return errors


def _date(value: Any) -> dt.date | None:
    """Return a date written 年-月-日, or None (the form says what is wrong with it)."""
    try:
        return dt.datetime.strptime(str(value).strip(), DATE_FORMAT).date()
    except ValueError:
        return None


def _merged(first: Mapping[str, list[str]], more: Mapping[str, list[str]]) -> Errors:
    """Return the messages of both, field by field, none repeated."""
    merged: Errors = {name: list(messages) for name, messages in first.items()}
    for name, messages in more.items():
        kept = merged.setdefault(name, [])
        kept.extend(message for message in messages if message not in kept)
    return merged
