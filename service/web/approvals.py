"""The head's approvals page: every submission awaiting him, approved (numbered) or returned with a reason."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from service.accounts.users import APPROVE
from service.acts.approving import DEFAULT_OPINION, approve, return_submission
from service.acts.casework import ApprovalRefused
from service.acts.errors import FactsRefused, NotIssued
from service.acts.extensions import approve_extension
from service.acts.previewing import preview_pdf
from service.cases.overview import awaiting_approval, submission_title
from service.cases.records import AWAITING_APPROVAL, EXTENSION
from service.database.models import Submission
from service.instruments.facts import flatten_messages
from service.instruments.registry import INSTRUMENTS
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.deadlines import today
from service.web.documents import reader_classifications
from service.web.formdata import facts_as_formdata

blueprint = Blueprint("approvals", __name__)
SUBMISSION = "/approvals/<id:submission_id>"
# How a decision the head may not make is answered: no such submission, decided, his own.
REFUSED_STATUS = {"unknown": 404, "decided": 409, "own": 403}


@blueprint.app_template_filter("submission_title")
def title_of(kind: str) -> str:
    """Return what a submission asks the head to approve: an instrument's title, or 延长办案期限."""
    return submission_title(kind)


@blueprint.get("/approvals")
@requires(APPROVE)
def index() -> str:
    """Every submission awaiting the head, oldest first, each with its facts and its two buttons."""
    return approvals_page()


@blueprint.post(SUBMISSION + "/approve")
@requires(APPROVE)
def approve_submission(submission_id: int) -> Response | tuple[str, int]:
    """Approve a submission: the instrument is numbered and issued, or the extension granted."""
    head, opinion = current_account().username, request.form.get("opinion", DEFAULT_OPINION)
    kind = submission_kind(submission_id)
    try:
        if kind == EXTENSION:
            row = approve_extension(wenshu(), submission_id, head, opinion, today=today())
            flash(_("已批准延长办案期限%(n)s天。", n=row.facts.get("days")))
            return redirect(url_for("cases.show", case_id=row.case_id))
        document = approve(wenshu(), submission_id, head, opinion, today=today())
    except ApprovalRefused as error:
        return refused(submission_id, str(error), REFUSED_STATUS[error.reason])
    except NotIssued as error:
        # The facts no longer pass (a step of the procedure was voided meanwhile, say) or the
        # service could not finish: the submission still waits, nothing was numbered.
        status = 422 if isinstance(error, FactsRefused) else 503
        message = refusal_text(kind, error) if isinstance(error, FactsRefused) else str(error)
        return refused(
            submission_id, _("未能编号印发，申请仍在等待审批：%(why)s", why=message), status
        )
    flash(_("已批准，%(title)s编号为 %(number)s。", title=document.title, number=document.number))
    return redirect(url_for("documents.show", document_id=document.id))


@blueprint.post(SUBMISSION + "/return")
@requires(APPROVE)
def return_to_clerk(submission_id: int) -> Response | tuple[str, int]:
    """Send a submission back to its clerk with the head's reason, which is required."""
    reason = request.form.get("reason", "")
    submission_kind(submission_id)
    try:
        row = return_submission(wenshu(), submission_id, current_account().username, reason)
    except ApprovalRefused as error:
        return refused(submission_id, str(error), REFUSED_STATUS[error.reason])
    except FactsRefused as error:
        page = approvals_page(submission_id, return_errors=error.errors, typed_reason=reason)
        return page, 422
    flash(
        _(
            "已退回%(title)s，承办人%(clerk)s可在案件页面看到理由。",
            title=submission_title(row.kind),
            clerk=row.submitted_by,
        )
    )
    if row.case_id is not None:
        return redirect(url_for("cases.show", case_id=row.case_id))
    return redirect(url_for("approvals.index"))


@blueprint.get(SUBMISSION + "/preview.pdf")
@requires(APPROVE)
def preview(submission_id: int) -> Response | tuple[str, int]:
    """The submitted instrument as it would print, marked as a preview, without a number."""
    with wenshu().database.session() as session:
        row = session.get(Submission, submission_id)
    if row is None or row.kind == EXTENSION:
        abort(404)
    try:
        data = preview_pdf(
            wenshu(), row.kind, row.facts, current_account().username, reader_classifications()
        )
    except NotIssued as error:
        return refused(submission_id, _("预览未能生成：%(error)s", error=error), 503)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = "inline"
    return response


def refusal_text(kind: str, error: FactsRefused) -> str:
    """Return why the submitted facts no longer pass, each message after its field's label."""
    form = INSTRUMENTS[kind].form()
    lines = []
    for name, messages in error.errors.items():
        label = f"{form[name].label.text}：" if name in form else ""
        lines += [f"{label}{message}" for message in flatten_messages(messages)]
    return "；".join(lines) + _("。请退回承办人修改")


def submission_kind(submission_id: int) -> str:
    """Return the kind of a submission; 404 for one that does not exist."""
    with wenshu().database.session() as session:
        row = session.get(Submission, submission_id)
    if row is None:
        abort(404)
    return row.kind


def refused(submission_id: int, message: str, status: int) -> tuple[str, int]:
    """Return the approvals page with why this submission could not be decided, at the submission."""
    return approvals_page(submission_id, problem=message), status


def approvals_page(
    submission_id: int | None = None,
    problem: str | None = None,
    return_errors: dict[str, list[str]] | None = None,
    typed_reason: str = "",
) -> str:
    """Return the approvals page; a refused decision is shown at its submission."""
    with wenshu().database.session() as session:
        waiting = awaiting_approval(session)
    items = [approval_item(row, case) for row, case in waiting]
    return render_template(
        "approvals.html", items=items, head=current_account().username,
        focus=submission_id, problem=problem, return_errors=return_errors or {},
        typed_reason=typed_reason, default_opinion=DEFAULT_OPINION,
        status_waiting=AWAITING_APPROVAL,
    )  # fmt: skip


def approval_item(row: Submission, case: Any) -> dict[str, Any]:
    """Return one submission as the page shows it: what, in which case, by whom, and its facts."""
    return {"submission": row, "case": case, "summary": facts_summary(row)}


def facts_summary(row: Submission) -> list[tuple[str, str]]:
    """Return the submitted facts as the form labels them: (label, value) for each filled field."""
    if row.kind == EXTENSION:
        days = _("%(n)s 天", n=row.facts.get("days"))
        return [(_("延长天数"), days), (_("理由"), str(row.facts.get("reason")))]
    instrument = INSTRUMENTS.get(row.kind)
    if instrument is None:
        return []
    form = instrument.form(facts_as_formdata(dict(row.facts)))
    summary: list[tuple[str, str]] = []
    for field in form:
        if field.type == "FieldList":
            lines = ["，".join(str(sub.data) for sub in entry.form if sub.data not in (None, ""))
                     for entry in field.entries]  # fmt: skip
            value = "；".join(line for line in lines if line)
        elif field.type == "SelectField":
            value = dict((str(k), str(v)) for k, v, *_ in field.iter_choices()).get(
                str(field.data), str(field.data or "")
            )
        elif field.type == "BooleanField":
            value = _("是") if field.data else ""
        else:
            value = "" if field.data in (None, "") else str(field.data)
        if value and field.type not in ("HiddenField", "CSRFTokenField"):
            summary.append((str(field.label.text), value))
    return summary
