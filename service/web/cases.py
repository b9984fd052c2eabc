"""The case pages: the register of cases, opening a case, one case's steps, timeline and deadlines."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from service.accounts.users import APPROVE, ISSUE
from service.acts.casework import RECEIPT
from service.acts.errors import FactsRefused
from service.acts.extensions import MAX_DAYS, request_extension
from service.archive.access import shown
from service.cases.deadlines import CaseDeadline, case_deadlines
from service.cases.overview import (
    case_register,
    case_submissions,
    case_timeline,
    open_returns,
    status_counts,
)
from service.cases.procedure import OPENING
from service.cases.records import AWAITING_APPROVAL, CaseFile, NoSuchCase, load_case
from service.cases.status import AWAITING, CLOSED, STATUSES
from service.custody.case_bag import volume_file_name
from service.custody.case_file import case_file_pdf, record_case_file
from service.custody.case_volume import CaseNotClosed, FilesDiffer, VolumeUnconverted
from service.database.models import Case, Document
from service.instruments.registry import INSTRUMENTS, Instrument
from service.web import documents, wenshu
from service.web.auth import current_account, requires
from service.web.deadlines import today
from service.web.documents import reader_classifications
from service.web.downloads import send_named
from service.web.kept_forms import restored_fields
from service.web.language import N_

blueprint = Blueprint("cases", __name__)
CASE_ROLES = ISSUE | APPROVE
# The instruments a case page offers, by the stage of the procedure they serve; a kind the
# registry adds to cases later is offered under 其他 until it is placed here.
STAGES = (
    (N_("调查取证"), ("inquiry_record", "site_record", "inspection_record")),
    (N_("告知与听证"), ("penalty_notice", "hearing_notice", "hearing_record")),
    (N_("审核与决定"), ("legal_review", "collective_discussion", "penalty_decision")),
    (N_("执行与结案"), ("correction_order", "enforcement_notice", "case_closing")),
)
# Case kinds not made from a blank form: the 立案审批表 opens the case, and a 送达回证 is
# issued by recording the service of the document it proves served.
NOT_OFFERED = frozenset({OPENING, RECEIPT})


@blueprint.app_template_global()
def case_of(document: Document) -> Case | None:
    """Return the case a document was issued in, for a reader who may open cases; else None."""
    if document.case_id is None or not current_account().may(CASE_ROLES):
        return None
    with wenshu().database.session() as session:
        return session.get(Case, document.case_id)


@blueprint.get("/cases")
@requires(CASE_ROLES)
def index() -> str:
    """The register of cases, newest first, filtered by status (?status=立案)."""
    status = request.args.get("status")
    if status not in STATUSES:
        status = None
    with wenshu().database.session() as session:
        cases = case_register(session, status)
        counts = status_counts(session)
        due = {case.id: next_deadline(load_case(session, case.id)) for case in cases
               if case.status not in (AWAITING, CLOSED)}  # fmt: skip
    return render_template(
        "cases.html", cases=cases, counts=counts, statuses=STATUSES, status=status,
        may_open=current_account().may(ISSUE), due=due, today=today(),
    )  # fmt: skip


@blueprint.route("/cases/new", methods=["GET", "POST"])
@requires(ISSUE)
def new() -> str | Response | tuple[str, int]:
    """The 立案审批表: the instrument form page of case_opening, which opens the case on submission."""
    return documents.new(OPENING)


@blueprint.get("/cases/<id:case_id>")
@requires(CASE_ROLES)
def show(case_id: int) -> str:
    """One case: its step, its timeline, its deadlines, what may be issued in it next.

    An extension request posted after the session ended comes back in its form.
    """
    kept = restored_fields()
    typed = {"days": kept.get("days", ""), "reason": kept.get("reason", "")} if kept else None
    return case_page(case_id, extension_typed=typed)


@blueprint.post("/cases/<id:case_id>/extension")
@requires(ISSUE)
def extension(case_id: int) -> Response | tuple[str, int]:
    """Ask the head to extend the case's time limit (行政处罚法 第六十条)."""
    found_case(case_id)
    days, reason = request.form.get("days", ""), request.form.get("reason", "")
    try:
        request_extension(
            wenshu(), case_id, int(days) if days.strip().isdigit() else days, reason,
            current_account().username,
        )  # fmt: skip
    except FactsRefused as error:
        typed = {"days": days, "reason": reason}
        return case_page(case_id, extension_errors=error.errors, extension_typed=typed), 422
    flash(_("延长办案期限%(n)s天的申请已提交，等待负责人审批。", n=days.strip()))
    return redirect(url_for("cases.show", case_id=case_id, _anchor="extension"))


@blueprint.get("/cases/<id:case_id>/file.pdf")
@requires(CASE_ROLES)
def case_file(case_id: int) -> Response | tuple[str, int]:
    """The 案卷 of a closed case as one PDF/A, inline to print or (?download=1) as a file.

    The same file as GET /api/cases/<id>/file.pdf; a case holding a document the reader may
    not see is not found, as that document would not be. Each download is audited.
    """
    case = found_case(case_id)
    if hides_documents(case_id):
        abort(404)
    try:
        data = case_file_pdf(wenshu(), case_id)
    except CaseNotClosed as refused:
        return render_template("error.html", code=409, message=str(refused)), 409
    except FilesDiffer as refused:
        message = _(
            "%(refused)s：%(problems)s。请联系管理员检查档案存储",
            refused=refused,
            problems="；".join(refused.problems),
        )
        return render_template("error.html", code=500, message=message), 500
    except VolumeUnconverted as refused:
        return render_template("error.html", code=503, message=str(refused)), 503
    number = case.number or str(case_id)  # a closed case has its number
    user = current_account().username
    record_case_file(wenshu(), case_id, number, data, user, "download", "web")
    return send_named(
        io.BytesIO(data), "application/pdf", volume_file_name(number), f"case-{case_id}.pdf",
        attachment=request.args.get("download") == "1",
    )  # fmt: skip


def hides_documents(case_id: int) -> bool:
    """Return whether the case holds an issued document of a 密级 the reader may not see."""
    with wenshu().database.session() as session:
        hidden = session.scalar(
            select(func.count())
            .select_from(Document)
            .where(
                Document.case_id == case_id,
                Document.status == "issued",
                ~shown(reader_classifications()),
            )
        )
    return bool(hidden)


def case_page(
    case_id: int,
    extension_errors: dict[str, list[str]] | None = None,
    extension_typed: dict[str, str] | None = None,
) -> str:
    """Return the case page, with the extension form's refusals and typed values if any."""
    case_file = found_case(case_id)
    with wenshu().database.session() as session:
        timeline = case_timeline(session, case_id, shown(reader_classifications()))
        submissions = case_submissions(session, case_id)
    waiting = [row for row in submissions if row.status == AWAITING_APPROVAL]
    account = current_account()
    return render_template(
        "case.html", case=case_file, statuses=STATUSES, step=STATUSES.index(case_file.status),
        timeline=timeline, waiting=waiting, returns=open_returns(submissions),
        deadlines=case_deadlines(case_file, today()), today=today(),
        stages=offered_stages(), instruments=INSTRUMENTS,
        in_progress=case_file.status not in (AWAITING, CLOSED), closed=case_file.status == CLOSED,
        may_issue=account.may(ISSUE), may_approve=account.may(APPROVE), max_days=MAX_DAYS,
        extension_errors=extension_errors or {}, extension_typed=extension_typed or {},
    )  # fmt: skip


def found_case(case_id: int) -> CaseFile:
    """Return the case with this id; 404 when there is none."""
    with wenshu().database.session() as session:
        try:
            return load_case(session, case_id)
        except NoSuchCase:
            abort(404)


def offered_stages() -> list[tuple[str, list[Instrument]]]:
    """Return the instruments a case page offers, stage by stage: every case kind made from its form."""
    placed = {kind for _, kinds in STAGES for kind in kinds}
    stages = [
        (title, [INSTRUMENTS[kind] for kind in kinds if kind in INSTRUMENTS])
        for title, kinds in STAGES
    ]
    others = [
        instrument
        for instrument in INSTRUMENTS.values()
        if instrument.case != "never" and instrument.kind not in placed | NOT_OFFERED
    ]
    return [*stages, (N_("其他"), others)] if others else stages


def next_deadline(case_file: CaseFile) -> CaseDeadline | None:
    """Return what falls due first in the case (overdue, if it is), or None."""
    deadlines = case_deadlines(case_file, today())
    return deadlines[0] if deadlines else None
