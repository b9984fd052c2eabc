"""The 送达 section of a document page: how the document was served, or the form recording it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import FieldList

from forms.fields import InstrumentForm
from forms.service_receipt import DIRECT, ELECTRONIC, LEFT, METHODS, NOTICE, POST, SIGNED
from service.accounts.users import ISSUE
from service.acts.casework import RECEIPT
from service.acts.errors import DocumentUnknown, FactsRefused, NotIssued, NotServable
from service.acts.serving import serve_document
from service.archive.access import shown
from service.database.models import Document
from service.instruments.registry import get_instrument
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.deadlines import today
from service.web.documents import reader_classifications, visible_document
from service.web.formdata import without_blank_rows

blueprint = Blueprint("service_web", __name__)

# The form's fields in groups, each shown for the methods that record them (a script hides
# the others; without it every group shows, each saying when it is filled in).
COMMON = ("method", "served_on", "recipient")
GROUPS = (
    ("送达地点", (DIRECT, LEFT, POST), ("place",)),
    ("签收", SIGNED, ("signer", "signer_relation")),
    ("邮寄", (POST,), ("tracking_number",)),
    ("拒收和见证", (LEFT,), ("refusal_reason", "witnesses", "recording")),
    ("电子送达", (ELECTRONIC,), ("consent_date", "address")),
    ("公告送达", (NOTICE,), ("notice_medium", "notice_date", "notice_reason")),
    ("送达人和备注", METHODS, ("server", "remarks")),
)
BLANK_ROWS = {"witnesses": 2, "server": 2}


@dataclass(frozen=True)
class Served:
    """How a document was served, as its page shows it: the day, the method and the receipt."""

    served_on: str
    method: str
    signer: str  # who signed, and for whom when it was not the recipient; "" where nobody did
    receipt_id: int
    receipt_number: str


@dataclass(frozen=True)
class ServiceSection:
    """What a document page shows under 送达: the service, the form to record it, or nothing."""

    served: Served | None = None
    form: InstrumentForm | None = None
    served_document: Document | None = None  # on a receipt's page: the document it served
    problem: str | None = None
    groups: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = GROUPS
    common: tuple[str, ...] = COMMON


def servable(document: Document) -> bool:
    """Return whether the document waits to be served: a kind served on its party, issued, not served."""
    return (
        get_instrument(document.kind).served
        and document.status == "issued"
        and document.service_receipt_id is None
    )


@blueprint.app_template_global()
def service_section(
    document: Document, may_issue: bool, kept: MultiDict[str, str] | None = None
) -> ServiceSection:
    """Return the 送达 section of a document's page; kept is a service form typed before signing in again."""
    visible = shown(reader_classifications())
    with wenshu().database.session() as session:
        if document.kind == RECEIPT:
            proven = session.scalar(
                select(Document).where(Document.service_receipt_id == document.id, visible)
            )
            return ServiceSection(served_document=proven)
        receipt = session.scalar(
            select(Document).where(Document.id == document.service_receipt_id, visible)
        )
    if document.served_on is not None and receipt is not None:
        facts = receipt.facts
        signer = str(facts.get("signer") or "")
        if signer and facts.get("signer_relation"):
            signer += f"（{facts['signer_relation']}）"
        served = Served(
            document.served_on.isoformat(), str(facts.get("method", "")), signer,
            receipt.id, receipt.number,
        )  # fmt: skip
        return ServiceSection(served=served)
    if not (may_issue and servable(document)):
        return ServiceSection()
    if kept is not None and "method" in kept:
        return ServiceSection(form=service_form(kept))
    return ServiceSection(form=blank_form(document))


def blank_form(document: Document) -> InstrumentForm:
    """Return the form as a clerk starts it: today, handed to the recipient, served by the clerk."""
    form = get_instrument(RECEIPT).form(
        data={
            "method": METHODS[0],
            "served_on": today(),
            "recipient": document.recipient,
            "server": [{"name": current_account().name}],
        }
    )
    offer_rows(form)
    return form


def service_form(formdata: MultiDict[str, str]) -> InstrumentForm:
    """Return the form filled as posted, with rows to fill where it has none."""
    form = get_instrument(RECEIPT).form(formdata)
    offer_rows(form)
    return form


def offer_rows(form: InstrumentForm) -> None:
    """Give the witnesses and the servers empty rows up to a few to fill."""
    for name, count in BLANK_ROWS.items():
        rows: FieldList = form[name]
        while len(rows.entries) < count:
            rows.append_entry()


def typed_facts(form: InstrumentForm) -> dict[str, Any]:
    """Return the facts as typed, text unparsed, so that the rules answer for what was typed."""
    facts: dict[str, Any] = {}
    for field in form:
        if isinstance(field, FieldList):
            facts[field.name] = [
                {sub.short_name: sub.raw_data[0] if sub.raw_data else "" for sub in entry.form}
                for entry in field.entries
            ]
        elif field.raw_data:
            facts[field.name] = field.raw_data[0]
    return facts


@blueprint.post("/documents/<id:document_id>/service")
@requires(ISSUE)
def serve(document_id: int) -> Response | tuple[str, int]:
    """Record the document's service and issue its 送达回证; on a refusal show the form as typed."""
    with wenshu().database.session() as session:
        document = visible_document(session, document_id)
    formdata = without_blank_rows(request.form)
    form = get_instrument(RECEIPT).form(formdata)
    try:
        receipt = serve_document(
            wenshu(), document_id, typed_facts(form), current_account().username,
            reader_classifications(), today(),
        )  # fmt: skip
    except DocumentUnknown:
        abort(404)
    except NotIssued as error:
        return refused_page(document, formdata, error)
    flash(_("已登记送达，送达回证 %(number)s 已生成并归档", number=receipt.number))
    return redirect(url_for("documents.show", document_id=document_id))


def refused_page(
    document: Document, formdata: MultiDict[str, str], error: NotIssued
) -> tuple[str, int]:
    """Return the document page with why its service was not recorded, and the form as typed.

    A refusal of the document itself (served meanwhile, a receipt, a report received) is said
    above what its page shows of its service, since there is no service of it to record.
    """
    form = service_form(formdata)
    shown = {*COMMON, *(name for _, _, names in GROUPS for name in names)}
    problem = None
    if isinstance(error, FactsRefused):
        status = 422
        for name, messages in error.errors.items():
            if name in shown:
                form[name].errors = list(messages)
            else:
                problem = " ".join(messages)
    elif isinstance(error, NotServable):
        status, problem = 409, str(error)
    else:
        status, problem = (
            503,
            _("送达未能登记，送达回证未生成，填写的内容已保留：%(error)s", error=error),
        )
    with wenshu().database.session() as session:
        document = visible_document(session, document.id)  # as it is now: served meanwhile?
    if servable(document):
        section = ServiceSection(form=form, problem=problem)
    else:
        section = replace(service_section(document, True), problem=problem)
    page = render_template("document.html", document=document, may_issue=True, service=section)
    return page, status
