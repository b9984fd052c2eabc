"""Instrument forms, issuing, and issued documents with their PDFs."""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from forms.fields import InstrumentForm
from service.accounts.users import ISSUE
from service.acts.confirmations import claim_review, release_review, settle_review
from service.acts.drafts import delete_draft, load_draft, save_draft
from service.acts.errors import FactsRefused, NotIssued
from service.acts.previewing import preview_first_page
from service.archive.access import Visibility, may_see, visible_classifications
from service.archive.audit import record_event
from service.archive.lookup import DatabaseArchiveView
from service.archive.pdfinspect import is_sealed
from service.database.models import Document
from service.foundations.formatting import format_copy_number
from service.instruments.facts import Facts
from service.instruments.registry import Instrument, UnknownKind, get_instrument
from service.render.ofd.convert import MEDIA_TYPE as OFD_MEDIA_TYPE
from service.web import localtime, wenshu
from service.web.auth import current_account, requires
from service.web.case_forms import (
    case_of_document,
    case_presets,
    issue_or_submit,
    page_case,
    posted_case_id,
    returned_formdata,
    show_refusal,
)
from service.web.downloads import send_named
from service.web.drawing import DRAFT_NOTE, draw_on_form, drawn_fields, shown_draw, undrawn
from service.web.formdata import (
    asked_presets,
    facts_as_formdata,
    filled_form,
    with_uploaded_rows,
    without_blank_rows,
)
from service.web.kept_forms import OWNER_FIELD, restored_fields
from service.web.reviewing import (
    TOKEN_FIELD,
    changed_since_review,
    confirms_review,
    posted_token,
    review_page,
)
from service.web.served import served_ofd, served_page_png, served_pdf

blueprint = Blueprint("documents", __name__)


@blueprint.route("/documents/new/<kind>", methods=["GET", "POST"])
@requires(ISSUE)
def new(kind: str) -> str | Response | tuple[str, int]:
    """Show an instrument's form; on a valid submission issue it and show the result.

    The button pressed is the "action": review (the default, and what the old "issue" now
    means: check the facts and show every page and warning before any number is taken),
    confirm (from the review page: issue, only for the very facts reviewed), edit (from the
    review page: back to the form as typed), preview (check as for issuing, then show the
    first page without a number), draft (save as typed), or, for a kind the system draws,
    draw (draw and record the list the form's facts give).
    A draft is resumed with ?draft=<id> and deleted once issued. A form posted after the
    session ended comes back here as typed, once its clerk has signed in again.

    In a case (?case=<id>, then a hidden field) the form starts with the case's party, is
    issued in the case, or submitted to the head for a kind he approves (?returned=<id>
    brings back a submission he returned); a step the procedure misses shows at the top.
    """
    try:
        instrument = get_instrument(kind)
    except UnknownKind:
        abort(404)
    problem = None
    preview = None
    action = request.form.get("action", "review")
    action = "review" if action == "issue" else action  # pages and clients of before
    if request.method == "POST":
        draft_id = request.form.get("draft_id", type=int)
    else:
        draft_id = request.args.get("draft", type=int)
    if request.method == "POST" and action == "draft":
        return save_as_draft(instrument, draft_id)
    case_id = posted_case_id()
    if request.method == "POST":
        formdata = without_blank_rows(request.form)
        try:
            formdata = with_uploaded_rows(instrument, formdata)
        except (OSError, ValueError) as error:
            problem = _("上传的表格无法读取：%(error)s", error=error)
        # Back from the review, the form shows as typed, nothing checked yet.
        form = filled_form(instrument, formdata) if action == "edit" else instrument.form(formdata)
    elif draft_id is not None:
        typed = draft_formdata(instrument, draft_id)
        form, case_id = filled_form(instrument, typed), posted_case_id(typed)
    elif (source_id := request.args.get("from", type=int)) is not None:
        form = form_from_document(instrument, source_id)  # a corrected copy of a voided one
        case_id = case_of_document(source_id)
    elif (returned_id := request.args.get("returned", type=int)) is not None:
        form = filled_form(instrument, returned_formdata(instrument, case_id, returned_id))
    elif (kept := restored_fields()) is not None:
        form, case_id = filled_form(instrument, kept), posted_case_id(kept)
        draft_id = kept.get("draft_id", type=int)
    else:
        form = None  # a blank form, which starts with its case's party once the case is read
    case_file = page_case(case_id)
    if form is None:
        presets = defaults_for(instrument) | case_presets(instrument, case_file)
        presets |= asked_presets(instrument)  # a step the desk offers: ?unit=…
        form = filled_form(instrument, data=presets)
    # The rules read only what the clerk may see: a document of a higher 密级 is answered as
    # one that does not exist, in messages, warnings, previews and the issued document alike.
    visible = reader_classifications()
    form.archive = DatabaseArchiveView(wenshu().database, visible)
    form.policy = wenshu().settings.policy
    drawn, unreviewed = None, False
    if request.method == "POST" and action == "draw" and not problem:
        drawn, refusal = draw_on_form(instrument, form, visible)
        if refusal is not None:
            problem = not_issued_problem(form, refusal, action)
    elif request.method == "POST" and action != "edit" and not problem and form.validate():
        try:
            facts = Facts(kind, dict(form.data)).to_json()
            if action == "preview":
                first = preview_first_page(
                    wenshu(), kind, facts, current_account().username, classifications=visible
                )
                image = base64.b64encode(first.png).decode("ascii")
                width, height = first.size
                preview = {"src": f"data:image/png;base64,{image}", "pages": first.pages,
                           "width": width, "height": height}  # fmt: skip
            elif action != "confirm":
                return review_page(instrument, form, facts, formdata, case_file, visible), 200
            elif not confirms_review(kind, facts):
                problem, unreviewed = changed_since_review(), True
            else:
                confirmed = confirm_once(instrument, facts, case_id, visible, draft_id)
                if not isinstance(confirmed, str):
                    return confirmed
                problem, unreviewed = confirmed, True
        except NotIssued as error:
            problem = not_issued_problem(form, error, action)
    # 409: the facts are not those reviewed; 503: the facts were fine but the service could
    # not finish; 422: the facts were not.
    status = (
        200 if preview or drawn is not None or action == "edit"
        else 409 if unreviewed
        else 503 if problem and form.errors == {}
        else 422 if request.method == "POST"
        else 200
    )  # fmt: skip
    page = render_template(
        "form.html", instrument=instrument, form=form, problem=problem, preview=preview,
        draft_id=draft_id, drawn=drawn if drawn is not None else shown_draw(instrument, form),
        case=case_file,
    )  # fmt: skip
    return page, status


def confirm_once(
    instrument: Instrument,
    facts: dict[str, Any],
    case_id: int | None,
    visible: Visibility,
    draft_id: int | None,
) -> Response | str:
    """Issue (or submit) reviewed facts once per review; return where the page goes, or why not.

    A second post of the same review (a double click, a resent form) takes no second number:
    once the first has finished it leads to what the first made; while it runs, it says so.
    A failed issue gives the review back, to be confirmed again.
    """
    database, token = wenshu().database, posted_token()
    earlier = claim_review(database, token, current_account().id)
    if earlier:
        flash(_("这次核对已经确认过，文书只生成一次"))
        return redirect(earlier)
    if earlier is not None:
        return _("这次核对已经确认，文书正在生成，请稍后在文书登记簿中查看")
    try:
        issued = issue_or_submit(instrument, facts, case_id, visible)
    except BaseException:
        release_review(database, token)
        raise
    settle_review(database, token, issued.location or "")
    if draft_id is not None:
        with database.session() as session:
            delete_draft(session, current_account().id, draft_id)
    return issued


def not_issued_problem(form: InstrumentForm, error: NotIssued, action: str) -> str | None:
    """Show why nothing was issued or previewed: the facts' problems at their fields, else say why.

    Returns the message for the top of the form, or None when the fields say it all.
    """
    if isinstance(error, FactsRefused):
        show_refusal(form, error)
        return None
    failed = {
        "preview": _("预览未能生成"),
        "draw": _("未能抽取"),
        "review": _("核对页面未能生成"),
    }.get(action, _("文书未能生成，未占用文号"))
    return _("%(failed)s，填写的内容已保留：%(error)s", failed=failed, error=error)


# Submitted names that are the page's own, not the instrument's: never saved in a draft.
NOT_DRAFTED = frozenset({"csrf_token", "action", "draft_id", OWNER_FIELD, TOKEN_FIELD})


def save_as_draft(instrument: Instrument, draft_id: int | None) -> Response:
    """Save the submitted form as typed, unchecked, and return to it."""
    typed = [(key, value) for key, value in request.form.items(multi=True)
             if key not in NOT_DRAFTED]  # fmt: skip
    # A draft never carries a seed: resumed, the list is drawn again, and that draw recorded.
    kept = undrawn(instrument, typed)
    with wenshu().database.session() as session:
        saved = save_draft(session, current_account().id, instrument.kind, kept, draft_id)
    uploaded = any(upload.filename for upload in request.files.values())
    drawn = any(value.strip() for key, value in typed if key in drawn_fields(instrument))
    flash(
        _("草稿已保存。")
        + (_("上传的表格不随草稿保存，继续填写时请重新上传。") if uploaded else "")
        + (_(DRAFT_NOTE) if drawn else "")
    )
    return redirect(url_for("documents.new", kind=instrument.kind, draft=saved))


def draft_formdata(instrument: Instrument, draft_id: int) -> MultiDict[str, str]:
    """Return one of the clerk's drafts of this kind as typed (404 otherwise)."""
    with wenshu().database.session() as session:
        draft = load_draft(session, current_account().id, draft_id)
        if draft is None or draft.kind != instrument.kind:
            abort(404)
        # Drafts saved before seeds were drawn by the system may hold a typed one: left out.
        return MultiDict(undrawn(instrument, [(name, value) for name, value in draft.fields]))


def form_from_document(instrument: Instrument, document_id: int) -> InstrumentForm:
    """Return the form filled with an archived document's facts, to issue a corrected one."""
    with wenshu().database.session() as session:
        document = visible_document(session, document_id)
        if document.kind != instrument.kind:
            abort(404)
        facts, number, voided = document.facts, document.number, document.status == "voided"
    source = _("%(number)s（已作废）", number=number) if voided else number
    flash(_("以下内容取自%(source)s，核对修改后生成的文书将使用新的文号。", source=source))
    # The corrected document is drawn anew: the voided one's draw stays kept by it.
    return filled_form(instrument, facts_as_formdata(dict(undrawn(instrument, facts.items()))))


@blueprint.post("/drafts/<id:draft_id>/delete", endpoint="delete_draft")
def discard_draft(draft_id: int) -> Response:
    """Delete one of the signed-in user's drafts and go home."""
    with wenshu().database.session() as session:
        if not delete_draft(session, current_account().id, draft_id):
            abort(404)
    flash(_("草稿已删除"))
    return redirect(url_for("desk.index"))


def defaults_for(instrument: Instrument) -> dict[str, object]:
    """Return what a blank form starts with: this bureau as issuer, the bureau's today as the date."""
    defaults: dict[str, object] = {instrument.date_field: localtime.today()}
    if "issuer" in instrument.form():
        defaults["issuer"] = wenshu().settings.bureau.name
    return defaults


@blueprint.get("/documents/<id:document_id>")
def show(document_id: int) -> str:
    """One issued document: its number, metadata, fixity values and PDF.

    A void reason or a service posted after the session ended comes back in its form.
    """
    with wenshu().database.session() as session:
        document = visible_document(session, document_id)
    kept = restored_fields() if document.status != "voided" else None
    return render_template(
        "document.html", document=document, may_issue=current_account().may(ISSUE),
        void_reason=kept.get("reason", "") if kept else "", kept=kept,
    )  # fmt: skip


@blueprint.app_template_global()
def document_sealed(document: Document) -> bool:
    """Return whether the document's archived PDF bears the bureau's electronic seal."""
    return is_sealed(wenshu().archive.absolute(document.pdf_path))


@blueprint.get("/documents/<id:document_id>/pages/<int:page>.png")
def page_image(document_id: int, page: int) -> Response:
    """One page of the archived PDF as an image, for the preview on the document page."""
    with wenshu().database.session() as session:
        document = visible_document(session, document_id)
    if not 1 <= page <= document.pages:
        abort(404)
    image = served_page_png(document, page)
    response = Response(image, mimetype="image/png")
    # An archived document never changes; the page asks for its images with the document's
    # status, so that once voided they are fetched anew, marked 作废.
    response.cache_control.max_age = 86400
    return response


@blueprint.get("/documents/<id:document_id>/pdf")
def pdf(document_id: int) -> Response:
    """The archived PDF, inline so that the browser opens it for printing."""
    with wenshu().database.session() as session:
        document = visible_document(session, document_id)
    return send_archived_pdf(document, "web", request.args.get("download") == "1")


@blueprint.get("/documents/<id:document_id>/ofd")
def ofd(document_id: int) -> Response:
    """The archived OFD, as a download (browsers do not show OFD)."""
    with wenshu().database.session() as session:
        document = visible_document(session, document_id)
    return send_archived_ofd(document, "web")


def send_archived_ofd(document: Document, via: str) -> Response:
    """Return the document's archived OFD, the download recorded in the audit chain; 404 if it has none."""
    if not document.ofd_path:
        abort(404, description="此文书签发时尚未生成 OFD 文件")
    copy = f"_{format_copy_number(document.copy_number)}" if document.copy_number else ""
    with wenshu().database.session() as session:
        record_event(
            session, "download", current_account().username, document.number,
            {"document_id": document.id, "via": via, "format": "ofd"},
        )  # fmt: skip
    name, fallback = f"{document.number}{copy}.ofd", f"document-{document.id}{copy}.ofd"
    return send_named(served_ofd(document), OFD_MEDIA_TYPE, name, fallback, attachment=True)


def send_archived_pdf(document: Document, via: str, attachment: bool = False) -> Response:
    """Return the document's archived PDF, the download recorded in the audit chain."""
    copy = f"_{format_copy_number(document.copy_number)}" if document.copy_number else ""
    with wenshu().database.session() as session:
        record_event(
            session, "download", current_account().username, document.number,
            {"document_id": document.id, "via": via},
        )  # fmt: skip
    name, fallback = f"{document.number}{copy}.pdf", f"document-{document.id}{copy}.pdf"
    return send_named(served_pdf(document), "application/pdf", name, fallback, attachment)


def reader_classifications() -> Visibility:
    """Return the 密级 the signed-in account (or the API token's user) may see; None for all."""
    return visible_classifications(current_account().role, wenshu().settings.policy)


def visible_document(session: Session, document_id: int) -> Document:
    """Return the document if the reader's role may see its 密级; 404 otherwise, hiding that it exists."""
    document = session.get(Document, document_id)
    policy = wenshu().settings.policy
    if document is None or not may_see(current_account().role, document.classification, policy):
        abort(404)
    return document
