"""The instrument form page in a case: the case it is issued in, what the case fills in, and where it goes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from forms.fields import InstrumentForm
from service.acts.approving import submit
from service.acts.casework import RECEIPT
from service.acts.errors import FactsRefused
from service.acts.issuing import issue_document
from service.acts.opening import open_case
from service.archive.access import Visibility
from service.cases.procedure import OPENING
from service.cases.records import RETURNED, CaseFile, NoSuchCase, load_case
from service.database.models import Document, Submission
from service.instruments.registry import INSTRUMENTS, Instrument
from service.web import wenshu
from service.web.auth import current_account
from service.web.formdata import facts_as_formdata
from service.web.language import N_

CASE_FIELD = "case"  # the hidden field (and the URL's ?case=) naming the case of a form
# The party and the officers as the 立案审批表 names them: an instrument of the case starts
# with the same (the officers may change, as the clerk then types).
CASE_PRESETS = (
    "party_name", "party_type", "party_id", "party_address", "legal_representative", "officers",
)  # fmt: skip
SUBMITTED = N_("已提交，等待负责人审批：批准后才编号印发，结果见本案件页面。")
OPENING_SUBMITTED = N_("立案审批表已提交负责人审批：批准后案件取得编号。")


def filled_alone() -> list[Instrument]:
    """Return the kinds a clerk fills from a blank form outside any case, for the home page.

    A kind of the procedure is made from its case's page, where the case is preset; a
    送达回证 is issued by recording the service of the document it proves served.
    """
    return [i for i in INSTRUMENTS.values() if i.case != "required" and i.kind != RECEIPT]


def posted_case_id(fields: MultiDict[str, str] | None = None) -> int | None:
    """Return the id of the case a form page is in: posted, kept or drafted with it, or ?case=."""
    if request.method == "POST":
        return request.form.get(CASE_FIELD, type=int)
    if fields is not None and CASE_FIELD in fields:
        return fields.get(CASE_FIELD, type=int)
    return request.args.get(CASE_FIELD, type=int)


def page_case(case_id: int | None) -> CaseFile | None:
    """Return the case a form page is in; a page asked for an unknown case is not found (404).

    A post naming an unknown case is answered by the procedure at the top of the form instead,
    so that what was typed is not lost.
    """
    if case_id is None:
        return None
    with wenshu().database.session() as session:
        try:
            return load_case(session, case_id)
        except NoSuchCase:
            if request.method == "POST":
                return None
            abort(404)


def case_presets(instrument: Instrument, case_file: CaseFile | None) -> dict[str, Any]:
    """Return the party and officers of the case for a new form of one of its instruments."""
    if case_file is None or instrument.kind == OPENING:
        return {}
    form = instrument.form()
    return {name: case_file.facts[name] for name in CASE_PRESETS
            if name in form and case_file.facts.get(name)}  # fmt: skip


def returned_formdata(
    instrument: Instrument, case_id: int | None, submission_id: int
) -> MultiDict[str, str]:
    """Return a returned submission's facts to correct and submit again, with the head's reason shown."""
    with wenshu().database.session() as session:
        row = session.get(Submission, submission_id)
    if (
        row is None
        or row.kind != instrument.kind
        or row.case_id != case_id
        or row.status != RETURNED
    ):
        abort(404)
    flash(
        _(
            "负责人%(head)s退回了这份%(title)s：%(opinion)s。请据此修改后重新提交。",
            head=row.decided_by,
            title=instrument.title,
            opinion=row.opinion,
        )
    )
    return facts_as_formdata(dict(row.facts))


def case_of_document(document_id: int) -> int | None:
    """Return the case an archived document was issued in, if any."""
    with wenshu().database.session() as session:
        document = session.get(Document, document_id)
        return document.case_id if document is not None else None


def issue_or_submit(
    instrument: Instrument, facts: Mapping[str, Any], case_id: int | None, visible: Visibility
) -> Response:
    """Issue checked facts in their case, or submit them to the head; return where the page goes.

    A 立案审批表 outside a case opens one; a kind the head approves waits for him, numberless.
    """
    username = current_account().username
    if instrument.kind == OPENING and case_id is None:
        case, _submission = open_case(wenshu(), facts, username, visible)
        flash(_(OPENING_SUBMITTED))
        return redirect(url_for("cases.show", case_id=case.id))
    if instrument.approval:
        submit(wenshu(), instrument.kind, facts, case_id, username, visible)
        flash(_(SUBMITTED))  # submit refused it outside a case: every kind approved is a case's
        return redirect(url_for("cases.show", case_id=case_id))
    document = issue_document(wenshu(), instrument.kind, facts, username, visible, case_id=case_id)
    return redirect(url_for("documents.show", document_id=document.id))


def show_refusal(form: InstrumentForm, error: FactsRefused) -> None:
    """Put each refusal at its field; those of the case (a missing step) at the top of the form."""
    for name, messages in error.errors.items():
        if name in form:
            form[name].errors = list(messages)
        else:
            form.form_errors.extend(messages)
